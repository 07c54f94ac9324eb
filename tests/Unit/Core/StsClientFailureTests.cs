using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using StsEmulator;
using StsEmulator.Faults;
using StsEmulator.Jwt;
using StsPowerShell.Core.Exchange;
using StsPowerShell.Core.Http;
using StsPowerShell.Tests.Support;

namespace StsPowerShell.Tests.Core;

/// <summary>OAuth errors, transient failures, retries, timeouts, cancellation and limits, over real HTTP.</summary>
public class StsClientFailureTests
{
    [Fact]
    public async Task AnOAuthErrorIsReportedInGooglesFormatWithoutRetry()
    {
        await using var emulator = await StsEmulatorHost.StartAsync();
        emulator.EnqueueFault(Fault.WithStatus(400, "{\"error\":\"invalid_grant\",\"error_description\":\"The audience is wrong.\",\"error_uri\":\"https://example.com/help\"}"));
        var options = new TestOptions();
        var client = new StsClient(emulator.TokenEndpoint, options: options.Create());

        var error = await Assert.ThrowsAsync<StsOAuthException>(() => client.ExchangeTokenAsync(Exchanges.Jwt("subject-token-value")));

        Assert.Equal("Error code invalid_grant: The audience is wrong. - https://example.com/help", error.Message);
        Assert.Equal("invalid_grant", error.Error);
        Assert.Equal("The audience is wrong.", error.ErrorDescription);
        Assert.Equal("https://example.com/help", error.ErrorUri);
        Assert.Equal(400, error.StatusCode);
        Assert.Null(error.RawBody);
        Assert.Equal(1, error.Attempts);
        Assert.Equal(1, emulator.State.RequestCount);
        Assert.Empty(options.Delays);
    }

    [Fact]
    public async Task AnErrorWithoutDescriptionOrUriHasJustTheCode()
    {
        await using var emulator = await StsEmulatorHost.StartAsync();
        emulator.EnqueueFault(Fault.WithStatus(400, "{\"error\":\"invalid_request\"}"));
        var client = new StsClient(emulator.TokenEndpoint, options: new TestOptions().Create());
        var error = await Assert.ThrowsAsync<StsOAuthException>(() => client.ExchangeTokenAsync(Exchanges.Jwt("subject-token-value")));
        Assert.Equal("Error code invalid_request", error.Message);
    }

    [Fact]
    public async Task ANonJsonErrorBodyIsQuotedRaw()
    {
        await using var emulator = await StsEmulatorHost.StartAsync();
        emulator.EnqueueFault(Fault.WithStatus(403, "<html>Forbidden by proxy</html>", contentType: "text/html"));
        var client = new StsClient(emulator.TokenEndpoint, options: new TestOptions().Create());

        var error = await Assert.ThrowsAsync<StsOAuthException>(() => client.ExchangeTokenAsync(Exchanges.Jwt("subject-token-value")));

        Assert.Null(error.Error);
        Assert.Equal(403, error.StatusCode);
        Assert.Equal("<html>Forbidden by proxy</html>", error.RawBody);
        Assert.Contains("HTTP 403 (Forbidden)", error.Message);
        Assert.Contains("<html>Forbidden by proxy</html>", error.Message);
    }

    [Fact]
    public async Task RealEmulatorRefusalsAreOAuthErrors()
    {
        await using var emulator = await StsEmulatorHost.StartAsync();
        var client = new StsClient(emulator.TokenEndpoint, options: new TestOptions().Create());
        var request = Exchanges.Jwt(emulator.MintJwt(new JwtSpec { Audience = new[] { "https://wrong.example" } }));
        var error = await Assert.ThrowsAsync<StsOAuthException>(() => client.ExchangeTokenAsync(request));
        Assert.Equal("invalid_grant", error.Error);
        Assert.Contains("aud does not match", error.ErrorDescription);
    }

    [Theory]
    [InlineData(408)]
    [InlineData(429)]
    [InlineData(500)]
    [InlineData(502)]
    [InlineData(503)]
    [InlineData(504)]
    public async Task TransientStatusesAreRetriedUntilSuccess(int status)
    {
        await using var emulator = await StsEmulatorHost.StartAsync();
        emulator.EnqueueFault(Fault.WithStatus(status));
        emulator.EnqueueFault(Fault.WithStatus(status));
        var options = new TestOptions();
        var client = new StsClient(emulator.TokenEndpoint, options: options.Create(jitter: 0.5));

        var response = await client.ExchangeTokenAsync(Exchanges.Jwt(emulator.MintJwt()));

        Assert.NotEmpty(response.AccessToken);
        Assert.Equal(3, emulator.State.RequestCount);
        Assert.Equal(new[] { TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(2) }, options.Delays);
    }

