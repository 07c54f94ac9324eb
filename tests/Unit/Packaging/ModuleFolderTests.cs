using System.Reflection;
using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using StsPowerShell.Loading;
using StsPowerShell.Tests.Support;

namespace StsPowerShell.Tests.Packaging;

/// <summary>The module folder `dotnet build` assembles: its files, manifest and assembly closure.</summary>
public class ModuleFolderTests
{
    private static readonly string Folder = RepositoryPaths.ModuleFolder;

    // Provided by every host the module supports: the .NET Standard facade and PowerShell itself.
    private static readonly string[] HostAssemblies = { "netstandard", "mscorlib", "System.Management.Automation" };

    private static string Manifest => File.ReadAllText(Path.Combine(Folder, "StsPowerShell.psd1"));

    [Fact]
    public void HoldsExactlyTheModuleFilesAndTheDependencyClosure()
    {
        var files = Directory.GetFiles(Folder, "*", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(Folder, f).Replace('\\', '/'))
            .OrderBy(f => f, StringComparer.Ordinal)
            .ToArray();
        var expected = new[] { "StsPowerShell.Core.dll", "StsPowerShell.dll", "StsPowerShell.format.ps1xml", "StsPowerShell.psd1", "en-US/StsPowerShell.dll-Help.xml", "en-US/about_StsPowerShell.help.txt" }
            .Concat(DependencyResolver.AssemblyNames.Select(n => $"dependencies/{n}.dll"))
            .OrderBy(f => f, StringComparer.Ordinal)
            .ToArray();
        Assert.Equal(expected, files);
    }

    [Fact]
    public void TheManifestFileListIsExactlyTheFolder()
    {
        var files = Directory.GetFiles(Folder, "*", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(Folder, f).Replace('\\', '/')).OrderBy(f => f, StringComparer.Ordinal);
        var listed = Regex.Match(Manifest, @"FileList\s*=\s*@\(([^)]*)\)", RegexOptions.Singleline).Groups[1].Value
            .Split(',').Select(s => s.Trim().Trim('\'')).Where(s => s.Length > 0).OrderBy(s => s, StringComparer.Ordinal);
        Assert.Equal(files, listed);
    }

    [Fact]
    public void TheFolderIsNamedForTheVersionEveryAssemblyCarries()
    {
        var version = Regex.Match(Manifest, @"ModuleVersion\s*=\s*'([0-9.]+)'").Groups[1].Value;
        Assert.Equal(version, new DirectoryInfo(Folder).Name);
        Assert.Equal(version + ".0", AssemblyName.GetAssemblyName(Path.Combine(Folder, "StsPowerShell.dll")).Version!.ToString());
        Assert.Equal(version + ".0", AssemblyName.GetAssemblyName(Path.Combine(Folder, "StsPowerShell.Core.dll")).Version!.ToString());
    }

    [Fact]
    public void EveryAssemblyReferenceIsShippedOrProvidedByTheHost()
    {
        var shipped = Directory.GetFiles(Folder, "*.dll", SearchOption.AllDirectories).ToDictionary(f => Path.GetFileNameWithoutExtension(f), StringComparer.OrdinalIgnoreCase);
        foreach (var (name, path) in shipped)
        {
            foreach (var reference in References(path))
            {
                Assert.True(shipped.ContainsKey(reference) || HostAssemblies.Contains(reference), $"{name} references {reference}, which is neither shipped nor provided by PowerShell.");
            }
        }

        Assert.DoesNotContain("System.Management.Automation", shipped.Keys);
    }

    [Fact]
    public void TheModuleAssembliesTargetNetStandard20AndStjIs8()
    {
        Assert.Contains("netstandard", References(Path.Combine(Folder, "StsPowerShell.Core.dll")));
        var stj = AssemblyName.GetAssemblyName(Path.Combine(Folder, "dependencies", "System.Text.Json.dll"));
        Assert.Equal(new Version(8, 0, 0, 0), stj.Version);
    }

    [Fact]
    public void TheManifestExportsExactlyTheCmdletsThatExist()
    {
        var exported = Regex.Match(Manifest, @"CmdletsToExport\s*=\s*@\(([^)]*)\)").Groups[1].Value
            .Split(',').Select(s => s.Trim().Trim('\'')).Where(s => s.Length > 0).OrderBy(s => s).ToArray();
        Assert.Equal(CmdletNames(Path.Combine(Folder, "StsPowerShell.dll")).OrderBy(s => s).ToArray(), exported);
        Assert.NotEmpty(exported);
    }

