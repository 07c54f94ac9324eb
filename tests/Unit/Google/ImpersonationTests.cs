using System.Text.Json;
using StsEmulator;
using StsEmulator.Ci;
using System.Management.Automation;
using StsPowerShell.Pipeline;
using StsPowerShell.Core.Exchange;
using StsPowerShell.Core.Google;
using StsPowerShell.Core.Oidc;
using StsPowerShell.Tests.Support;

namespace StsPowerShell.Tests.Google;

/// <summary>
/// Service-account impersonation, and the whole chains people run in CI:
/// CI OIDC token | Invoke-StsTokenExchange | New-GoogleServiceAccount*Token, all against the emulator.
/// </summary>
public class ImpersonationTests
{
    private static Task<IssuedToken> Federate(StsEmulatorHost emulator, string subjectToken, string scope = Exchanges.CloudPlatform)
    {
        var operation = new TokenExchangeOperation(emulator.TokenEndpoint, null, new TestOptions().Create());
        var request = operation.Prepare(Exchanges.JwtBuilder(subjectToken).With(r => r.Scopes[0] = scope));
        return operation.ExchangeAsync(request, TokenReuse.None, null, CancellationToken.None);
    }

    // The emulator and the client share the test's fixed clock, so token lifetimes are exact.
    private static async Task<StsEmulatorHost> Start()
    {
        var emulator = await StsEmulatorHost.StartAsync();
        emulator.State.Clock = () => TestOptions.FixedNow;
        return emulator;
    }

    private static readonly string[] CloudPlatformOnly = { Exchanges.CloudPlatform };

    private static IamCredentialsClient Iam(StsEmulatorHost emulator, TestOptions? options = null) => new(new Uri(emulator.BaseUrl), (options ?? new TestOptions()).Create());

    [Fact]
    public async Task TheAzurePipelinesChainEndsWithAServiceAccountAccessToken()
    {
        await using var emulator = await Start();
        var environment = new Dictionary<string, string?>
        {
            [AzurePipelinesIdToken.RequestUriVariable] = emulator.AzureOidcRequestUri,
            [AzurePipelinesIdToken.AccessTokenVariable] = emulator.State.Ci.AzureSystemAccessToken,
        };
        var oidc = await AzurePipelinesIdToken.RequestAsync(CiSettings.DefaultServiceConnectionId, null, null, environment, new TestOptions().Create(), CancellationToken.None);
        var federated = await Federate(emulator, oidc.Token);
        var options = new TestOptions();

        var token = await Iam(emulator, options).GenerateAccessTokenAsync(
            federated.Token, EmulatorState.DefaultServiceAccount, new[] { "cloud-platform", "devstorage.read_only" }, TimeSpan.FromSeconds(1800), new[] { "middle@emulator-project.iam.gserviceaccount.com" }, CancellationToken.None);

        Assert.StartsWith("ya29.emulator.", token.Token);
        Assert.Equal(TestOptions.FixedNow.AddSeconds(1800), token.ExpiresOn);
        Assert.Equal("Bearer", token.TokenType);
        Assert.Equal(TokenTypes.AccessToken, token.IssuedTokenType);
        var call = emulator.State.Requests.Last();
        Assert.Equal($"/v1/projects/-/serviceAccounts/{EmulatorState.DefaultServiceAccount}:generateAccessToken", Uri.UnescapeDataString(call.Path));
        var body = JsonDocument.Parse(call.Body).RootElement;
        Assert.Equal("1800s", body.GetProperty("lifetime").GetString());
        Assert.Equal(2, body.GetProperty("scope").GetArrayLength());
        Assert.Equal("projects/-/serviceAccounts/middle@emulator-project.iam.gserviceaccount.com", body.GetProperty("delegates")[0].GetString());
        Assert.Equal(new[] { Exchanges.CloudPlatform, "https://www.googleapis.com/auth/devstorage.read_only" }, body.GetProperty("scope").EnumerateArray().Select(e => e.GetString()));
        Assert.Null(IamCredentialsClient.ScopeWarning(federated.Scope));
        Secrets.AssertAbsent(options.Logger.All, token.Token, oidc.Token);
    }

    [Fact]
    public async Task TheGitHubActionsChainEndsWithAServiceAccountIdToken()
    {
        await using var emulator = await Start();
        var environment = new Dictionary<string, string?>
        {
            [GitHubActionsIdToken.RequestUrlVariable] = emulator.GitHubIdTokenRequestUrl,
            [GitHubActionsIdToken.RequestTokenVariable] = emulator.State.Ci.GitHubRequestToken,
        };
        var oidc = await GitHubActionsIdToken.RequestAsync("https:" + EmulatorState.WorkloadProvider, null, null, environment, new TestOptions().Create(), CancellationToken.None);
        var federated = await Federate(emulator, oidc.Token);

        var token = await Iam(emulator).GenerateIdTokenAsync(federated.Token, EmulatorState.DefaultServiceAccount, "https://service.example/", includeEmail: true, Array.Empty<string>(), CancellationToken.None);

        var idToken = token.Token;
        var claims = JwtClaims.Decode(idToken);
        Assert.Equal(new[] { "https://service.example/" }, claims.Audiences);
        Assert.Equal(claims.ExpiresOn, token.ExpiresOn);
        Assert.Equal(TokenTypes.IdToken, token.IssuedTokenType);
        var payload = JsonDocument.Parse(Convert.FromBase64String(Pad(idToken.Split('.')[1]))).RootElement;
        Assert.Equal(EmulatorState.DefaultServiceAccount, payload.GetProperty("email").GetString());
        Assert.True(JsonDocument.Parse(emulator.State.Requests.Last().Body).RootElement.GetProperty("includeEmail").GetBoolean());
    }

