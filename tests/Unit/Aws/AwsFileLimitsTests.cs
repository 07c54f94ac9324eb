using System.Diagnostics;
using StsPowerShell.Core;
using StsPowerShell.Core.Aws;
using StsPowerShell.Tests.Support;
using static StsPowerShell.Tests.Support.LocalProcesses;

namespace StsPowerShell.Tests.Aws;

/// <summary>
/// AWS's local files when they block or never end (issue 12, class 4): the shared config file and the container
/// authorization token file. Calls start on another thread and are bounded, so blocking code fails the test.
/// </summary>
public sealed class AwsFileLimitsTests : IDisposable
{
    private readonly AwsTestEnvironment environment = new(null);
    private readonly List<string> fifos = new();

    public void Dispose()
    {
        foreach (var fifo in fifos)
        {
            ReleaseFifo(fifo);
        }

        environment.Dispose();
    }

    // A FIFO whose reader may still be blocked in open when the test ends; the feeder tests' FIFOs have a writer.
    private string Fifo(string name)
    {
        var fifo = MakeFifo(environment.Home, name);
        fifos.Add(fifo);
        return fifo;
    }

    [PosixShellFact]
    public async Task AContainerTokenFileWithoutAWriterTimesOut()
    {
        var fifo = Fifo("token");
        environment.Variables["AWS_CONTAINER_CREDENTIALS_FULL_URI"] = "http://127.0.0.1:9/credentials";
        environment.Variables["AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE"] = fifo;
        var options = environment.Options();
        options.MetadataTimeout = TimeSpan.FromSeconds(1);
        var stopwatch = Stopwatch.StartNew();

        var error = await Assert.ThrowsAsync<AwsDiscoveryException>(() => Within(Task.Run(() => new AwsCredentialDiscovery(options).FindCredentialsAsync()), TimeSpan.FromSeconds(10)));

        Assert.Contains($"container credentials: AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE {fifo} could not be read within 1 s", error.Tried);
        Assert.True(stopwatch.Elapsed < TimeSpan.FromSeconds(5), $"It took {stopwatch.Elapsed}.");
    }

    [PosixShellFact]
    public async Task AContainerTokenFileFedPastTheCapIsTooLarge()
    {
        environment.Variables["AWS_CONTAINER_CREDENTIALS_FULL_URI"] = "http://127.0.0.1:9/credentials";
        var fifo = MakeFifo(environment.Home, "token");
        environment.Variables["AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE"] = fifo;
        using var feeder = FeedFifo(fifo, 20_000_000);
        try
        {
            var error = await Assert.ThrowsAsync<AwsDiscoveryException>(() => Within(Task.Run(() => new AwsCredentialDiscovery(environment.Options()).FindCredentialsAsync()), TimeSpan.FromSeconds(10)));

            Assert.Contains($"container credentials: AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE {fifo} is larger than 65536 bytes", error.Tried);
        }
        finally
        {
            feeder.Kill();
        }
    }

    [PosixShellFact]
    public async Task ASharedConfigFileWithoutAWriterTimesOut()
    {
        var fifo = Fifo("config");
        environment.Variables["AWS_CONFIG_FILE"] = fifo;
        var stopwatch = Stopwatch.StartNew();

        var error = await Assert.ThrowsAsync<UnusableInputException>(() => Within(Task.Run(() => new AwsCredentialDiscovery(environment.Options()).FindRegionAsync()), TimeSpan.FromSeconds(15)));

        Assert.Equal($"{fifo} could not be read within 5 s", error.Message);
        Assert.True(stopwatch.Elapsed < TimeSpan.FromSeconds(8), $"It took {stopwatch.Elapsed}.");
    }

    [PosixShellFact]
    public async Task ASharedConfigFileWithoutAWriterGivesWayToCancellation()
    {
        var fifo = Fifo("config");
        environment.Variables["AWS_CONFIG_FILE"] = fifo;
        using var cancellation = new CancellationTokenSource();
        var discovery = Task.Run(() => new AwsCredentialDiscovery(environment.Options()).FindRegionAsync(cancellation.Token));
        var stopwatch = Stopwatch.StartNew();
        cancellation.CancelAfter(TimeSpan.FromMilliseconds(200));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Within(discovery, TimeSpan.FromSeconds(10)));

        // Well before the 5 s read timeout: Ctrl+C does not wait for it.
        Assert.True(stopwatch.Elapsed < TimeSpan.FromSeconds(3), $"It took {stopwatch.Elapsed}.");
    }

    [PosixShellFact]
    public async Task ASharedConfigFileFedPastTheCapIsTooLarge()
    {
        var fifo = MakeFifo(environment.Home, "credentials");
        environment.Variables["AWS_SHARED_CREDENTIALS_FILE"] = fifo;
        using var feeder = FeedFifo(fifo, 20_000_000);
        try
        {
            var error = await Assert.ThrowsAsync<UnusableInputException>(() => Within(Task.Run(() => new AwsCredentialDiscovery(environment.Options()).FindCredentialsAsync()), TimeSpan.FromSeconds(10)));

            Assert.Equal($"{fifo} is larger than 4194304 bytes", error.Message);
        }
        finally
        {
            feeder.Kill();
        }
    }
}
