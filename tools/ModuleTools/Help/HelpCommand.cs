using System.Reflection;
using System.Xml;

namespace ModuleTools.Help;

/// <summary>help &lt;assembly&gt; &lt;xml-docs&gt; &lt;reference-list&gt; &lt;output&gt;: fails, naming each gap, when a cmdlet or parameter lacks help.</summary>
public static class HelpCommand
{
    public static int Run(string assemblyPath, string docsPath, string referenceList, string outputPath)
    {
        var paths = File.ReadAllLines(referenceList).Where(l => l.Trim().Length > 0).Select(l => l.Trim())
            .Concat(Directory.GetFiles(Path.GetDirectoryName(Path.GetFullPath(assemblyPath))!, "*.dll"))
            .GroupBy(Path.GetFileName, StringComparer.OrdinalIgnoreCase).Select(g => g.First());
        using var context = new MetadataLoadContext(new PathAssemblyResolver(paths), "netstandard");
        var cmdlets = CmdletModel.Read(context.LoadFromAssemblyPath(Path.GetFullPath(assemblyPath)));
        var writer = new MamlWriter(XmlDocs.Load(docsPath));
        var maml = writer.Write(cmdlets);
        if (writer.Problems.Count > 0)
        {
            foreach (var problem in writer.Problems)
            {
                Console.Error.WriteLine($"{docsPath}: error HELP001: {problem}");
            }

            return 1;
        }

        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(outputPath))!);
        using (var xml = XmlWriter.Create(outputPath, new XmlWriterSettings { Indent = true, Encoding = new System.Text.UTF8Encoding(false) }))
        {
            maml.Save(xml);
        }

        Console.WriteLine($"Help for {cmdlets.Count} cmdlets -> {outputPath}");
        return 0;
    }
}