    [Fact]
    public async Task AFederatedTokenWithoutCloudPlatformScopeIsWarnedAboutAndRefused()
    {
        await using var emulator = await Start();
        var federated = await Federate(emulator, emulator.MintJwt(), "https://www.googleapis.com/auth/devstorage.read_only");
        Assert.Contains("needs https://www.googleapis.com/auth/cloud-platform or https://www.googleapis.com/auth/iam", IamCredentialsClient.ScopeWarning(federated.Scope));
        var error = await Assert.ThrowsAsync<GoogleApiException>(() => Iam(emulator).GenerateAccessTokenAsync(federated.Token, EmulatorState.DefaultServiceAccount, CloudPlatformOnly, null, Array.Empty<string>(), CancellationToken.None));

        Assert.Equal("PERMISSION_DENIED", error.Status);
        Assert.Equal(403, error.StatusCode);
        Assert.StartsWith("PERMISSION_DENIED: Request had insufficient authentication scopes. The federated principal needs roles/iam.workloadIdentityUser", error.Message);
    }

    [Fact]
    public async Task AnUnknownServiceAccountIsPermissionDenied()
    {
        await using var emulator = await Start();
        var federated = await Federate(emulator, emulator.MintJwt());
        var error = await Assert.ThrowsAsync<GoogleApiException>(() => Iam(emulator).GenerateAccessTokenAsync(federated.Token, "nobody@emulator-project.iam.gserviceaccount.com", CloudPlatformOnly, null, Array.Empty<string>(), CancellationToken.None));
        Assert.Contains("iam.serviceAccounts.getAccessToken' denied", error.Message);
        Assert.Equal(("GoogleApiError.PERMISSION_DENIED", ErrorCategory.PermissionDenied), ErrorClassifier.Classify(error));
    }

    [Fact]
    public async Task ATokenTheStsNeverIssuedIsUnauthenticated()
    {
        await using var emulator = await Start();
        var error = await Assert.ThrowsAsync<GoogleApiException>(() => Iam(emulator).GenerateAccessTokenAsync("ya29.forged-token-value", EmulatorState.DefaultServiceAccount, CloudPlatformOnly, null, Array.Empty<string>(), CancellationToken.None));
        Assert.Equal("UNAUTHENTICATED", error.Status);
        Assert.Equal(("GoogleApiError.UNAUTHENTICATED", ErrorCategory.AuthenticationError), ErrorClassifier.Classify(error));
        Secrets.AssertAbsent(error.Message, "ya29.forged-token-value");
    }

    public static TheoryData<int> Invalid() => new(Enumerable.Range(0, InvalidCases.Length));

    private sealed record Call(string ServiceAccount, string[] Scopes, TimeSpan? Lifetime, string[] Delegates);

    private static readonly (Func<Call, Call> Break, string Parameter)[] InvalidCases =
    {
        (c => c with { ServiceAccount = "not an account" }, "ServiceAccount"),
        (c => c with { Scopes = Array.Empty<string>() }, "Scope"),
        (c => c with { Scopes = new[] { " " } }, "Scope"),
        (c => c with { Lifetime = TimeSpan.FromSeconds(43201) }, "Lifetime"),
        (c => c with { Lifetime = TimeSpan.FromMilliseconds(1500) }, "Lifetime"),
        (c => c with { Delegates = new[] { "bad" } }, "Delegate"),
    };

    [Theory]
    [MemberData(nameof(Invalid))]
    public async Task BadInputIsRefusedBeforeAnyRequestNamingTheParameter(int index)
    {
        await using var emulator = await Start();
        var call = InvalidCases[index].Break(new Call(EmulatorState.DefaultServiceAccount, CloudPlatformOnly, null, Array.Empty<string>()));

        var error = await Assert.ThrowsAnyAsync<ArgumentException>(() => Iam(emulator).GenerateAccessTokenAsync("ya29.some-token-value", call.ServiceAccount, call.Scopes, call.Lifetime, call.Delegates, CancellationToken.None));

        Assert.Equal(InvalidCases[index].Parameter, error.ParamName);
        Assert.Equal(0, emulator.State.RequestCount);
    }

    [Fact]
    public async Task AnIdTokenNeedsAnAudience()
    {
        await using var emulator = await Start();
        var error = await Assert.ThrowsAnyAsync<ArgumentException>(() => Iam(emulator).GenerateIdTokenAsync("ya29.some-token-value", EmulatorState.DefaultServiceAccount, " ", false, Array.Empty<string>(), CancellationToken.None));
        Assert.Equal("Audience", error.ParamName);
    }

    private static string Pad(string base64Url)
    {
        var text = base64Url.Replace('-', '+').Replace('_', '/');
        return text + new string('=', (4 - (text.Length % 4)) % 4);
    }
}
