using System.Runtime.InteropServices;
using Xunit;

namespace StsPowerShell.Tests.Support;

// Tests whose helper programs are `sh` scripts: on Windows they are skipped with the reason, not failed.
internal static class PosixShell
{
    public const string SkipReason = "Runs a helper script with sh, which Windows does not have.";

    public static string? Skip => RuntimeInformation.IsOSPlatform(OSPlatform.Windows) ? SkipReason : null;
}

public sealed class PosixShellFactAttribute : FactAttribute
{
    public PosixShellFactAttribute() => Skip = PosixShell.Skip;
}

public sealed class PosixShellTheoryAttribute : TheoryAttribute
{
    public PosixShellTheoryAttribute() => Skip = PosixShell.Skip;
}
