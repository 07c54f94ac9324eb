using StsEmulator;
using StsEmulator.Faults;
using StsPowerShell.Core.Exchange;
using StsPowerShell.Core.Http;
using StsPowerShell.Tests.Support;

namespace StsPowerShell.Tests.Core;

/// <summary>How §2.2.1 success bodies are read, served by the emulator exactly as written here.</summary>
public class StsClientResponseTests
{
    private static async Task<TokenExchangeResponse> ExchangeAgainst(string body, string contentType = "application/json")
    {
        await using var emulator = await StsEmulatorHost.StartAsync();
        emulator.EnqueueFault(Fault.WithStatus(200, body, contentType: contentType));
        var client = new StsClient(emulator.TokenEndpoint, options: new TestOptions().Create());
        return await client.ExchangeTokenAsync(Exchanges.Jwt("subject-token-value"));
    }

    [Fact]
    public async Task ExpiresInAsAStringIsAccepted()
    {
        var response = await ExchangeAgainst("{\"access_token\":\"at-1\",\"issued_token_type\":\"urn:ietf:params:oauth:token-type:access_token\",\"token_type\":\"Bearer\",\"expires_in\":\"120\"}");
        Assert.Equal(120, response.ExpiresIn);
        Assert.Equal(TestOptions.FixedNow.AddSeconds(120), response.ExpiresOn);
    }

    [Fact]
    public async Task MissingExpiresInLeavesExpiryUnknown()
    {
        var response = await ExchangeAgainst("{\"access_token\":\"at-1\",\"token_type\":\"N_A\"}");
        Assert.Null(response.ExpiresIn);
        Assert.Null(response.ExpiresOn);
        Assert.Null(response.IssuedTokenType);
        Assert.Equal(TestOptions.FixedNow, response.ReceivedAt);
    }

    [Fact]
    public async Task UnknownFieldsAreKeptAndKnownOnesRead()
    {
        var response = await ExchangeAgainst("{\"access_token\":\"at-1\",\"scope\":\"a b\",\"refresh_token\":\"rt-1\",\"expires_in\":60.9,\"x_extra\":\"v\",\"nested\":{\"k\":[1,2]}}");
        Assert.Equal("a b", response.Scope);
        Assert.Equal("rt-1", response.RefreshToken);
        Assert.Equal(60, response.ExpiresIn);
        Assert.Equal("v", response.AdditionalFields["x_extra"]);
        Assert.Equal("{\"k\":[1,2]}", response.AdditionalFields["nested"]);
        Assert.Equal(2, response.AdditionalFields.Count);
    }

    [Theory]
    [InlineData("{\"access_token\":\"at-secret-1\",\"expires_in\":true}", "expires_in as a JSON true")]
    [InlineData("{\"access_token\":\"at-secret-1\",\"expires_in\":\"soon\"}", "not a whole number")]
    [InlineData("{\"access_token\":\"at-secret-1\",\"expires_in\":-5}", "not a whole number")]
    [InlineData("{\"token_type\":\"Bearer\"}", "has no access_token")]
    [InlineData("{\"access_token\":42}", "access_token as a JSON number")]
    [InlineData("[\"at-secret-1\"]", "JSON array, not an object")]
    [InlineData("{\"access_token\":\"at-secret-1\",\"expires", "is not JSON")]
    public async Task UnusableBodiesAreTypedErrorsThatNeverQuoteTheBody(string body, string reason)
    {
        var error = await Assert.ThrowsAsync<StsResponseException>(() => ExchangeAgainst(body));
        Assert.Contains(reason, error.Message);
        Assert.Equal(200, error.StatusCode);
        Assert.DoesNotContain("at-secret-1", error.Message);
    }

    [Fact]
    public async Task HtmlWithStatus200IsAnInvalidResponse()
    {
        var error = await Assert.ThrowsAsync<StsResponseException>(() => ExchangeAgainst("<html><body>Sign in</body></html>", "text/html"));
        Assert.Contains("is not JSON (text/html", error.Message);
    }
}
