using System.Reflection;

namespace StsPowerShell.Tests.Support;

/// <summary>Paths the build stamped into this assembly.</summary>
public static class RepositoryPaths
{
    public static string Root { get; } = Metadata("RepositoryRoot");

    /// <summary>The module folder this configuration's build assembled.</summary>
    public static string ModuleFolder { get; } = Metadata("ModuleOutputDir");

    /// <summary>Where this configuration's build put the Gallery package.</summary>
    public static string PackageFolder { get; } = Metadata("PackageFolder");

    /// <summary>The module version, from the manifest.</summary>
    public static string ModuleVersion { get; } = new DirectoryInfo(ModuleFolder).Name;

    private static string Metadata(string key) =>
        typeof(RepositoryPaths).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == key).Value!;
}
