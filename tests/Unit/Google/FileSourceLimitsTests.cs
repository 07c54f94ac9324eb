using System.Diagnostics;
using System.Text.Json.Nodes;
using StsPowerShell.Core.Google;
using StsPowerShell.Tests.Support;
using static StsPowerShell.Tests.Support.LocalProcesses;

namespace StsPowerShell.Tests.Google;

/// <summary>
/// Local files that block or never end (issue 12, class 4): a FIFO without a writer, a source that reports size 0.
/// Every call starts on another thread and is bounded, so code that blocks the caller fails instead of hanging.
/// </summary>
public sealed class FileSourceLimitsTests : IDisposable
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(10);
    private readonly string folder = Directory.CreateTempSubdirectory("sts-file-").FullName;
    private readonly List<string> fifos = new();

    public void Dispose()
    {
        foreach (var fifo in fifos)
        {
            ReleaseFifo(fifo);
        }

        Directory.Delete(folder, recursive: true);
    }

    // A FIFO whose reader may still be blocked in open when the test ends; the feeder tests' FIFOs have a writer.
    private string Fifo(string name)
    {
        var fifo = MakeFifo(folder, name);
        fifos.Add(fifo);
        return fifo;
    }

    private static CredentialSource Source(JsonObject credentialSource) =>
        ExternalAccountConfiguration.Parse(ExternalAccountFiles.Workload(null, credentialSource).ToJsonString(), "config.json").CredentialSource;

    private static Task<string> Token(CredentialSource source, TimeSpan timeout, CancellationToken cancellationToken, Dictionary<string, string?>? environment = null) =>
        Task.Run(() => source.GetSubjectTokenAsync(new SubjectTokenContext(environment ?? new Dictionary<string, string?>(), new TestOptions().Create(timeout: timeout)), cancellationToken));

    [PosixShellFact]
    public async Task AFifoWithoutAWriterTimesOut()
    {
        var fifo = Fifo("token");
        var stopwatch = Stopwatch.StartNew();

        var error = await Assert.ThrowsAsync<SubjectTokenSourceException>(() => Within(Token(Source(new JsonObject { ["file"] = fifo }), TimeSpan.FromSeconds(1), CancellationToken.None), Bound));

        Assert.Equal($"The file credential source yielded no subject token: {fifo} could not be read within 1 s.", error.Message);
        Assert.True(stopwatch.Elapsed < TimeSpan.FromSeconds(5), $"It took {stopwatch.Elapsed}.");
    }

    [PosixShellFact]
    public async Task AFifoWithoutAWriterStopsOnCancellation()
    {
        var fifo = Fifo("token");
        using var cancellation = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));
        var stopwatch = Stopwatch.StartNew();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Within(Token(Source(new JsonObject { ["file"] = fifo }), TimeSpan.FromSeconds(60), cancellation.Token), Bound));

        Assert.True(stopwatch.Elapsed < TimeSpan.FromSeconds(2), $"It took {stopwatch.Elapsed}.");
    }

    [PosixShellFact]
    public async Task AFifoFedPastTheCapIsTooLarge()
    {
        var fifo = MakeFifo(folder, "token");
        using var feeder = FeedFifo(fifo, 20_000_000);
        try
        {
            var error = await Assert.ThrowsAsync<SubjectTokenSourceException>(() => Within(Token(Source(new JsonObject { ["file"] = fifo }), TimeSpan.FromSeconds(30), CancellationToken.None), Bound));

            Assert.Equal($"The file credential source yielded no subject token: {fifo} is larger than 1048576 bytes.", error.Message);
        }
        finally
        {
            feeder.Kill();
        }
    }

    [PosixShellFact]
    public async Task AFileThatReportsNoSizeAndNeverEndsIsCutAtTheCap()
    {
        var stopwatch = Stopwatch.StartNew();

        var error = await Assert.ThrowsAsync<SubjectTokenSourceException>(() => Within(Token(Source(new JsonObject { ["file"] = "/dev/zero" }), TimeSpan.FromSeconds(30), CancellationToken.None), Bound));

        Assert.Equal("The file credential source yielded no subject token: /dev/zero is larger than 1048576 bytes.", error.Message);
        Assert.True(stopwatch.Elapsed < TimeSpan.FromSeconds(5), $"It took {stopwatch.Elapsed}.");
    }

    [PosixShellFact]
    public async Task AnExecutablesOutputFileThatBlocksStopsOnCancellation()
    {
        var fifo = Fifo("cache.json");
        var source = Source(new JsonObject
        {
            ["executable"] = new JsonObject { ["command"] = "sh -c exit", ["timeout_millis"] = 60000, ["output_file"] = fifo },
        });
        var environment = new Dictionary<string, string?> { [ExecutableCredentialSource.AllowVariable] = "1" };
        using var cancellation = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));
        var stopwatch = Stopwatch.StartNew();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Within(Token(source, TimeSpan.FromSeconds(60), cancellation.Token, environment), Bound));

        Assert.True(stopwatch.Elapsed < TimeSpan.FromSeconds(2), $"It took {stopwatch.Elapsed}.");
    }
}
