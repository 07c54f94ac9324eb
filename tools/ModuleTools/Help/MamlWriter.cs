using System.Xml;
using System.Xml.Linq;

namespace ModuleTools.Help;

/// <summary>Writes PowerShell's MAML command help (the format Get-Help reads from &lt;Assembly&gt;.dll-Help.xml).</summary>
public sealed class MamlWriter(XmlDocs docs)
{
    private static readonly XNamespace Msh = "http://msh";
    private static readonly XNamespace Maml = "http://schemas.microsoft.com/maml/2004/10";
    private static readonly XNamespace Command = "http://schemas.microsoft.com/maml/dev/command/2004/10";
    private static readonly XNamespace Dev = "http://schemas.microsoft.com/maml/dev/2004/10";

    /// <summary>What is missing from the documentation; the help is written only when this is empty.</summary>
    public List<string> Problems { get; } = new();

    public XDocument Write(IEnumerable<CmdletModel> cmdlets) => new(
        new XDeclaration("1.0", "utf-8", null),
        new XElement(Msh + "helpItems", new XAttribute("schema", "maml"),
            new XAttribute(XNamespace.Xmlns + "maml", Maml), new XAttribute(XNamespace.Xmlns + "command", Command), new XAttribute(XNamespace.Xmlns + "dev", Dev),
            cmdlets.Select(CommandElement)));

    private XElement CommandElement(CmdletModel cmdlet)
    {
        var doc = docs.Type(cmdlet.Type);
        var synopsis = XmlDocs.Paragraphs(doc, "synopsis").FirstOrDefault();
        var description = XmlDocs.Paragraphs(doc, "description").ToList();
        var examples = doc?.Elements("example").ToList() ?? new List<XElement>();
        var links = doc?.Elements("seealso").Where(l => l.Attribute("href") != null).ToList() ?? new List<XElement>();
        Require(synopsis != null, cmdlet.Name, "a <para type=\"synopsis\">");
        Require(description.Count > 0, cmdlet.Name, "a <para type=\"description\">");
        Require(examples.Count >= 2, cmdlet.Name, "at least two <example> elements");
        Require(links.Count > 0, cmdlet.Name, "a <seealso href=\"…\"> related link");

        return new XElement(Command + "command",
            new XElement(Command + "details",
                new XElement(Command + "name", cmdlet.Name),
                new XElement(Command + "verb", cmdlet.Verb),
                new XElement(Command + "noun", cmdlet.Noun),
                Description(synopsis ?? string.Empty)),
            Description(description.ToArray()),
            new XElement(Command + "syntax", cmdlet.ParameterSets.Select(set => new XElement(Command + "syntaxItem",
                new XElement(Maml + "name", cmdlet.Name),
                // Hidden pipeline parameters (DontShow) stay out of the syntax, as PowerShell keeps them out of completion.
                cmdlet.Parameters.Where(p => p.In(set) is { DontShow: false }).Select(p => ParameterElement(cmdlet, p, p.In(set)!))))),
            new XElement(Command + "parameters", cmdlet.Parameters.Select(p => ParameterElement(cmdlet, p, p.Sets.OrderByDescending(s => s.Mandatory).First()))),
            new XElement(Command + "inputTypes", InputTypes(cmdlet)),
            new XElement(Command + "returnValues", cmdlet.OutputTypes.Select(type =>
            {
                // A type of the module has its own summary; a framework type (a string, say) is described by the
                // cmdlet's <returns>.
                var typeDoc = XmlDocs.Text(docs.Type(type)?.Element("summary") ?? doc?.Element("returns"));
                Require(typeDoc.Length > 0, cmdlet.Name, $"a summary on its output type {type.FullName}, or a <returns> on the cmdlet");
                return new XElement(Command + "returnValue", TypeElement(type), Description(typeDoc));
            })),
            new XElement(Maml + "alertSet", new XElement(Maml + "alert", Paragraphs(doc?.Elements("remarks").Select(XmlDocs.Text).ToArray() ?? Array.Empty<string>()))),
            new XElement(Command + "examples", examples.Select((example, index) => new XElement(Command + "example",
                new XElement(Maml + "title", $"-------------------------- Example {index + 1}: {(string?)example.Attribute("title")} --------------------------"),
                new XElement(Dev + "code", example.Element("code") is XElement code ? XmlDocs.Code(code) : string.Empty),
                new XElement(Dev + "remarks", Paragraphs(XmlDocs.Paragraphs(example).ToArray()))))),
            new XElement(Command + "relatedLinks", links.Select(link => new XElement(Maml + "navigationLink",
                new XElement(Maml + "linkText", XmlDocs.Text(link)),
                new XElement(Maml + "uri", (string)link.Attribute("href")!)))));
    }

