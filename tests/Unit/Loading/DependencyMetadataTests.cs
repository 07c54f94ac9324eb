using System.Collections.Immutable;
using System.Reflection;
using System.Reflection.Metadata;
using StsPowerShell.Loading;
using StsPowerShell.Tests.Support;
using NamedType = StsPowerShell.Tests.Loading.ShippedAssembly.NamedType;

namespace StsPowerShell.Tests.Loading;

/// <summary>
/// The built module folder, read as metadata, for what Windows PowerShell 5.1 needs of it: the dependencies/
/// resolver answers a request only with a copy at least as new as the one asked for, so every shipped reference
/// must be satisfiable by what is shipped; and it answers only once OnImport has registered it, so nothing
/// PowerShell touches before then (the exported types, their bases and interfaces) and nothing public a caller
/// sees may name a type from dependencies/.
/// </summary>
public sealed class DependencyMetadataTests : IDisposable
{
    private readonly ShippedAssembly[] shipped = ShippedAssembly.All(BuiltModuleFolder());

    public void Dispose()
    {
        foreach (var assembly in shipped)
        {
            assembly.Dispose();
        }
    }

    [Fact]
    public void EveryShippedAssemblyIsAtLeastTheVersionEveryShippedAssemblyReferencesItWith()
    {
        var byName = shipped.ToDictionary(a => a.Name, StringComparer.OrdinalIgnoreCase);
        var problems = new List<string>();
        var references = 0;
        foreach (var assembly in shipped)
        {
            foreach (var reference in assembly.References.Where(r => byName.ContainsKey(r.Name!)))
            {
                references++;
                var target = byName[reference.Name!];
                if (reference.Version > target.Identity.Version)
                {
                    problems.Add($"{assembly.Name} references {reference.Name} {reference.Version}, but the folder ships {target.Identity.Version}.");
                }

                if (!(reference.GetPublicKeyToken() ?? []).SequenceEqual(target.Identity.GetPublicKeyToken() ?? []))
                {
                    problems.Add($"{assembly.Name} references {reference.FullName}, but the folder ships {target.Identity.FullName}.");
                }

                if (target.IsDependency && DependencyResolver.Resolve(reference.FullName, BuiltModuleFolder()) != target.Path)
                {
                    problems.Add($"The resolver does not answer {assembly.Name}'s reference {reference.FullName} with {target.Path}.");
                }
            }
        }

        Assert.True(problems.Count == 0, string.Join(Environment.NewLine, problems));
        // System.Text.Json alone references five of its closure: fewer means the folder was not read.
        Assert.True(references >= 5, $"Only {references} references between shipped assemblies were found.");
    }

    [Fact]
    public void NoPublicTypeOfTheRootModuleNamesATypeFromDependencies()
    {
        var root = shipped.Single(a => a.Name == "StsPowerShell");
        var surface = root.Reader.TypeDefinitions.Where(root.IsVisible).SelectMany(t => Surface(root, t)).ToList();

        var problems = surface.Where(s => Dependency(s.Type.Assembly)).Select(s => $"{s.Where} names {s.Type}.").Distinct().ToList();

        // The reader sees across assemblies: the cmdlets derive from PowerShell's PSCmdlet and take Core's types.
        Assert.Contains(surface, s => s.Type.Assembly == "System.Management.Automation");
        Assert.Contains(surface, s => s.Type.Assembly == "StsPowerShell.Core");
        Assert.True(problems.Count == 0, "Each of these needs the dependencies/ resolver, which OnImport registers only after PowerShell has read the module's types:" + Environment.NewLine + string.Join(Environment.NewLine, problems));
    }

    // The folder `dotnet build` (and so `dotnet test`, which builds first) assembles for this configuration. Missing,
    // every test here fails saying so, rather than passing over nothing.
    private static string BuiltModuleFolder()
    {
        var folder = RepositoryPaths.ModuleFolder;
        Assert.True(
            File.Exists(Path.Combine(folder, "StsPowerShell.dll")) && Directory.Exists(Path.Combine(folder, DependencyResolver.FolderName)),
            $"The built module folder {folder} is missing or has no StsPowerShell.dll and {DependencyResolver.FolderName}/: build this configuration first (dotnet build, or ./build.ps1).");
        return folder;
    }

    private bool Dependency(string assemblyName) => shipped.Any(a => a.IsDependency && string.Equals(a.Name, assemblyName, StringComparison.OrdinalIgnoreCase));

