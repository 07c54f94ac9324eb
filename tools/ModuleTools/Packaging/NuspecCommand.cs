using System.Xml.Linq;

namespace ModuleTools.Packaging;

/// <summary>
/// nuspec &lt;psd1&gt; &lt;module folder&gt; &lt;output&gt;: the package description the PowerShell Gallery expects, from
/// the manifest alone (version, author, description, links, tags, release notes), with the tags Publish-Module
/// adds (PSModule, PSIncludes_Cmdlet, PSCmdlet_*, PSCommand_*), packing the module folder at the package root.
/// </summary>
public static class NuspecCommand
{
    private static readonly XNamespace Nuspec = "http://schemas.microsoft.com/packaging/2013/05/nuspec.xsd";

    public static int Run(string manifestPath, string moduleFolder, string outputPath)
    {
        var manifest = new ModuleManifest(File.ReadAllText(manifestPath));
        var cmdlets = manifest.List("CmdletsToExport");
        var tags = manifest.List("Tags")
            .Concat(new[] { "PSModule", "PSIncludes_Cmdlet" })
            .Concat(cmdlets.SelectMany(c => new[] { "PSCmdlet_" + c, "PSCommand_" + c }))
            .Distinct(StringComparer.Ordinal);
        var document = new XDocument(
            new XDeclaration("1.0", "utf-8", null),
            new XElement(Nuspec + "package",
                new XElement(Nuspec + "metadata",
                    new XElement(Nuspec + "id", Path.GetFileNameWithoutExtension(manifestPath)),
                    new XElement(Nuspec + "version", manifest.Value("ModuleVersion")),
                    new XElement(Nuspec + "authors", manifest.Value("Author")),
                    new XElement(Nuspec + "owners", manifest.Value("CompanyName")),
                    new XElement(Nuspec + "requireLicenseAcceptance", "false"),
                    new XElement(Nuspec + "licenseUrl", manifest.Value("LicenseUri")),
                    new XElement(Nuspec + "projectUrl", manifest.Value("ProjectUri")),
                    new XElement(Nuspec + "description", manifest.Value("Description")),
                    new XElement(Nuspec + "releaseNotes", manifest.Value("ReleaseNotes")),
                    new XElement(Nuspec + "copyright", manifest.Value("Copyright")),
                    new XElement(Nuspec + "tags", string.Join(" ", tags))),
                new XElement(Nuspec + "files",
                    new XElement(Nuspec + "file", new XAttribute("src", Path.Combine(Path.GetFullPath(moduleFolder), "**")), new XAttribute("target", string.Empty)))));
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(outputPath))!);
        document.Save(outputPath);
        Console.WriteLine($"Nuspec for {cmdlets.Count} cmdlets -> {outputPath}");
        return 0;
    }
}
