using System.Net.Http;
using BenchmarkDotNet.Attributes;
using StsPowerShell.Core.Exchange;
using StsPowerShell.Core.Http;

namespace StsPowerShell.Benchmarks;

/// <summary>
/// The profile behind (a): what StsClient does per exchange besides what a bare form POST does, each part on its
/// own, without the network.
/// </summary>
[MemoryDiagnoser]
public class ExchangeProfileBenchmarks
{
    private const string Body = "{\"access_token\":\"ya29.emulator.0123456789abcdef0123456789abcdef01234567\",\"issued_token_type\":\"urn:ietf:params:oauth:token-type:access_token\",\"token_type\":\"Bearer\",\"expires_in\":3599}";
    private readonly HttpResult result = new(new Uri("http://127.0.0.1/v1/token"), 200, "OK", "application/json", Body, new HttpResponseMessage().Headers, DateTimeOffset.UtcNow, 1);

    [Benchmark]
    public TokenExchangeRequest ValidateRequest()
    {
        var request = new TokenExchangeRequestBuilder { SubjectToken = "ya29.emulator.0123456789abcdef0123456789abcdef01234567", SubjectTokenType = "access_token", RequestedTokenType = "access_token" };
        request.Scopes.Add("https://www.googleapis.com/auth/cloud-platform");
        return request.Build();
    }

    [Benchmark]
    public byte[] EncodeFormBody() => TokenExchangeFormBody.Encode(ValidateRequest(), null);

    [Benchmark]
    public TokenExchangeResponse ParseResponse() => TokenExchangeResponse.Parse(result);

    [Benchmark]
    public bool PerAttemptTimeout()
    {
        using var attempt = CancellationTokenSource.CreateLinkedTokenSource(CancellationToken.None);
        attempt.CancelAfter(TimeSpan.FromSeconds(30));
        return attempt.IsCancellationRequested;
    }
}
