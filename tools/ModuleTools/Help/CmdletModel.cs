using System.Reflection;

namespace ModuleTools.Help;

/// <summary>What PowerShell's metadata says about a cmdlet, read without loading PowerShell.</summary>
public sealed record CmdletModel(string Verb, string Noun, Type Type, IReadOnlyList<ParameterModel> Parameters, IReadOnlyList<Type> OutputTypes, string? DefaultParameterSet)
{
    public string Name => Verb + "-" + Noun;

    public IEnumerable<string> ParameterSets =>
        Parameters.SelectMany(p => p.Sets.Select(s => s.Name)).Where(n => n != AllSets).Distinct().DefaultIfEmpty(AllSets)
            .OrderBy(n => n == DefaultParameterSet ? 0 : 1).ThenBy(n => n, StringComparer.Ordinal);

    public const string AllSets = "__AllParameterSets";

    public static IReadOnlyList<CmdletModel> Read(Assembly assembly) =>
        assembly.GetTypes()
            .Select(type => (type, attribute: type.GetCustomAttributesData().FirstOrDefault(a => a.AttributeType.Name == "CmdletAttribute")))
            .Where(t => t.attribute != null && !t.type.IsAbstract)
            .Select(t => new CmdletModel(
                (string)t.attribute!.ConstructorArguments[0].Value!,
                (string)t.attribute.ConstructorArguments[1].Value!,
                t.type,
                ParameterModel.Read(t.type),
                t.type.GetCustomAttributesData().Where(a => a.AttributeType.Name == "OutputTypeAttribute")
                    .SelectMany(a => a.ConstructorArguments.SelectMany(Types)).ToList(),
                Named(t.attribute, "DefaultParameterSetName") as string))
            .OrderBy(c => c.Name, StringComparer.Ordinal)
            .ToList();

    internal static object? Named(CustomAttributeData attribute, string name) =>
        attribute.NamedArguments.FirstOrDefault(a => a.MemberName == name).TypedValue.Value;

    private static IEnumerable<Type> Types(CustomAttributeTypedArgument argument) =>
        argument.Value switch
        {
            Type type => new[] { type },
            IEnumerable<CustomAttributeTypedArgument> list => list.Select(a => (Type)a.Value!),
            _ => Array.Empty<Type>(),
        };
}

/// <summary>A parameter with its [Parameter] attributes, one per parameter set.</summary>
public sealed record ParameterModel(PropertyInfo Property, IReadOnlyList<ParameterSetModel> Sets, IReadOnlyList<string> Aliases)
{
    public string Name => Property.Name;

    public Type Type => Property.PropertyType;

    public bool IsSwitch => Type.Name == "SwitchParameter";

    public static IReadOnlyList<ParameterModel> Read(Type cmdlet) =>
        cmdlet.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Select(property => (property, attributes: property.GetCustomAttributesData()))
            .Where(p => p.attributes.Any(a => a.AttributeType.Name == "ParameterAttribute"))
            .Select(p => new ParameterModel(
                p.property,
                p.attributes.Where(a => a.AttributeType.Name == "ParameterAttribute").Select(ParameterSetModel.Read).ToList(),
                p.attributes.Where(a => a.AttributeType.Name == "AliasAttribute")
                    .SelectMany(a => ((IEnumerable<CustomAttributeTypedArgument>)a.ConstructorArguments[0].Value!).Select(v => (string)v.Value!)).ToList()))
            .OrderBy(p => p.Sets.Min(s => s.Position < 0 ? int.MaxValue : s.Position))
            .ThenBy(p => p.Sets.Any(s => s.Mandatory) ? 0 : 1)
            .ThenBy(p => p.Name, StringComparer.Ordinal)
            .ToList();

    public ParameterSetModel? In(string set) => Sets.FirstOrDefault(s => s.Name == set) ?? Sets.FirstOrDefault(s => s.Name == CmdletModel.AllSets);

    public string PipelineInput
    {
        get
        {
            var byValue = Sets.Any(s => s.ValueFromPipeline);
            var byName = Sets.Any(s => s.ValueFromPipelineByPropertyName);
            return (byValue, byName) switch
            {
                (true, true) => "True (ByValue, ByPropertyName)",
                (true, false) => "True (ByValue)",
                (false, true) => "True (ByPropertyName)",
                _ => "False",
            };
        }
    }
}

public sealed record ParameterSetModel(string Name, bool Mandatory, int Position, bool ValueFromPipeline, bool ValueFromPipelineByPropertyName, bool DontShow)
{
    public static ParameterSetModel Read(CustomAttributeData attribute) => new(
        CmdletModel.Named(attribute, "ParameterSetName") as string ?? CmdletModel.AllSets,
        CmdletModel.Named(attribute, "Mandatory") as bool? ?? false,
        CmdletModel.Named(attribute, "Position") as int? ?? int.MinValue,
        CmdletModel.Named(attribute, "ValueFromPipeline") as bool? ?? false,
        CmdletModel.Named(attribute, "ValueFromPipelineByPropertyName") as bool? ?? false,
        CmdletModel.Named(attribute, "DontShow") as bool? ?? false);
}
