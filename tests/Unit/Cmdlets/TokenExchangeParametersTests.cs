using System.Collections;
using StsPowerShell.Binding;
using StsPowerShell.Core.Exchange;
using StsPowerShell.Core.Google;

namespace StsPowerShell.Tests.Cmdlets;

/// <summary>Invoke-StsTokenExchange's parameter-to-request mapping, without PowerShell.</summary>
public class TokenExchangeParametersTests
{
    private static TokenExchangeParameters Minimal() => new() { SubjectToken = "subject-token-value", SubjectTokenType = "jwt" };

    [Fact]
    public void DefaultsAreGooglesEndpointTokenExchangeAndAnAccessToken()
    {
        var parameters = Minimal();
        var request = parameters.ToRequest();
        Assert.Equal(new Uri(GoogleSts.DefaultTokenEndpoint), parameters.ToEndpoint());
        Assert.Equal(TokenTypes.TokenExchangeGrantType, request.GrantType);
        Assert.Equal(TokenTypes.AccessToken, request.RequestedTokenType);
        Assert.Equal(TokenTypes.Jwt, request.SubjectTokenType);
        Assert.Null(parameters.ToClientAuthentication());
        var options = parameters.ToHttpOptions();
        Assert.Equal(TimeSpan.FromSeconds(30), options.Timeout);
        Assert.Equal(3, options.Retry.MaximumRetryCount);
        Assert.Equal(TimeSpan.FromSeconds(1), options.Retry.RetryInterval);
    }

    [Fact]
    public void EveryParameterReachesTheRequest()
    {
        var parameters = new TokenExchangeParameters
        {
            SubjectToken = SecretText.ToSecureString("secure-subject"),
            SubjectTokenType = "aws4_request",
            ActorToken = "actor-value",
            ActorTokenType = "id_token",
            Audience = new[] { "a1", " ", "a2" },
            Resource = new[] { "https://r.example/" },
            Scope = new[] { "s1", "s2" },
            RequestedTokenType = "access_boundary_intermediary_token",
            Options = new Hashtable { ["userProject"] = "p", ["n"] = 3, ["list"] = new object[] { true, null! } },
            AdditionalHeader = new Hashtable { ["x-goog-user-project"] = "p", ["x-number"] = 5 },
            GrantType = "urn:example:grant",
            ClientId = "client",
            ClientSecret = SecretText.ToSecureString("client-secret-value"),
            ClientAuthentication = ClientAuthenticationMethod.RequestBody,
            TimeoutSec = 7,
            MaximumRetryCount = 0,
            RetryIntervalSec = 2,
        };

        var request = parameters.ToRequest();

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
        var client = parameters.ToClientAuthentication()!;
        Assert.Equal("client", client.ClientId);
        Assert.Equal("client-secret-value", client.ClientSecret);
        Assert.Equal(ClientAuthenticationMethod.RequestBody, client.Method);
        Assert.DoesNotContain("client-secret-value", client.ToString());
        var options = parameters.ToHttpOptions();
        Assert.Equal(TimeSpan.FromSeconds(7), options.Timeout);
        Assert.Equal(0, options.Retry.MaximumRetryCount);
        Assert.Equal(TimeSpan.FromSeconds(2), options.Retry.RetryInterval);
    }

    [Theory]
    [InlineData("https://sts.googleapis.com/v1/token", "urn:example:any", "https://www.googleapis.com/auth/cloud-platform")]
    [InlineData("http://127.0.0.1:1/v1/token", "//iam.googleapis.com/projects/1/locations/global/workloadIdentityPools/p/providers/q", "https://www.googleapis.com/auth/cloud-platform")]
    [InlineData("https://sts.example.com/token", "urn:example:any", "cloud-platform")]
    public void GoogleShortScopesExpandOnlyInRequestsToGoogle(string endpoint, string audience, string expected)
    {
        var parameters = Minimal();
        parameters.TokenEndpoint = endpoint;
        parameters.Audience = new[] { audience };
        parameters.Scope = new[] { "cloud-platform", "custom.scope" };
        Assert.Equal(new[] { expected, "custom.scope" }, parameters.ToRequest().Scopes);
    }