    private XElement ParameterElement(CmdletModel cmdlet, ParameterModel parameter, ParameterSetModel set)
    {
        var doc = docs.Property(parameter.Property);
        var description = XmlDocs.Text(doc?.Element("summary"));
        Require(description.Length > 0, cmdlet.Name, $"a summary on parameter -{parameter.Name}");
        var defaultValue = XmlDocs.Text(doc?.Element("value"));
        return new XElement(Command + "parameter",
            new XAttribute("required", set.Mandatory ? "true" : "false"),
            new XAttribute("variableLength", parameter.Type.IsArray ? "true" : "false"),
            new XAttribute("globbing", "false"),
            new XAttribute("pipelineInput", parameter.PipelineInput),
            new XAttribute("position", set.Position < 0 ? "named" : set.Position.ToString(System.Globalization.CultureInfo.InvariantCulture)),
            new XAttribute("aliases", parameter.Aliases.Count == 0 ? "none" : string.Join(", ", parameter.Aliases)),
            new XElement(Maml + "name", parameter.Name),
            Description(description),
            parameter.IsSwitch ? null : new XElement(Command + "parameterValue", new XAttribute("required", "true"), new XAttribute("variableLength", "false"), TypeName(parameter.Type)),
            TypeElement(parameter.Type),
            new XElement(Dev + "defaultValue", defaultValue.Length > 0 ? defaultValue : parameter.IsSwitch ? "False" : "None"));
    }

    private IEnumerable<XElement> InputTypes(CmdletModel cmdlet)
    {
        var piped = cmdlet.Parameters.Where(p => p.PipelineInput != "False").ToList();
        if (piped.Count == 0)
        {
            yield return new XElement(Command + "inputType", new XElement(Dev + "type", new XElement(Maml + "name", "None")), Description("This cmdlet takes no pipeline input."));
            yield break;
        }

        foreach (var parameter in piped)
        {
            // What a parameter takes whole is said by its own summary (a type such as System.Object says too little);
            // a property it binds is named here.
            var byValue = parameter.PipelineInput.Contains("ByValue");
            var properties = $"the piped object's {string.Join(" or ", new[] { parameter.Name }.Concat(parameter.Aliases))} property";
            yield return new XElement(Command + "inputType", TypeElement(parameter.Type),
                Description(byValue ? $"-{parameter.Name}: {XmlDocs.Text(docs.Property(parameter.Property)?.Element("summary"))}" : $"-{parameter.Name} binds {properties}."));
        }
    }

    /// <summary>The type as help shows it: int? as System.Int32, since PowerShell users never see Nullable.</summary>
    public static string DisplayTypeName(Type type) => Nullable(type).FullName!;

    private static XElement TypeElement(Type type) => new(Dev + "type", new XElement(Maml + "name", DisplayTypeName(type)), new XElement(Maml + "uri"));

    private static string TypeName(Type type) => type.IsArray ? type.GetElementType()!.Name + "[]" : Nullable(type).Name;

    private static Type Nullable(Type type) => type.IsGenericType && type.GetGenericTypeDefinition().FullName == "System.Nullable`1" ? type.GetGenericArguments()[0] : type;

    private static XElement Description(params string[] paragraphs) => new(Maml + "description", Paragraphs(paragraphs));

    private static IEnumerable<XElement> Paragraphs(string[] paragraphs) => paragraphs.Select(p => new XElement(Maml + "para", p));

    private void Require(bool present, string cmdlet, string what)
    {
        if (!present)
        {
            Problems.Add($"{cmdlet} lacks {what}.");
        }
    }
}
