using System.Reflection;

namespace StsPowerShell.Tests.Support;

/// <summary>Paths the build stamped into this assembly.</summary>
public static class RepositoryPaths
{
    public static string Root { get; } = Metadata("RepositoryRoot");

    /// <summary>The module folder this configuration's build assembled.</summary>
    public static string ModuleFolder { get; } = Metadata("ModuleOutputDir");

    private static string Metadata(string key) =>
        typeof(RepositoryPaths).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == key).Value!;
}