    [Fact]
    public async Task TheOutputKeepsEveryFieldOfTheAnswer()
    {
        await using var emulator = await StsEmulator.StsEmulatorHost.StartAsync();
        emulator.EnqueueFault(StsEmulator.Faults.Fault.WithStatus(200, "{\"access_token\":\"at-1\",\"issued_token_type\":\"urn:ietf:params:oauth:token-type:access_token\",\"token_type\":\"Bearer\",\"expires_in\":\"120\",\"refresh_token\":\"rt-1\",\"x_extra\":\"v\"}"));
        var parameters = Minimal();
        parameters.TokenEndpoint = emulator.TokenEndpoint.ToString();
        parameters.Scope = new[] { "s1" };
        var client = new StsClient(parameters.ToEndpoint(), null, new StsPowerShell.Tests.Support.TestOptions().Create());

        var (issued, _) = await parameters.ExchangeAsync(client, parameters.ToRequest(), new TokenCache(() => StsPowerShell.Tests.Support.TestOptions.FixedNow), () => StsPowerShell.Tests.Support.TestOptions.FixedNow, CancellationToken.None);
        var token = StsToken.FromIssued(issued, asPlainText: true);

        Assert.Equal("at-1", token.AccessToken);
        Assert.Equal("rt-1", token.RefreshToken);
        Assert.Equal(120, token.ExpiresIn);
        Assert.Equal(StsPowerShell.Tests.Support.TestOptions.FixedNow.AddSeconds(120), token.ExpiresOn);
        Assert.Equal("s1", token.Scope);
        Assert.Equal("v", token.AdditionalFields["x_extra"]);
        Assert.IsType<System.Security.SecureString>(StsToken.FromIssued(issued, asPlainText: false).RefreshToken);
    }

    [Fact]
    public void OptionsAsJsonTextPassThroughUnchanged()
    {
        var parameters = Minimal();
        parameters.Options = "{ \"userProject\" : \"p\" }";
        Assert.Equal("{ \"userProject\" : \"p\" }", parameters.ToRequest().Options);
    }

    private static readonly (Action<TokenExchangeParameters> Break, string Parameter)[] InvalidCases =
    {
        (p => p.SubjectToken = 42, "SubjectToken"),
        (p => p.SubjectToken = "", "SubjectToken"),
        (p => p.SubjectTokenType = "nope", "SubjectTokenType"),
        (p => p.ActorToken = "actor", "ActorTokenType"),
        (p => p.Resource = new[] { "not a uri" }, "Resource"),
        (p => p.Scope = new[] { "a\"b" }, "Scope"),
        (p => p.RequestedTokenType = "??", "RequestedTokenType"),
        (p => p.Options = new Hashtable { ["big"] = new string('x', 5000) }, "Options"),
        (p => p.Options = 12, "Options"),
        (p => p.Options = new Hashtable { ["when"] = DateTime.UnixEpoch }, "Options"),
        (p => p.AdditionalHeader = new Hashtable { ["Host"] = "x" }, "AdditionalHeader"),
        (p => p.AdditionalHeader = new Hashtable { ["X-Null"] = null }, "AdditionalHeader"),
        (p => p.GrantType = "", "GrantType"),
        (p => p.TokenEndpoint = "http://sts.example.com/token", "TokenEndpoint"),
    };

    public static TheoryData<int> Invalid() => new(Enumerable.Range(0, InvalidCases.Length));

    [Theory]
    [MemberData(nameof(Invalid))]
    public void ErrorsNameTheCmdletParameter(int index)
    {
        var (breakIt, parameter) = InvalidCases[index];
        var parameters = Minimal();
        breakIt(parameters);
        var error = Assert.ThrowsAny<ArgumentException>(() =>
        {
            parameters.ToRequest();
            parameters.ToEndpoint();
        });
        Assert.Equal(parameter, error.ParamName);
        Assert.Equal(2, error.Message.Split("(Parameter").Length);
        Assert.DoesNotContain("subject-token-value", error.Message);
    }
}