    [Theory]
    [InlineData(@"RootModule\s*=\s*'StsPowerShell\.dll'")]
    [InlineData(@"PowerShellVersion\s*=\s*'5\.1'")]
    [InlineData(@"CompatiblePSEditions\s*=\s*@\('Desktop',\s*'Core'\)")]
    [InlineData(@"FunctionsToExport\s*=\s*@\(\)")]
    [InlineData(@"VariablesToExport\s*=\s*@\(\)")]
    [InlineData(@"AliasesToExport\s*=\s*@\(\)")]
    [InlineData(@"FormatsToProcess\s*=\s*@\('StsPowerShell\.format\.ps1xml'\)")]
    [InlineData(@"GUID\s*=\s*'[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}'")]
    [InlineData(@"Description\s*=\s*'.{20,}'")]
    [InlineData(@"Author\s*=\s*'.+'")]
    public void TheManifestDeclaresWhatTheGalleryAndBothEditionsNeed(string pattern)
    {
        Assert.Matches(pattern, Manifest);
    }

    [Fact]
    public void EveryOutputTypeHasATableAndAListView()
    {
        var format = XDocument.Load(Path.Combine(Folder, "StsPowerShell.format.ps1xml"));
        var views = format.Descendants("View").Select(v => (Type: v.Element("ViewSelectedBy")!.Element("TypeName")!.Value, Kind: v.Element("TableControl") != null ? "table" : v.Element("ListControl") != null ? "list" : "other")).ToList();
        var types = views.Select(v => v.Type).Distinct().ToList();
        Assert.Equal(5, types.Count);
        Assert.All(types, t =>
        {
            Assert.Contains((t, "table"), views);
            Assert.Contains((t, "list"), views);
        });
    }

    [Fact]
    public void FormatViewsNameRealTypesAndNeverATokenProperty()
    {
        var format = XDocument.Load(Path.Combine(Folder, "StsPowerShell.format.ps1xml"));
        var types = format.Descendants("TypeName").Select(t => t.Value).Distinct().ToArray();
        var publicTypes = PublicTypeNames(Path.Combine(Folder, "StsPowerShell.dll")).Concat(PublicTypeNames(Path.Combine(Folder, "StsPowerShell.Core.dll"))).ToList();
        Assert.NotEmpty(types);
        Assert.All(types, t => Assert.Contains(t, publicTypes));
        var shown = format.Descendants("PropertyName").Select(p => p.Value).ToArray();
        Assert.NotEmpty(shown);
        Assert.DoesNotContain(shown, p => p is "AccessToken" or "RefreshToken" or "SubjectToken");
    }

    [Fact]
    public void TheResolverAnswersForShippedDependenciesOnlyWhateverTheVersion()
    {
        Assert.Equal(
            Path.Combine(Folder, "dependencies", "System.Text.Json.dll"),
            DependencyResolver.Resolve("System.Text.Json, Version=4.0.1.2, Culture=neutral, PublicKeyToken=cc7b13ffcd2ddd51", Folder));
        Assert.NotNull(DependencyResolver.Resolve("System.Runtime.CompilerServices.Unsafe, Version=4.0.4.1", Folder));
        Assert.Null(DependencyResolver.Resolve("Newtonsoft.Json, Version=13.0.0.0", Folder));
        Assert.Null(DependencyResolver.Resolve("System.Text.Json", Path.GetTempPath()));
    }

    private static List<string> References(string path)
    {
        using var stream = File.OpenRead(path);
        using var pe = new PEReader(stream);
        var reader = pe.GetMetadataReader();
        return reader.AssemblyReferences.Select(h => reader.GetString(reader.GetAssemblyReference(h).Name)).ToList();
    }

    private static List<string> PublicTypeNames(string path)
    {
        using var stream = File.OpenRead(path);
        using var pe = new PEReader(stream);
        var reader = pe.GetMetadataReader();
        return reader.TypeDefinitions.Select(reader.GetTypeDefinition)
            .Where(t => (t.Attributes & TypeAttributes.VisibilityMask) == TypeAttributes.Public)
            .Select(t => reader.GetString(t.Namespace) + "." + reader.GetString(t.Name))
            .ToList();
    }

    // Reads [Cmdlet(verb, noun)] from metadata, so System.Management.Automation need not load here.
    private static List<string> CmdletNames(string path)
    {
        using var stream = File.OpenRead(path);
        using var pe = new PEReader(stream);
        var reader = pe.GetMetadataReader();
        var names = new List<string>();
        foreach (var handle in reader.CustomAttributes)
        {
            var attribute = reader.GetCustomAttribute(handle);
            if (attribute.Constructor.Kind != HandleKind.MemberReference)
            {
                continue;
            }

            var constructor = reader.GetMemberReference((MemberReferenceHandle)attribute.Constructor);
            var type = reader.GetTypeReference((TypeReferenceHandle)constructor.Parent);
            if (reader.GetString(type.Name) != "CmdletAttribute")
            {
                continue;
            }

            var blob = reader.GetBlobReader(attribute.Value);
            blob.ReadUInt16();
            names.Add(blob.ReadSerializedString() + "-" + blob.ReadSerializedString());
        }

        return names;
    }
}
