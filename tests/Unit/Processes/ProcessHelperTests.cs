using System.Diagnostics;
using StsPowerShell.Core;
using StsPowerShell.Core.Aws;
using StsPowerShell.Core.Processes;
using StsPowerShell.Tests.Support;
using static StsPowerShell.Tests.Support.LocalProcesses;

namespace StsPowerShell.Tests.Processes;

/// <summary>
/// Credential helpers that misbehave (issue 12, class 4): a child left holding the output, a hung tree, a flood on
/// either stream. Each run is bounded, so a regression fails the test instead of hanging the suite.
/// </summary>
public sealed class ProcessHelperTests : IDisposable
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(10);
    private readonly string folder = Directory.CreateTempSubdirectory("sts-helper-").FullName;
    private readonly string pidFile;

    public ProcessHelperTests() => pidFile = Path.Combine(folder, "child.pid");

    public void Dispose()
    {
        // A regression leaves the child running; it must not outlive the test.
        if (File.Exists(pidFile) && int.TryParse(File.ReadAllText(pidFile).Trim(), out var pid))
        {
            Kill(pid);
        }

        Directory.Delete(folder, recursive: true);
    }

    private string Command(string script) => $"sh {HelperScript(script)} {pidFile}";

    [PosixShellFact]
    public async Task AHelperThatExitsLeavingAChildOnItsOutputFinishesAtOnce()
    {
        var stopwatch = Stopwatch.StartNew();

        var (exitCode, output) = await Within(ProcessRunner.RunAsync(Command("leaves-child.sh"), null, TimeSpan.FromSeconds(20), CancellationToken.None), Bound);

        Assert.True(stopwatch.Elapsed < TimeSpan.FromSeconds(5), $"It took {stopwatch.Elapsed}.");
        Assert.Equal(0, exitCode);
        Assert.Contains("AKIDLEFTCHILD", output);
    }

    [LinuxShellFact]
    public async Task TheChildAHelperLeftOnItsOutputIsKilled()
    {
        await Within(ProcessRunner.RunAsync(Command("leaves-child.sh"), null, TimeSpan.FromSeconds(20), CancellationToken.None), Bound);

        Assert.False(await StillAlive(await PidFrom(pidFile), TimeSpan.FromSeconds(2)), "The child the helper left still runs.");
    }

    [PosixShellFact]
    public async Task ATimeoutKillsTheWholeTree()
    {
        var stopwatch = Stopwatch.StartNew();

        var error = await Assert.ThrowsAsync<UnusableInputException>(() => Within(ProcessRunner.RunAsync(Command("waits-for-child.sh"), null, TimeSpan.FromSeconds(1), CancellationToken.None), Bound));

        Assert.Contains("did not finish within 1 s", error.Message);
        Assert.True(stopwatch.Elapsed < TimeSpan.FromSeconds(5), $"It took {stopwatch.Elapsed}.");
        Assert.False(await StillAlive(await PidFrom(pidFile), TimeSpan.FromSeconds(2)), "The helper's child outlived the timeout.");
    }

    [PosixShellFact]
    public async Task CancellationReturnsPromptlyAndKillsTheWholeTree()
    {
        using var cancellation = new CancellationTokenSource();
        var run = ProcessRunner.RunAsync(Command("waits-for-child.sh"), null, TimeSpan.FromSeconds(60), cancellation.Token);
        var pid = await PidFrom(pidFile);
        var stopwatch = Stopwatch.StartNew();

        cancellation.Cancel();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Within(run, Bound));
        Assert.True(stopwatch.Elapsed < TimeSpan.FromSeconds(2), $"It took {stopwatch.Elapsed}.");
        Assert.False(await StillAlive(pid, TimeSpan.FromSeconds(2)), "The helper's child outlived the cancellation.");
    }

    [PosixShellFact]
    public async Task OutputPastTheLimitIsTooLargeAtOnceNotATimeout()
    {
        var stopwatch = Stopwatch.StartNew();

        var error = await Assert.ThrowsAsync<UnusableInputException>(() => Within(ProcessRunner.RunAsync(Command("floods-stdout.sh"), null, TimeSpan.FromSeconds(30), CancellationToken.None), Bound));

        Assert.Equal($"its output is larger than {ProcessRunner.MaximumOutputBytes} bytes", error.Message);
        Assert.True(stopwatch.Elapsed < TimeSpan.FromSeconds(5), $"It took {stopwatch.Elapsed}.");
    }

    [LinuxShellFact]
    public async Task ACredentialProcessThatLeavesAChildYieldsItsCredentialsAndTheChildIsKilled()
    {
        using var environment = new AwsTestEnvironment(null);
        environment.WriteFile(".aws/config", $"[default]\ncredential_process = {Command("leaves-child.sh")}\n");
        var options = environment.Options();
        options.ProcessTimeout = TimeSpan.FromSeconds(20);

        var credentials = await Within(new AwsCredentialDiscovery(options).FindCredentialsAsync(), Bound);

        Assert.Equal("AKIDLEFTCHILD", credentials.AccessKeyId);
        Assert.False(await StillAlive(await PidFrom(pidFile), TimeSpan.FromSeconds(2)), "The child the credential_process left still runs.");
    }
}

[CollectionDefinition(nameof(AllocationMeasured), DisableParallelization = true)]
public sealed class AllocationMeasured
{
}

/// <summary>Measures what the process allocates, so it runs alone.</summary>
[Collection(nameof(AllocationMeasured))]
public sealed class ProcessHelperStandardErrorTests
{
    [PosixShellFact]
    public async Task AHundredMegabytesOfStandardErrorAreDrainedNotKept()
    {
        var before = GC.GetTotalAllocatedBytes(precise: true);
        var stopwatch = Stopwatch.StartNew();

        var (exitCode, output) = await Within(ProcessRunner.RunAsync($"sh {HelperScript("floods-stderr.sh")}", null, TimeSpan.FromSeconds(30), CancellationToken.None), TimeSpan.FromSeconds(20));

        var allocated = GC.GetTotalAllocatedBytes(precise: true) - before;
        Assert.Equal(0, exitCode);
        Assert.Equal("{\"answer\":\"after-the-flood\"}", output);
        Assert.True(allocated < 32L * 1024 * 1024, $"{allocated} bytes were allocated.");
        Assert.True(stopwatch.Elapsed < TimeSpan.FromSeconds(10), $"It took {stopwatch.Elapsed}.");
    }
}
