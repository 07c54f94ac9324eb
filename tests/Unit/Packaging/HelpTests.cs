using System.Reflection;
using System.Xml.Linq;
using ModuleTools.Help;
using StsPowerShell.Tests.Support;

namespace StsPowerShell.Tests.Packaging;

/// <summary>
/// The MAML help shipped in en-US/, checked against the cmdlets' metadata: every cmdlet and every parameter
/// is described, with examples, links and output types.
/// </summary>
public class HelpTests
{
    private static readonly XNamespace Maml = "http://schemas.microsoft.com/maml/2004/10";
    private static readonly XNamespace Command = "http://schemas.microsoft.com/maml/dev/command/2004/10";
    private static readonly XNamespace Dev = "http://schemas.microsoft.com/maml/dev/2004/10";
    private static readonly XDocument Help = XDocument.Load(Path.Combine(RepositoryPaths.ModuleFolder, "en-US", "StsPowerShell.dll-Help.xml"));

    private static IReadOnlyList<CmdletModel> Cmdlets()
    {
        var folder = RepositoryPaths.ModuleFolder;
        var smaReference = Directory.GetFiles(Path.Combine(Environment.GetEnvironmentVariable("NUGET_PACKAGES") ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages"), "powershellstandard.library"), "System.Management.Automation.dll", SearchOption.AllDirectories).First();
        var netstandard = Path.Combine(Path.GetDirectoryName(typeof(object).Assembly.Location)!, "netstandard.dll");
        var paths = Directory.GetFiles(folder, "*.dll", SearchOption.AllDirectories).Append(smaReference).Append(netstandard)
            .Concat(Directory.GetFiles(Path.GetDirectoryName(typeof(object).Assembly.Location)!, "*.dll"))
            .GroupBy(Path.GetFileName, StringComparer.OrdinalIgnoreCase).Select(g => g.First());
        var context = new MetadataLoadContext(new PathAssemblyResolver(paths), "netstandard");
        return CmdletModel.Read(context.LoadFromAssemblyPath(Path.Combine(folder, "StsPowerShell.dll")));
    }

    public static TheoryData<string> CmdletNames() => new(Cmdlets().Select(c => c.Name));

    private static XElement CommandHelp(string name) =>
        Help.Root!.Elements(Command + "command").Single(c => c.Element(Command + "details")!.Element(Command + "name")!.Value == name);

    [Fact]
    public void EveryCmdletHasHelpAndNoOtherHelpExists()
    {
        var documented = Help.Root!.Elements(Command + "command").Select(c => c.Element(Command + "details")!.Element(Command + "name")!.Value);
        Assert.Equal(Cmdlets().Select(c => c.Name).OrderBy(n => n), documented.OrderBy(n => n));
        Assert.NotEmpty(documented);
    }

    [Theory]
    [MemberData(nameof(CmdletNames))]
    public void SynopsisDescriptionExamplesLinksAndOutputs(string name)
    {
        var help = CommandHelp(name);
        Assert.NotEmpty(help.Element(Command + "details")!.Element(Maml + "description")!.Value.Trim());
        Assert.NotEmpty(help.Element(Maml + "description")!.Value.Trim());
        var examples = help.Element(Command + "examples")!.Elements(Command + "example").ToList();
        Assert.True(examples.Count >= 2, $"{name} has {examples.Count} example(s).");
        Assert.All(examples, e =>
        {
            Assert.Contains(name, e.Element(Dev + "code")!.Value);
            Assert.NotEmpty(e.Element(Dev + "remarks")!.Value.Trim());
        });
        Assert.NotEmpty(help.Element(Command + "relatedLinks")!.Elements(Maml + "navigationLink"));
        var outputs = help.Element(Command + "returnValues")!.Elements(Command + "returnValue").ToList();
        Assert.NotEmpty(outputs);
        Assert.All(outputs, o => Assert.NotEmpty(o.Element(Maml + "description")!.Value.Trim()));
    }

    [Theory]
    [MemberData(nameof(CmdletNames))]
    public void EveryParameterIsDescribedWithTypePipelineAndDefault(string name)
    {
        var cmdlet = Cmdlets().Single(c => c.Name == name);
        var parameters = CommandHelp(name).Element(Command + "parameters")!.Elements(Command + "parameter").ToDictionary(p => p.Element(Maml + "name")!.Value);
        Assert.Equal(cmdlet.Parameters.Select(p => p.Name).OrderBy(n => n), parameters.Keys.OrderBy(n => n));
        foreach (var parameter in cmdlet.Parameters)
        {
            var help = parameters[parameter.Name];
            Assert.NotEmpty(help.Element(Maml + "description")!.Value.Trim());
            Assert.Equal(MamlWriter.DisplayTypeName(parameter.Type), help.Element(Dev + "type")!.Element(Maml + "name")!.Value);
            Assert.DoesNotContain("`", help.Element(Dev + "type")!.Element(Maml + "name")!.Value);
            Assert.Equal(parameter.PipelineInput, help.Attribute("pipelineInput")!.Value);
            Assert.Equal(parameter.Sets.Any(s => s.Mandatory) ? "true" : "false", help.Attribute("required")!.Value);
            Assert.NotEmpty(help.Element(Dev + "defaultValue")!.Value);
        }
    }

    [Fact]
    public void DefaultsAreStatedWhereTheyMatter()
    {
        var invoke = CommandHelp("Invoke-StsTokenExchange").Element(Command + "parameters")!.Elements(Command + "parameter").ToDictionary(p => p.Element(Maml + "name")!.Value);
        Assert.Equal("https://sts.googleapis.com/v1/token", invoke["TokenEndpoint"].Element(Dev + "defaultValue")!.Value);
        Assert.Equal("3", invoke["MaximumRetryCount"].Element(Dev + "defaultValue")!.Value);
        Assert.Equal("0", invoke["SubjectToken"].Attribute("position")!.Value);
    }

    [Fact]
    public void TheGeneratorRefusesUndocumentedCmdletsAndParameters()
    {
        var writer = new MamlWriter(new XmlDocs(new XDocument(new XElement("doc", new XElement("members")))));
        writer.Write(Cmdlets());
        Assert.Contains("Invoke-StsTokenExchange lacks a <para type=\"synopsis\">.", writer.Problems);
        Assert.Contains("Invoke-StsTokenExchange lacks a summary on parameter -SubjectToken.", writer.Problems);
        Assert.Contains("New-AwsCallerIdentityToken lacks at least two <example> elements.", writer.Problems);
    }

    [Fact]
    public void AboutTopicExplainsFlowsTokenTypesAndSecurity()
    {
        var about = File.ReadAllText(Path.Combine(RepositoryPaths.ModuleFolder, "en-US", "about_StsPowerShell.help.txt"));
        Assert.StartsWith("TOPIC\n    about_StsPowerShell", about.Replace("\r", string.Empty));
        foreach (var section in new[] { "THE FLOWS", "TOKEN TYPES", "SECURITY MODEL", "TROUBLESHOOTING" })
        {
            Assert.Contains(section, about);
        }

        Assert.All(Cmdlets(), c => Assert.Contains(c.Name, about));
    }
}