    [Fact]
    public async Task RetriesAreBoundedAndTheLastAnswerIsReported()
    {
        await using var emulator = await StsEmulatorHost.StartAsync();
        for (var i = 0; i < 5; i++)
        {
            emulator.EnqueueFault(Fault.WithStatus(503, "{\"error\":\"temporarily_unavailable\",\"error_description\":\"Try later.\"}"));
        }

        var options = new TestOptions();
        var client = new StsClient(emulator.TokenEndpoint, options: options.Create(maximumRetryCount: 2));

        var error = await Assert.ThrowsAsync<StsOAuthException>(() => client.ExchangeTokenAsync(Exchanges.Jwt("subject-token-value")));

        Assert.Equal("temporarily_unavailable", error.Error);
        Assert.Equal(3, error.Attempts);
        Assert.Equal(3, emulator.State.RequestCount);
        Assert.Equal(2, options.Delays.Count);
    }

    [Fact]
    public async Task RetryAfterInSecondsIsHonoured()
    {
        await using var emulator = await StsEmulatorHost.StartAsync();
        emulator.EnqueueFault(Fault.WithStatus(429, retryAfter: "7"));
        var options = new TestOptions();
        var client = new StsClient(emulator.TokenEndpoint, options: options.Create());

        await client.ExchangeTokenAsync(Exchanges.Jwt(emulator.MintJwt()));

        Assert.Equal(new[] { TimeSpan.FromSeconds(7) }, options.Delays);
    }

    [Fact]
    public async Task RetryAfterAsAnHttpDateIsHonouredAndCapped()
    {
        await using var emulator = await StsEmulatorHost.StartAsync();
        emulator.EnqueueFault(Fault.WithStatus(503, retryAfter: TestOptions.FixedNow.AddSeconds(20).ToString("r", CultureInfo.InvariantCulture)));
        emulator.EnqueueFault(Fault.WithStatus(503, retryAfter: TestOptions.FixedNow.AddHours(2).ToString("r", CultureInfo.InvariantCulture)));
        var options = new TestOptions();
        var client = new StsClient(emulator.TokenEndpoint, options: options.Create(timeout: TimeSpan.FromSeconds(45)));

        await client.ExchangeTokenAsync(Exchanges.Jwt(emulator.MintJwt()));

        Assert.Equal(new[] { TimeSpan.FromSeconds(20), TimeSpan.FromSeconds(45) }, options.Delays);
    }

    [Fact]
    public async Task ADroppedConnectionIsRetried()
    {
        await using var emulator = await StsEmulatorHost.StartAsync();
        emulator.EnqueueFault(Fault.Dropped());
        var options = new TestOptions();
        var client = new StsClient(emulator.TokenEndpoint, options: options.Create());

        var response = await client.ExchangeTokenAsync(Exchanges.Jwt(emulator.MintJwt()));

        Assert.NotEmpty(response.AccessToken);
        Assert.Equal(2, emulator.State.RequestCount);
        Assert.Single(options.Delays);
        Assert.Contains(options.Logger.Messages, m => m.Contains("Connection to") && m.Contains("retrying"));
    }

    [Fact]
    public async Task ARefusedConnectionIsRetriedThenReported()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        var options = new TestOptions();
        var client = new StsClient(new Uri($"http://127.0.0.1:{port}/v1/token"), options: options.Create(maximumRetryCount: 2));

        var error = await Assert.ThrowsAsync<StsConnectionException>(() => client.ExchangeTokenAsync(Exchanges.Jwt("subject-token-value")));