    /// <summary>Every type named by a visible type's heritage, visible members, and the custom attributes on both.</summary>
    private IEnumerable<(string Where, NamedType Type)> Surface(ShippedAssembly assembly, TypeDefinitionHandle handle)
    {
        var reader = assembly.Reader;
        var types = assembly.Types;
        var type = reader.GetTypeDefinition(handle);
        var name = assembly.FullName(handle);
        var found = new List<(string, NamedType)>();

        void Add(string where, IEnumerable<NamedType> named) => found.AddRange(named.SelectMany(n => n.All()).Select(n => (where, n)));
        void Attributes(string where, CustomAttributeHandleCollection attributes) =>
            Add(where + " [attribute]", attributes.SelectMany(a => AttributeTypes(assembly, a)));
        void Method(string where, MethodSignature<NamedType> signature) => Add(where, signature.ParameterTypes.Add(signature.ReturnType));

        Add(name + " (base type or interface)", Heritage(assembly, handle, new HashSet<string>()));
        Attributes(name, type.GetCustomAttributes());

        // Field and method access share one encoding (ECMA-335 II.23.1.5 and II.23.1.10).
        foreach (var field in type.GetFields().Select(reader.GetFieldDefinition).Where(f => Visible((MethodAttributes)(f.Attributes & FieldAttributes.FieldAccessMask))))
        {
            var where = $"{name}.{reader.GetString(field.Name)} (field)";
            Add(where, [field.DecodeSignature(types, null)]);
            Attributes(where, field.GetCustomAttributes());
        }

        foreach (var method in type.GetMethods().Select(reader.GetMethodDefinition).Where(m => Visible(m.Attributes)))
        {
            var where = $"{name}.{reader.GetString(method.Name)} (method)";
            Method(where, method.DecodeSignature(types, null));
            Attributes(where, method.GetCustomAttributes());
            foreach (var parameter in method.GetParameters().Select(reader.GetParameter))
            {
                Attributes(where, parameter.GetCustomAttributes());
            }
        }

        foreach (var property in type.GetProperties().Select(reader.GetPropertyDefinition))
        {
            var accessors = property.GetAccessors();
            if (new[] { accessors.Getter, accessors.Setter }.Any(a => !a.IsNil && Visible(reader.GetMethodDefinition(a).Attributes)))
            {
                var where = $"{name}.{reader.GetString(property.Name)} (property)";
                Method(where, property.DecodeSignature(types, null));
                Attributes(where, property.GetCustomAttributes());
            }
        }

        foreach (var @event in type.GetEvents().Select(reader.GetEventDefinition))
        {
            var accessors = @event.GetAccessors();
            if (new[] { accessors.Adder, accessors.Remover }.Any(a => !a.IsNil && Visible(reader.GetMethodDefinition(a).Attributes)))
            {
                var where = $"{name}.{reader.GetString(@event.Name)} (event)";
                Add(where, [types.Decode(@event.Type)]);
                Attributes(where, @event.GetCustomAttributes());
            }
        }

        return found;
    }

    // Loading a type loads its base types and interfaces, all the way up: followed through the module's own
    // assemblies; PowerShell's and the framework's need nothing from dependencies/.
    private IEnumerable<NamedType> Heritage(ShippedAssembly assembly, TypeDefinitionHandle handle, HashSet<string> seen)
    {
        var type = assembly.Reader.GetTypeDefinition(handle);
        var inherited = type.GetInterfaceImplementations().Select(i => assembly.Reader.GetInterfaceImplementation(i).Interface).ToList();
        if (!type.BaseType.IsNil)
        {
            inherited.Add(type.BaseType);
        }

        foreach (var named in inherited.Select(assembly.Types.Decode))
        {
            yield return named;
            var owner = shipped.FirstOrDefault(a => !a.IsDependency && a.Name == named.Assembly);
            if (owner?.Find(named.Name) is { } definition && seen.Add(named.Assembly + ":" + named.Name))
            {
                foreach (var further in Heritage(owner, definition, seen))
                {
                    yield return further;
                }
            }
        }
    }

    // Creating an attribute loads its type, its constructor's parameter types and every type passed to it (typeof arguments, enums).
    private static IEnumerable<NamedType> AttributeTypes(ShippedAssembly assembly, CustomAttributeHandle handle)
    {
        var reader = assembly.Reader;
        var types = assembly.Types;
        var attribute = reader.GetCustomAttribute(handle);
        var (owner, signature) = attribute.Constructor.Kind == HandleKind.MethodDefinition
            ? (types.GetTypeFromDefinition(reader, reader.GetMethodDefinition((MethodDefinitionHandle)attribute.Constructor).GetDeclaringType(), 0),
                reader.GetMethodDefinition((MethodDefinitionHandle)attribute.Constructor).DecodeSignature(types, null))
            : (types.Decode(reader.GetMemberReference((MemberReferenceHandle)attribute.Constructor).Parent),
                reader.GetMemberReference((MemberReferenceHandle)attribute.Constructor).DecodeMethodSignature(types, null));
        var value = attribute.DecodeValue(types);
        return new[] { owner }.Concat(signature.ParameterTypes)
            .Concat(value.FixedArguments.Concat(value.NamedArguments.Select(n => new CustomAttributeTypedArgument<NamedType>(n.Type, n.Value))).SelectMany(Arguments));
    }

    private static IEnumerable<NamedType> Arguments(CustomAttributeTypedArgument<NamedType> argument) =>
        argument.Value switch
        {
            NamedType type => [argument.Type, type],
            ImmutableArray<CustomAttributeTypedArgument<NamedType>> elements => elements.SelectMany(Arguments).Prepend(argument.Type),
            _ => [argument.Type],
        };

    // Public, protected, or protected internal: what another assembly (PowerShell, a script) can see.
    private static bool Visible(MethodAttributes attributes) =>
        (attributes & MethodAttributes.MemberAccessMask) is MethodAttributes.Public or MethodAttributes.Family or MethodAttributes.FamORAssem;
}
