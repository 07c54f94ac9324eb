using System.Runtime.InteropServices;
using Xunit;

namespace StsPowerShell.Tests.Support;

/// <summary>
/// The Azure Arc agent's token folder, where the module reads key files from: on Linux the fixed
/// /var/opt/azcmagent/tokens (tests need to create files in it, as root does in CI); on Windows under the
/// ProgramData the test passes in the environment, so a temporary folder.
/// </summary>
internal static class ArcTokenFolder
{
    public const string Linux = "/var/opt/azcmagent/tokens";

    public static string? SkipReason { get; } = FindSkipReason();

    /// <summary>The token folder for <paramref name="programData"/> (used on Windows only).</summary>
    public static string For(string programData) =>
        RuntimeInformation.IsOSPlatform(OSPlatform.Windows) ? Path.Combine(programData, "AzureConnectedMachineAgent", "Tokens") : Linux;

    private static string? FindSkipReason()
    {
        if (RuntimeInformation.IsOSPlatform(OSPlatform.Windows))
        {
            return null;
        }

        if (!RuntimeInformation.IsOSPlatform(OSPlatform.Linux))
        {
            return "Azure Arc runs on Windows and Linux only.";
        }

        try
        {
            Directory.CreateDirectory(Linux);
            var probe = Path.Combine(Linux, $"probe-{Guid.NewGuid():N}.key");
            File.WriteAllText(probe, "x");
            File.Delete(probe);
            return null;
        }
        catch (Exception e) when (e is UnauthorizedAccessException || e is IOException)
        {
            return $"The Arc key-file tests write into {Linux}, which this account cannot ({e.GetType().Name}); CI runs them as root.";
        }
    }
}

public sealed class ArcTokenFolderFactAttribute : FactAttribute
{
    public ArcTokenFolderFactAttribute() => Skip = ArcTokenFolder.SkipReason;
}