        Assert.Equal(3, error.Attempts);
        Assert.Equal(2, options.Delays.Count);
        Assert.Contains($"127.0.0.1:{port}", error.Message);
    }

    [Fact]
    public async Task AServerCertificateThatIsNotTrustedFailsOnceWithoutRetry()
    {
        // The emulator's test CA is trusted nowhere in this process, and nothing pins its certificate.
        await using var emulator = await StsEmulatorHost.StartAsync(0, StsEmulator.Tls.EmulatorTls.Create());
        var options = new TestOptions();
        var client = new StsClient(new Uri(emulator.HttpsBaseUrl + "/v1/token"), options: options.Create(maximumRetryCount: 3));

        var error = await Assert.ThrowsAsync<StsConnectionException>(() => client.ExchangeTokenAsync(Exchanges.Jwt("subject-token-value")));

        Assert.Equal(1, error.Attempts);
        Assert.Empty(options.Delays);
        Assert.StartsWith($"The TLS handshake with {emulator.HttpsBaseUrl}/v1/token failed, so nothing was sent:", error.Message);
        Assert.Equal(0, emulator.State.RequestCount);
    }

    [Fact]
    public async Task SlowHeadersPastTheTimeoutAreATimeoutWithoutRetry()
    {
        await using var emulator = await StsEmulatorHost.StartAsync();
        emulator.EnqueueFault(Fault.SlowHeaders(TimeSpan.FromMinutes(2)));
        var options = new TestOptions();
        var client = new StsClient(emulator.TokenEndpoint, options: options.Create(timeout: TimeSpan.FromMilliseconds(300)));
        var stopwatch = Stopwatch.StartNew();

        var error = await Assert.ThrowsAsync<StsTimeoutException>(() => client.ExchangeTokenAsync(Exchanges.Jwt("subject-token-value")));

        Assert.True(stopwatch.Elapsed < TimeSpan.FromSeconds(30), $"The timeout took {stopwatch.Elapsed}.");
        Assert.Equal(TimeSpan.FromMilliseconds(300), error.Timeout);
        Assert.Equal(1, error.Attempts);
        Assert.Equal(1, emulator.State.RequestCount);
    }

    [Fact]
    public async Task ASlowBodyPastTheTimeoutIsATimeout()
    {
        await using var emulator = await StsEmulatorHost.StartAsync();
        emulator.EnqueueFault(new Fault { Status = 200, Body = "{\"access_token\":\"slow-token-value\"}", DelayMidBody = TimeSpan.FromMinutes(2) });
        var client = new StsClient(emulator.TokenEndpoint, options: new TestOptions().Create(timeout: TimeSpan.FromMilliseconds(500)));
        await Assert.ThrowsAsync<StsTimeoutException>(() => client.ExchangeTokenAsync(Exchanges.Jwt("subject-token-value")));
    }

    [Fact]
    public async Task CancellationStopsTheCallInFlight()
    {
        await using var emulator = await StsEmulatorHost.StartAsync();
        emulator.EnqueueFault(Fault.SlowHeaders(TimeSpan.FromMinutes(2)));
        var client = new StsClient(emulator.TokenEndpoint, options: new TestOptions().Create(timeout: TimeSpan.FromMinutes(5)));
        using var cancellation = new CancellationTokenSource();
        var stopwatch = Stopwatch.StartNew();

        var call = client.ExchangeTokenAsync(Exchanges.Jwt("subject-token-value"), cancellation.Token);
        await emulator.State.WhenRequestCountReaches(1);
        cancellation.Cancel();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => call);
        Assert.True(stopwatch.Elapsed < TimeSpan.FromSeconds(30), $"Cancellation took {stopwatch.Elapsed}.");
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task AnOversizedBodyIsRefusedUnread(bool chunked)
    {
        await using var emulator = await StsEmulatorHost.StartAsync();
        emulator.EnqueueFault(new Fault { Status = 200, BodyBytes = 50L * 1024 * 1024, Chunked = chunked });
        var client = new StsClient(emulator.TokenEndpoint, options: new TestOptions().Create());

        var error = await Assert.ThrowsAsync<StsResponseException>(() => client.ExchangeTokenAsync(Exchanges.Jwt("subject-token-value")));

        Assert.Contains("1048576-byte limit", error.Message);
        Assert.Equal(1, emulator.State.RequestCount);
    }

    [Fact]
    public async Task ARedirectIsNotFollowed()
    {
        await using var emulator = await StsEmulatorHost.StartAsync();
        await using var elsewhere = await StsEmulatorHost.StartAsync();
        emulator.EnqueueFault(new Fault { Status = 307, Location = elsewhere.TokenEndpoint.ToString(), Body = string.Empty });
        var client = new StsClient(emulator.TokenEndpoint, new ClientAuthentication("client", Secrets.ClientSecret), new TestOptions().Create());

        var error = await Assert.ThrowsAsync<StsResponseException>(() => client.ExchangeTokenAsync(Exchanges.Jwt("subject-token-value")));

        Assert.Equal(307, error.StatusCode);
        Assert.Contains("not followed", error.Message);
        Assert.Equal(0, elsewhere.State.RequestCount);
    }

    [Fact]
    public async Task SecretsEchoedByTheServerAreMaskedInErrors()
    {
        const string subjectToken = "subject-token-to-mask-9d1";
        await using var emulator = await StsEmulatorHost.StartAsync();
        emulator.State.Clients["client"] = "something-else";
        var echo = $"{{\"error\":\"invalid_grant\",\"error_description\":\"Bad token {subjectToken} for {Uri.EscapeDataString(Secrets.ClientSecret)}\"}}";
        emulator.EnqueueFault(Fault.WithStatus(400, echo));
        emulator.EnqueueFault(Fault.WithStatus(502, $"<p>{subjectToken}</p>", contentType: "text/html"));
        var options = new TestOptions();
        var client = new StsClient(emulator.TokenEndpoint, new ClientAuthentication("client", Secrets.ClientSecret), options.Create(maximumRetryCount: 0));

        var oauth = await Assert.ThrowsAsync<StsOAuthException>(() => client.ExchangeTokenAsync(Exchanges.Jwt(subjectToken)));
        var raw = await Assert.ThrowsAsync<StsOAuthException>(() => client.ExchangeTokenAsync(Exchanges.Jwt(subjectToken)));

        Assert.Contains(SecretRedactor.Mask, oauth.Message);
        Assert.Contains(SecretRedactor.Mask, raw.Message);
        foreach (var text in new[] { oauth.ToString(), oauth.ErrorDescription!, raw.ToString(), raw.RawBody!, options.Logger.All })
        {
            Secrets.AssertAbsent(text, subjectToken, Secrets.ClientSecret);
        }
    }
}
