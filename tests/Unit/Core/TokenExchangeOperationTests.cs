using System.Collections;
using StsPowerShell.Core.Exchange;
using StsPowerShell.Core.Google;
using StsPowerShell.Core.Http;
using StsPowerShell.Tests.Support;

namespace StsPowerShell.Tests.Core;

/// <summary>The one exchange flow: Google's rules, the request checked once, the answer kept whole.</summary>
public class TokenExchangeOperationTests
{
    private static TokenExchangeRequestBuilder Minimal() => new() { SubjectToken = "subject-token-value", SubjectTokenType = "jwt", RequestedTokenType = TokenTypes.AccessToken };

    private static TokenExchangeOperation Operation(string endpoint = GoogleSts.DefaultTokenEndpoint, ClientAuthentication? client = null) =>
        new(new Uri(endpoint), client, new TestOptions().Create());

    [Fact]
    public void DefaultsAreTokenExchangeAndTheGivenTypes()
    {
        var request = Operation().Prepare(Minimal());
        Assert.Equal(TokenTypes.TokenExchangeGrantType, request.GrantType);
        Assert.Equal(TokenTypes.AccessToken, request.RequestedTokenType);
        Assert.Equal(TokenTypes.Jwt, request.SubjectTokenType);
        var defaults = new StsHttpOptions();
        Assert.Equal(TimeSpan.FromSeconds(30), defaults.Timeout);
        Assert.Equal(3, defaults.Retry.MaximumRetryCount);
        Assert.Equal(TimeSpan.FromSeconds(1), defaults.Retry.RetryInterval);
    }

    [Fact]
    public void EveryFieldReachesTheRequest()
    {
        var builder = new TokenExchangeRequestBuilder
        {
            SubjectToken = "secure-subject",
            SubjectTokenType = "aws4_request",
            ActorToken = "actor-value",
            ActorTokenType = "id_token",
            RequestedTokenType = "access_boundary_intermediary_token",
            Options = StsOptionsJson.FromParameter(new Hashtable { ["userProject"] = "p", ["n"] = 3, ["list"] = new object[] { true, null! } }, "Options"),
            GrantType = "urn:example:grant",
        };
        foreach (var audience in new[] { "a1", " ", "a2" })
        {
            builder.Audiences.Add(audience);
        }

        builder.Resources.Add("https://r.example/");
        builder.Scopes.Add("s1");
        builder.Scopes.Add("s2");
        builder.AdditionalHeaders["x-number"] = "5";

        var request = Operation("https://sts.example.com/token").Prepare(builder);

        Assert.Equal("secure-subject", request.SubjectToken);
        Assert.Equal(TokenTypes.Aws4Request, request.SubjectTokenType);
        Assert.Equal("actor-value", request.ActorToken);
        Assert.Equal(TokenTypes.IdToken, request.ActorTokenType);
        Assert.Equal(new[] { "a1", "a2" }, request.Audiences);
        Assert.Equal(new[] { "https://r.example/" }, request.Resources);
        Assert.Equal(new[] { "s1", "s2" }, request.Scopes);
        Assert.Equal(TokenTypes.AccessBoundaryIntermediaryToken, request.RequestedTokenType);
        Assert.Contains("\"userProject\":\"p\"", request.Options);
        Assert.Contains("\"n\":3", request.Options);
        Assert.Contains("\"list\":[true,null]", request.Options);
        Assert.Equal("5", request.AdditionalHeaders["x-number"]);
        Assert.Equal("urn:example:grant", request.GrantType);
        var client = new ClientAuthentication("client", "client-secret-value", ClientAuthenticationMethod.RequestBody);
        Assert.DoesNotContain("client-secret-value", client.ToString());
    }

    [Theory]
    [InlineData("https://sts.googleapis.com/v1/token", "urn:example:any", "https://www.googleapis.com/auth/cloud-platform")]
    [InlineData("http://127.0.0.1:1/v1/token", "//iam.googleapis.com/projects/1/locations/global/workloadIdentityPools/p/providers/q", "https://www.googleapis.com/auth/cloud-platform")]
    [InlineData("https://sts.example.com/token", "urn:example:any", "cloud-platform")]
    public void GoogleShortScopesExpandOnlyInRequestsToGoogle(string endpoint, string audience, string expected)
    {
        var builder = Minimal();
        builder.Audiences.Add(audience);
        builder.Scopes.Add("cloud-platform");
        builder.Scopes.Add("custom.scope");
        Assert.Equal(new[] { expected, "custom.scope" }, Operation(endpoint).Prepare(builder).Scopes);
    }

