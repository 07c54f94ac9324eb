using System.IO.Compression;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using StsPowerShell.Tests.Support;

namespace StsPowerShell.Tests.Packaging;

/// <summary>The .nupkg the build makes for the PowerShell Gallery: its layout and its metadata.</summary>
public class GalleryPackageTests
{
    private static readonly string PackagePath = Path.Combine(RepositoryPaths.PackageFolder, $"StsPowerShell.{RepositoryPaths.ModuleVersion}.nupkg");
    private static readonly string Manifest = File.ReadAllText(Path.Combine(RepositoryPaths.Root, "StsPowerShell.psd1"));

    private static XElement Metadata()
    {
        using var package = ZipFile.OpenRead(PackagePath);
        using var stream = package.GetEntry("StsPowerShell.nuspec")!.Open();
        var nuspec = XDocument.Load(stream).Root!;
        return nuspec.Elements().Single(e => e.Name.LocalName == "metadata");
    }

    private static string Field(string name) => Metadata().Elements().Single(e => e.Name.LocalName == name).Value;

    private static string ManifestValue(string key) => Regex.Match(Manifest, $@"{key}\s*=\s*'((?:[^']|'')*)'").Groups[1].Value.Replace("''", "'");

    [Fact]
    public void HoldsTheModuleFolderAtItsRootAndNothingElseButPackageParts()
    {
        using var package = ZipFile.OpenRead(PackagePath);
        var entries = package.Entries.Select(e => e.FullName).ToHashSet(StringComparer.Ordinal);
        var moduleFiles = Directory.GetFiles(RepositoryPaths.ModuleFolder, "*", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(RepositoryPaths.ModuleFolder, f).Replace('\\', '/'));
        var packageParts = new[] { "StsPowerShell.nuspec", "[Content_Types].xml", "_rels/.rels" };

        Assert.Equal(
            moduleFiles.Concat(packageParts).OrderBy(f => f, StringComparer.Ordinal),
            entries.Where(e => !e.StartsWith("package/services/metadata/core-properties/", StringComparison.Ordinal)).OrderBy(f => f, StringComparer.Ordinal));
        Assert.Contains(entries, e => e.EndsWith(".psmdcp", StringComparison.Ordinal));
    }

    [Fact]
    public void ThePackagedManifestIsTheRepositorysManifest()
    {
        using var package = ZipFile.OpenRead(PackagePath);
        using var reader = new StreamReader(package.GetEntry("StsPowerShell.psd1")!.Open());
        Assert.Equal(Manifest, reader.ReadToEnd());
    }

    [Theory]
    [InlineData("id", "StsPowerShell")]
    [InlineData("requireLicenseAcceptance", "false")]
    public void FixedFields(string field, string expected)
    {
        Assert.Equal(expected, Field(field));
    }

    [Theory]
    [InlineData("version", "ModuleVersion")]
    [InlineData("authors", "Author")]
    [InlineData("description", "Description")]
    [InlineData("projectUrl", "ProjectUri")]
    [InlineData("licenseUrl", "LicenseUri")]
    [InlineData("releaseNotes", "ReleaseNotes")]
    [InlineData("copyright", "Copyright")]
    public void FieldsComeFromTheManifest(string field, string manifestKey)
    {
        var value = ManifestValue(manifestKey);
        Assert.False(string.IsNullOrWhiteSpace(value), $"The manifest has no {manifestKey}.");
        Assert.Equal(value, Field(field));
    }

    [Fact]
    public void TagsAreTheManifestsPlusWhatPublishModuleAdds()
    {
        var tags = Field("tags").Split(' ');
        foreach (var tag in new[] { "PSModule", "PSIncludes_Cmdlet", "PSEdition_Desktop", "PSEdition_Core", "Windows", "Linux", "MacOS" })
        {
            Assert.Contains(tag, tags);
        }

        var cmdlets = Regex.Match(Manifest, @"CmdletsToExport\s*=\s*@\(([^)]*)\)").Groups[1].Value.Split(',').Select(c => c.Trim().Trim('\'')).Where(c => c.Length > 0).ToList();
        Assert.Equal(HelpTests.CmdletNames().Cast<object[]>().Select(row => (string)row[0]).OrderBy(n => n, StringComparer.Ordinal), cmdlets.OrderBy(n => n, StringComparer.Ordinal));
        Assert.All(cmdlets, c =>
        {
            Assert.Contains("PSCmdlet_" + c, tags);
            Assert.Contains("PSCommand_" + c, tags);
        });
    }

    [Fact]
    public void TheVersionIsAValidGalleryVersion()
    {
        Assert.Matches(@"^\d+\.\d+\.\d+$", Field("version"));
    }
}
