using System.Text.Json;
using StsEmulator;
using StsEmulator.Ci;
using StsPowerShell.Binding;
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
    private static async Task<StsToken> Federate(StsEmulatorHost emulator, string subjectToken, string scope = Exchanges.CloudPlatform)
    {
        var request = new TokenExchangeRequest { SubjectToken = subjectToken, SubjectTokenType = "jwt", RequestedTokenType = "access_token" };
        request.Audiences.Add(EmulatorState.WorkloadProvider);
        request.Scopes.Add(scope);
        var response = await new StsClient(emulator.TokenEndpoint, options: new TestOptions().Create()).ExchangeTokenAsync(request);
        return StsToken.FromResponse(response, emulator.TokenEndpoint, asPlainText: false, requestedScope: scope);
    }

    // The emulator and the client share the test's fixed clock, so token lifetimes are exact.
    private static async Task<StsEmulatorHost> Start()
    {
        var emulator = await StsEmulatorHost.StartAsync();
        emulator.State.Clock = () => TestOptions.FixedNow;
        return emulator;
    }

    private static ImpersonationParameters Impersonate(StsEmulatorHost emulator, StsToken federated) => new()
    {
        ServiceAccount = EmulatorState.DefaultServiceAccount,
        AccessToken = federated.AccessToken,
        AccessTokenScope = federated.Scope,
        IamCredentialsEndpoint = emulator.BaseUrl,
    };

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
        var parameters = Impersonate(emulator, federated);
        parameters.Scope = new[] { Exchanges.CloudPlatform, "https://www.googleapis.com/auth/devstorage.read_only" };
        parameters.LifetimeSec = 1800;
        parameters.Delegate = new[] { "middle@emulator-project.iam.gserviceaccount.com" };
        var options = new TestOptions();

        var token = await parameters.GenerateAccessTokenAsync(options.Create(), asPlainText: true, CancellationToken.None);

        Assert.StartsWith("ya29.emulator.", (string)token.AccessToken);
        Assert.Equal(TestOptions.FixedNow.AddSeconds(1800), token.ExpiresOn);
        Assert.Equal("Bearer", token.TokenType);
        Assert.Equal(TokenTypes.AccessToken, token.IssuedTokenType);
        var call = emulator.State.Requests.Last();
        Assert.Equal($"/v1/projects/-/serviceAccounts/{EmulatorState.DefaultServiceAccount}:generateAccessToken", Uri.UnescapeDataString(call.Path));
        var body = JsonDocument.Parse(call.Body).RootElement;
        Assert.Equal("1800s", body.GetProperty("lifetime").GetString());
        Assert.Equal(2, body.GetProperty("scope").GetArrayLength());
        Assert.Equal("projects/-/serviceAccounts/middle@emulator-project.iam.gserviceaccount.com", body.GetProperty("delegates")[0].GetString());
        Assert.Null(parameters.ScopeWarning());
        Secrets.AssertAbsent(options.Logger.All, (string)token.AccessToken, oidc.Token);
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

        var token = await Impersonate(emulator, federated).GenerateIdTokenAsync("https://service.example/", includeEmail: true, new TestOptions().Create(), asPlainText: true, CancellationToken.None);

        var idToken = (string)token.AccessToken;
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
        var parameters = Impersonate(emulator, federated);

        Assert.Contains("needs https://www.googleapis.com/auth/cloud-platform or https://www.googleapis.com/auth/iam", parameters.ScopeWarning());
        var error = await Assert.ThrowsAsync<GoogleApiException>(() => parameters.GenerateAccessTokenAsync(new TestOptions().Create(), false, CancellationToken.None));

        Assert.Equal("PERMISSION_DENIED", error.Status);
        Assert.Equal(403, error.StatusCode);
        Assert.StartsWith("PERMISSION_DENIED: Request had insufficient authentication scopes. The federated principal needs roles/iam.workloadIdentityUser", error.Message);
    }

    [Fact]
    public async Task AnUnknownServiceAccountIsPermissionDenied()
    {
        await using var emulator = await Start();
        var parameters = Impersonate(emulator, await Federate(emulator, emulator.MintJwt()));
        parameters.ServiceAccount = "nobody@emulator-project.iam.gserviceaccount.com";
        var error = await Assert.ThrowsAsync<GoogleApiException>(() => parameters.GenerateAccessTokenAsync(new TestOptions().Create(), false, CancellationToken.None));
        Assert.Contains("iam.serviceAccounts.getAccessToken' denied", error.Message);
        Assert.Equal(("GoogleApiError.PERMISSION_DENIED", "PermissionDenied"), ErrorClassifier.Classify(error));
    }

    [Fact]
    public async Task ATokenTheStsNeverIssuedIsUnauthenticated()
    {
        await using var emulator = await Start();
        var parameters = new ImpersonationParameters { ServiceAccount = EmulatorState.DefaultServiceAccount, AccessToken = "ya29.forged-token-value", IamCredentialsEndpoint = emulator.BaseUrl };
        var error = await Assert.ThrowsAsync<GoogleApiException>(() => parameters.GenerateAccessTokenAsync(new TestOptions().Create(), false, CancellationToken.None));
        Assert.Equal("UNAUTHENTICATED", error.Status);
        Assert.Equal(("GoogleApiError.UNAUTHENTICATED", "AuthenticationError"), ErrorClassifier.Classify(error));
        Secrets.AssertAbsent(error.Message, "ya29.forged-token-value");
    }

    public static TheoryData<int> Invalid() => new(Enumerable.Range(0, InvalidCases.Length));

    private static readonly (Action<ImpersonationParameters> Break, string Parameter)[] InvalidCases =
    {
        (p => p.ServiceAccount = "not an account", "ServiceAccount"),
        (p => p.Scope = Array.Empty<string>(), "Scope"),
        (p => p.LifetimeSec = 43201, "LifetimeSec"),
        (p => p.Delegate = new[] { "bad" }, "Delegate"),
        (p => p.AccessToken = null, "AccessToken"),
        (p => p.IamCredentialsEndpoint = "http://iamcredentials.googleapis.com", "IamCredentialsEndpoint"),
    };

    [Theory]
    [MemberData(nameof(Invalid))]
    public async Task BadInputIsRefusedBeforeAnyRequestNamingTheParameter(int index)
    {
        await using var emulator = await Start();
        var parameters = new ImpersonationParameters { ServiceAccount = EmulatorState.DefaultServiceAccount, AccessToken = "ya29.some-token-value", IamCredentialsEndpoint = emulator.BaseUrl };
        InvalidCases[index].Break(parameters);

        var error = await Assert.ThrowsAnyAsync<ArgumentException>(() => parameters.GenerateAccessTokenAsync(new TestOptions().Create(), false, CancellationToken.None));

        Assert.Equal(InvalidCases[index].Parameter, error.ParamName);
        Assert.Equal(0, emulator.State.RequestCount);
    }

    [Fact]
    public async Task AnIdTokenNeedsAnAudience()
    {
        await using var emulator = await Start();
        var parameters = new ImpersonationParameters { ServiceAccount = EmulatorState.DefaultServiceAccount, AccessToken = "ya29.some-token-value", IamCredentialsEndpoint = emulator.BaseUrl };
        var error = await Assert.ThrowsAnyAsync<ArgumentException>(() => parameters.GenerateIdTokenAsync(" ", false, new TestOptions().Create(), false, CancellationToken.None));
        Assert.Equal("Audience", error.ParamName);
    }

    private static string Pad(string base64Url)
    {
        var text = base64Url.Replace('-', '+').Replace('_', '/');
        return text + new string('=', (4 - (text.Length % 4)) % 4);
    }
}