    [Fact]
    public async Task TheOutputKeepsEveryFieldOfTheAnswer()
    {
        await using var emulator = await StsEmulator.StsEmulatorHost.StartAsync();
        emulator.EnqueueFault(StsEmulator.Faults.Fault.WithStatus(200, "{\"access_token\":\"at-1\",\"issued_token_type\":\"urn:ietf:params:oauth:token-type:access_token\",\"token_type\":\"Bearer\",\"expires_in\":\"120\",\"refresh_token\":\"rt-1\",\"x_extra\":\"v\"}"));
        var operation = Operation(emulator.TokenEndpoint.ToString());
        var builder = Minimal();
        builder.Scopes.Add("s1");

        var issued = await operation.ExchangeAsync(operation.Prepare(builder), TokenReuse.None, null, CancellationToken.None);
        var token = StsToken.FromIssued(issued, asPlainText: true);

        Assert.Equal("at-1", token.AccessToken);
        Assert.Equal("rt-1", token.RefreshToken);
        Assert.Equal(120, token.ExpiresIn);
        Assert.Equal(TestOptions.FixedNow.AddSeconds(120), token.ExpiresOn);
        Assert.Equal("s1", token.Scope);
        Assert.Equal("v", token.AdditionalFields["x_extra"]);
        Assert.IsType<System.Security.SecureString>(StsToken.FromIssued(issued, asPlainText: false).RefreshToken);
    }

    [Fact]
    public void OptionsAsJsonTextPassThroughUnchanged()
    {
        var builder = Minimal();
        builder.Options = StsOptionsJson.FromParameter("{ \"userProject\" : \"p\" }", "Options");
        Assert.Equal("{ \"userProject\" : \"p\" }", Operation().Prepare(builder).Options);
    }

    private static readonly (Action<TokenExchangeRequestBuilder> Break, string Parameter)[] InvalidCases =
    {
        (p => p.SubjectToken = "", "SubjectToken"),
        (p => p.SubjectTokenType = "nope", "SubjectTokenType"),
        (p => p.ActorToken = "actor", "ActorTokenType"),
        (p => p.Resources.Add("not a uri"), "Resource"),
        (p => p.Scopes.Add("a\"b"), "Scope"),
        (p => p.RequestedTokenType = "??", "RequestedTokenType"),
        (p => p.Options = StsOptionsJson.FromParameter(new Hashtable { ["big"] = new string('x', 5000) }, "Options"), "Options"),
        (p => p.Options = StsOptionsJson.FromParameter(12, "Options"), "Options"),
        (p => p.Options = StsOptionsJson.FromParameter(new Hashtable { ["when"] = DateTime.UnixEpoch }, "Options"), "Options"),
        (p => p.AdditionalHeaders["Host"] = "x", "AdditionalHeader"),
        (p => p.AdditionalHeaders["X-Null"] = null!, "AdditionalHeader"),
        (p => p.GrantType = "", "GrantType"),
    };

    public static TheoryData<int> Invalid() => new(Enumerable.Range(0, InvalidCases.Length));

    [Theory]
    [MemberData(nameof(Invalid))]
    public void ErrorsNameTheField(int index)
    {
        var (breakIt, parameter) = InvalidCases[index];
        var error = Assert.ThrowsAny<ArgumentException>(() =>
        {
            var builder = Minimal();
            builder.Audiences.Add("//iam.googleapis.com/projects/1/locations/global/workloadIdentityPools/p/providers/q");
            breakIt(builder);
            Operation().Prepare(builder);
        });
        Assert.Equal(parameter, error.ParamName);
        Assert.Equal(2, error.Message.Split("(Parameter").Length);
        Assert.DoesNotContain("subject-token-value", error.Message);
    }

    [Fact]
    public void APlainHttpEndpointElsewhereIsRefused()
    {
        var error = Assert.Throws<ArgumentException>(() => EndpointPolicy.Parse("http://sts.example.com/token", "TokenEndpoint"));
        Assert.Equal("TokenEndpoint", error.ParamName);
    }
}
