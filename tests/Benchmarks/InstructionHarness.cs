using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using StsEmulator;
using StsPowerShell.Core.Exchange;
using StsPowerShell.Core.Http;

namespace StsPowerShell.Benchmarks;

/// <summary>
/// Issue 11, item 8: instructions and allocations per warm exchange, the module's core path against a bare
/// HttpClient POST of the same form body that parses the same answer, both to one emulator in its own process
/// on 127.0.0.1. Instructions are counted by callgrind over whole client processes that run N and 2N measured
/// exchanges after the same warm-up; the difference divided by N is the marginal cost of one exchange, with
/// start-up, JIT of the first calls and the warm-up cancelled out. Instruction counts hold still on a busy
/// machine, where wall time does not.
/// </summary>
internal static class InstructionHarness
{
    private const string Scope = "cloud-platform";
    private const string ExpandedScope = "https://www.googleapis.com/auth/cloud-platform";

    // Both sides time each request out alike; generously, as valgrind runs first calls many times slower.
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(10);

    // The same for both sides. Tiered compilation off: each method is compiled once (ReadyToRun code where the
    // framework has it, fully optimized JIT otherwise), so no background recompilation lands in the count, which
    // under valgrind's slowdown never settles. No spinning thread-pool workers and no background GC thread, whose
    // instructions would follow wall time rather than work. W^X off: valgrind cannot follow code the runtime
    // writes through a second mapping. The heap limit keeps the GC's reservation within what valgrind manages.
    private static readonly Dictionary<string, string> RuntimeSettings = new()
    {
        ["DOTNET_TieredCompilation"] = "0",
        ["DOTNET_ReadyToRun"] = "1",
        ["DOTNET_ThreadPool_UnfairSemaphoreSpinLimit"] = "0",
        ["DOTNET_gcConcurrent"] = "0",
        ["DOTNET_EnableWriteXorExecute"] = "0",
        ["DOTNET_GCHeapHardLimit"] = "0x20000000",
        ["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1",
    };

    private static readonly string[] Sides = { "module", "module-logged", "bare" };

    /// <summary>
    /// <c>--instructions [N] [warm-up]</c> runs everything; <c>--serve</c> and <c>--measure side warm-up n endpoint audience token</c>
    /// are the two child processes.
    /// </summary>
    public static async Task<int> RunAsync(string[] args)
    {
        switch (args[0])
        {
            case "--serve":
                return await ServeAsync();
            case "--measure":
                return await MeasureAsync(args[1], int.Parse(args[2], CultureInfo.InvariantCulture), int.Parse(args[3], CultureInfo.InvariantCulture), new Uri(args[4]), args[5], args[6]);
            default:
                var n = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 200;
                var warmUp = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 100;
                return await OrchestrateAsync(n, warmUp);
        }
    }

    private static async Task<int> ServeAsync()
    {
        await using var host = await StsEmulatorHost.StartAsync();
        host.State.RecordRequests = false;
        host.State.RememberIssuedTokens = false;
        Console.WriteLine(JsonSerializer.Serialize(new { tokenEndpoint = host.TokenEndpoint.ToString(), audience = EmulatorState.WorkloadProvider, subjectToken = host.MintJwt() }));
        Console.Out.Flush();

        // Ends when the harness closes standard input.
        while (Console.In.Read() >= 0)
        {
        }

        return 0;
    }

    private static async Task<int> OrchestrateAsync(int n, int warmUp)
    {
        var self = typeof(InstructionHarness).Assembly.Location;
        using var server = Start("dotnet", new[] { self, "--serve" }, redirectInput: true);
        try
        {
            using var info = JsonDocument.Parse(await server.StandardOutput.ReadLineAsync() ?? throw new InvalidOperationException("The emulator did not start."));
            var endpoint = info.RootElement.GetProperty("tokenEndpoint").GetString()!;
            var audience = info.RootElement.GetProperty("audience").GetString()!;
            var token = info.RootElement.GetProperty("subjectToken").GetString()!;
            Console.WriteLine($"Emulator at {endpoint} (its own process). N = {n}, 2N = {2 * n}, warm-up {warmUp} exchanges.");
            Console.WriteLine("Runtime settings, both sides: " + string.Join(" ", RuntimeSettings.Select(s => $"{s.Key}={s.Value}")));

            // One run at a time: thread injection and timers follow wall time, so runs that starve each other
            // count instructions no exchange asked for.
            var results = new Dictionary<string, (double Instructions, double Bytes)>();
            foreach (var side in Sides)
            {
                var once = await CountAsync(self, side, warmUp, n, endpoint, audience, token);
                var twice = await CountAsync(self, side, warmUp, 2 * n, endpoint, audience, token);
                var perExchange = (double)(twice.Instructions - once.Instructions) / n;
                results[side] = (perExchange, twice.BytesPerExchange);
                Console.WriteLine($"{side,-14} {once.Instructions,15:N0} Ir ({n}) {twice.Instructions,15:N0} Ir ({2 * n})  {perExchange,10:N0} Ir/exchange  {twice.BytesPerExchange,8:N0} B/exchange (run of 2N)");
            }

            var bare = results["bare"];
            foreach (var side in Sides.Where(s => s != "bare"))
            {
                Console.WriteLine($"{side} / bare: {results[side].Instructions / bare.Instructions:0.00}× instructions, {results[side].Bytes / bare.Bytes:0.00}× allocated");
            }

            return 0;
        }
        finally
        {
            server.StandardInput.Close();
            if (!server.WaitForExit(10_000))
            {
                server.Kill();
            }
        }
    }

    private static async Task<(long Instructions, double BytesPerExchange)> CountAsync(string self, string side, int warmUp, int n, string endpoint, string audience, string token)
    {
        var output = Path.Combine(Path.GetTempPath(), $"sts-callgrind-{Environment.ProcessId}-{side}-{n}.out");
        using var run = Start("valgrind", new[] { "--tool=callgrind", $"--callgrind-out-file={output}", "dotnet", self, "--measure", side, warmUp.ToString(CultureInfo.InvariantCulture), n.ToString(CultureInfo.InvariantCulture), endpoint, audience, token }, redirectInput: false);
        var stderr = run.StandardError.ReadToEndAsync();
        var stdout = await run.StandardOutput.ReadToEndAsync();
        await run.WaitForExitAsync();
        File.Delete(output);
        var log = await stderr;
        var collected = Regex.Match(log, @"Collected : (\d+)");
        var bytes = Regex.Match(stdout, @"allocated-per-exchange (\d+(\.\d+)?)");
        if (run.ExitCode != 0 || !collected.Success || !bytes.Success)
        {
            throw new InvalidOperationException($"The {side} run failed (exit {run.ExitCode}):\n{stdout}\n{log}");
        }

        return (long.Parse(collected.Groups[1].Value, CultureInfo.InvariantCulture), double.Parse(bytes.Groups[1].Value, CultureInfo.InvariantCulture));
    }

    private static Process Start(string file, string[] arguments, bool redirectInput)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = redirectInput, UseShellExecute = false };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var setting in RuntimeSettings)
        {
            start.Environment[setting.Key] = setting.Value;
        }

        return Process.Start(start)!;
    }

    private static async Task<int> MeasureAsync(string side, int warmUp, int n, Uri endpoint, string audience, string token)
    {
        Func<Task<string>> exchange = side switch
        {
            "module" => new ModuleSide(endpoint, audience, token, null).ExchangeAsync,
            "module-logged" => new ModuleSide(endpoint, audience, token, new DroppingLogger()).ExchangeAsync,
            "bare" => new BareSide(endpoint, audience, token).ExchangeAsync,
            _ => throw new ArgumentException($"Unknown side {side}; expected one of {string.Join(", ", Sides)}.", nameof(side)),
        };

        // Every method on the path compiled, pools and connections warm.
        for (var i = 0; i < warmUp; i++)
        {
            await exchange();
        }

        var before = GC.GetTotalAllocatedBytes(precise: true);
        for (var i = 0; i < n; i++)
        {
            await exchange();
        }

        var allocated = GC.GetTotalAllocatedBytes(precise: true) - before;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"allocated-per-exchange {(double)allocated / n:0.0}"));
        return 0;
    }

    /// <summary>What Invoke-StsTokenExchange does per input: a builder, a new operation, Prepare and ExchangeAsync.</summary>
    private sealed class ModuleSide(Uri endpoint, string audience, string token, IStsLogger? logger)
    {
        public async Task<string> ExchangeAsync()
        {
            var builder = new TokenExchangeRequestBuilder { SubjectToken = token, SubjectTokenType = "jwt", RequestedTokenType = "access_token" };
            builder.Audiences.Add(audience);
            builder.Scopes.Add(Scope);
            var options = new StsHttpOptions { Timeout = Timeout, Retry = new RetryPolicy { MaximumRetryCount = 3, RetryInterval = TimeSpan.FromSeconds(1) }, Logger = logger };
            var operation = new TokenExchangeOperation(endpoint, null, options);
            var request = operation.Prepare(builder);
            var issued = await operation.ExchangeAsync(request, TokenReuse.None, null, CancellationToken.None);
            return issued.Token;
        }
    }

    /// <summary>
    /// The bare client: one HttpClient that follows no redirects and keeps no cookies (as the module's), the same
    /// form fields in the same order, and the same fields read from the answer.
    /// </summary>
    private sealed class BareSide(Uri endpoint, string audience, string token)
    {
        private readonly HttpClient client = new(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = false }) { Timeout = Timeout };

        public async Task<string> ExchangeAsync()
        {
            using var content = new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["grant_type"] = TokenTypes.TokenExchangeGrantType,
                ["audience"] = audience,
                ["scope"] = ExpandedScope,
                ["requested_token_type"] = TokenTypes.AccessToken,
                ["subject_token"] = token,
                ["subject_token_type"] = TokenTypes.Jwt,
            });
            using var response = await client.PostAsync(endpoint, content);
            response.EnsureSuccessStatusCode();
            using var document = JsonDocument.Parse(await response.Content.ReadAsByteArrayAsync());
            var root = document.RootElement;
            var accessToken = root.GetProperty("access_token").GetString()!;
            _ = root.TryGetProperty("issued_token_type", out var issuedType) ? issuedType.GetString() : null;
            _ = root.TryGetProperty("token_type", out var tokenType) ? tokenType.GetString() : null;
            _ = root.TryGetProperty("expires_in", out var expiresIn) ? expiresIn.GetInt64() : 0;
            return accessToken;
        }
    }

    /// <summary>Stands in for the cmdlet's pipeline handle without -Verbose: every message is built, then dropped.</summary>
    private sealed class DroppingLogger : IStsLogger
    {
        public void Verbose(string message)
        {
        }

        public void Debug(string message)
        {
        }
    }
}
