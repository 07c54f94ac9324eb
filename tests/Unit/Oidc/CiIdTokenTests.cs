using StsEmulator;
using StsEmulator.Ci;
using StsPowerShell.Core.Exchange;
using StsPowerShell.Core.Oidc;
using StsPowerShell.Tests.Support;

namespace StsPowerShell.Tests.Oidc;

/// <summary>The Azure Pipelines and GitHub Actions OIDC token sources, against the emulator's token services.</summary>
public class CiIdTokenTests
{
    private static Dictionary<string, string?> AzureEnvironment(StsEmulatorHost emulator) => new(StringComparer.OrdinalIgnoreCase)
    {
        [AzurePipelinesIdToken.RequestUriVariable] = emulator.AzureOidcRequestUri,
        [AzurePipelinesIdToken.AccessTokenVariable] = emulator.State.Ci.AzureSystemAccessToken,
    };

    private static Dictionary<string, string?> GitHubEnvironment(StsEmulatorHost emulator) => new(StringComparer.OrdinalIgnoreCase)
    {
        [GitHubActionsIdToken.RequestUrlVariable] = emulator.GitHubIdTokenRequestUrl,
        [GitHubActionsIdToken.RequestTokenVariable] = emulator.State.Ci.GitHubRequestToken,
    };

    [Fact]
    public async Task AzurePipelinesIssuesTheServiceConnectionsToken()
    {
        await using var emulator = await StsEmulatorHost.StartAsync();
        var options = new TestOptions();

        var token = await AzurePipelinesIdToken.RequestAsync(CiSettings.DefaultServiceConnectionId, null, null, AzureEnvironment(emulator), options.Create(), CancellationToken.None);

        Assert.Equal(TokenTypes.Jwt, token.TokenType);
        Assert.Equal(emulator.BaseUrl + "/azure", token.Claims.Issuer);
        Assert.Equal($"sc://emulator-org/emulator-project/{CiSettings.DefaultServiceConnectionId}", token.Claims.Subject);
        Assert.Equal(new[] { CiTokenEndpoints.AzureAudience }, token.Claims.Audiences);
        var request = Assert.Single(emulator.State.Requests);
        Assert.Equal("POST", request.Method);
        Assert.Equal($"?api-version=7.1&serviceConnectionId={CiSettings.DefaultServiceConnectionId}", request.Query);
        Assert.Equal("Bearer " + emulator.State.Ci.AzureSystemAccessToken, request.Header("Authorization"));
        Assert.Equal("Suppress", request.Header("X-TFS-FedAuthRedirect"));
        Assert.Equal("application/json", request.Header("Content-Type"));
        Secrets.AssertAbsent(options.Logger.All + token, token.Token, emulator.State.Ci.AzureSystemAccessToken);
    }

    [Fact]
    public async Task ParametersOverrideTheEnvironment()
    {
        await using var emulator = await StsEmulatorHost.StartAsync();
        var environment = new Dictionary<string, string?> { [AzurePipelinesIdToken.RequestUriVariable] = "https://dev.azure.com/elsewhere", [AzurePipelinesIdToken.AccessTokenVariable] = "stale-token-value" };
        var token = await AzurePipelinesIdToken.RequestAsync(CiSettings.DefaultServiceConnectionId, emulator.AzureOidcRequestUri, emulator.State.Ci.AzureSystemAccessToken, environment, new TestOptions().Create(), CancellationToken.None);
        Assert.NotNull(token.Claims.Subject);
    }

    [Theory]
    [InlineData(AzurePipelinesIdToken.RequestUriVariable, "SYSTEM_OIDCREQUESTURI is not set, nor SYSTEM_TEAMFOUNDATIONCOLLECTIONURI to build it from: run this inside an Azure Pipelines job")]
    [InlineData(AzurePipelinesIdToken.AccessTokenVariable, "SYSTEM_ACCESSTOKEN is not set: the pipeline must map System.AccessToken into the task's environment")]
    public async Task AMissingVariableIsNamedWithWhatToDo(string missing, string message)
    {
        await using var emulator = await StsEmulatorHost.StartAsync();
        var environment = AzureEnvironment(emulator);
        environment[missing] = "";

        var error = await Assert.ThrowsAsync<IdTokenUnavailableException>(() => AzurePipelinesIdToken.RequestAsync(CiSettings.DefaultServiceConnectionId, null, null, environment, new TestOptions().Create(), CancellationToken.None));

        Assert.StartsWith(message, error.Message);
        Assert.Null(error.StatusCode);
        Assert.Equal(0, emulator.State.RequestCount);
    }

    [Fact]
    public async Task AServiceConnectionIdMustBeAGuid()
    {
        await using var emulator = await StsEmulatorHost.StartAsync();
        var error = await Assert.ThrowsAsync<ArgumentException>(() => AzurePipelinesIdToken.RequestAsync("my-connection", null, null, AzureEnvironment(emulator), new TestOptions().Create(), CancellationToken.None));
        Assert.Equal("ServiceConnectionId", error.ParamName);
        Assert.Equal(0, emulator.State.RequestCount);
    }

    [Fact]
    public async Task ARefusedSystemAccessTokenSaysToMapIt()
    {
        await using var emulator = await StsEmulatorHost.StartAsync();
        var environment = AzureEnvironment(emulator);
        environment[AzurePipelinesIdToken.AccessTokenVariable] = "wrong-system-access-token";

        var error = await Assert.ThrowsAsync<IdTokenUnavailableException>(() => AzurePipelinesIdToken.RequestAsync(CiSettings.DefaultServiceConnectionId, null, null, environment, new TestOptions().Create(), CancellationToken.None));

        Assert.Equal(401, error.StatusCode);
        Assert.Contains("map a current $(System.AccessToken) into SYSTEM_ACCESSTOKEN", error.Message);
        Assert.Contains("TF400813", error.Message);
        Secrets.AssertAbsent(error.Message, "wrong-system-access-token");
    }

    [Fact]
    public async Task AnUnknownServiceConnectionIsNamed()
    {
        await using var emulator = await StsEmulatorHost.StartAsync();
        var unknown = Guid.NewGuid().ToString();
        var error = await Assert.ThrowsAsync<IdTokenUnavailableException>(() => AzurePipelinesIdToken.RequestAsync(unknown, null, null, AzureEnvironment(emulator), new TestOptions().Create(), CancellationToken.None));
        Assert.Equal(404, error.StatusCode);
        Assert.Contains($"no workload identity federation service connection {unknown}", error.Message);
    }

    [Fact]
    public async Task GitHubActionsIssuesATokenForTheAudienceAskedFor()
    {
        await using var emulator = await StsEmulatorHost.StartAsync();
        var audience = "https://iam.googleapis.com" + EmulatorState.WorkloadProvider[1..];

        var token = await GitHubActionsIdToken.RequestAsync(audience, null, null, GitHubEnvironment(emulator), new TestOptions().Create(), CancellationToken.None);

        Assert.Equal(new[] { audience }, token.Claims.Audiences);
        Assert.Equal("repo:emulator-org/emulator-repo:ref:refs/heads/main", token.Claims.Subject);
        var request = Assert.Single(emulator.State.Requests);
        Assert.Equal("GET", request.Method);
        Assert.Equal("?api-version=2.0&audience=" + Uri.EscapeDataString(audience), request.Query);
        Assert.Equal("Bearer " + emulator.State.Ci.GitHubRequestToken, request.Header("Authorization"));
    }

    [Fact]
    public async Task WithoutAnAudienceGitHubsDefaultIsUsed()
    {
        await using var emulator = await StsEmulatorHost.StartAsync();
        var token = await GitHubActionsIdToken.RequestAsync(null, null, null, GitHubEnvironment(emulator), new TestOptions().Create(), CancellationToken.None);
        Assert.Equal(new[] { "https://github.com/emulator-org" }, token.Claims.Audiences);
        Assert.Equal("?api-version=2.0", Assert.Single(emulator.State.Requests).Query);
    }

    [Theory]
    [InlineData(GitHubActionsIdToken.RequestUrlVariable)]
    [InlineData(GitHubActionsIdToken.RequestTokenVariable)]
    public async Task WithoutTheVariablesTheErrorNamesTheMissingPermission(string missing)
    {
        await using var emulator = await StsEmulatorHost.StartAsync();
        var environment = GitHubEnvironment(emulator);
        environment.Remove(missing);
        var error = await Assert.ThrowsAsync<IdTokenUnavailableException>(() => GitHubActionsIdToken.RequestAsync(null, null, null, environment, new TestOptions().Create(), CancellationToken.None));
        Assert.Contains($"{missing} is not set", error.Message);
        Assert.Contains("'permissions: id-token: write'", error.Message);
    }

    [Fact]
    public async Task ARefusedRequestTokenIsExplained()
    {
        await using var emulator = await StsEmulatorHost.StartAsync();
        var environment = GitHubEnvironment(emulator);
        environment[GitHubActionsIdToken.RequestTokenVariable] = "expired-request-token";
        var error = await Assert.ThrowsAsync<IdTokenUnavailableException>(() => GitHubActionsIdToken.RequestAsync(null, null, null, environment, new TestOptions().Create(), CancellationToken.None));
        Assert.Equal(403, error.StatusCode);
        Assert.Contains("GitHub refused the token request (HTTP 403)", error.Message);
        Secrets.AssertAbsent(error.Message, "expired-request-token");
    }

    [Theory]
    [InlineData("{\"count\":1}", "without a 'value' string")]
    [InlineData("<html>", "without a 'value' string")]
    [InlineData("{\"value\":\"not-a-jwt\"}", "not a JWT")]
    public async Task AnUnusableAnswerIsAnErrorThatQuotesNothing(string body, string reason)
    {
        await using var emulator = await StsEmulatorHost.StartAsync();
        emulator.EnqueueFault(StsEmulator.Faults.Fault.WithStatus(200, body));
        var error = await Assert.ThrowsAsync<IdTokenUnavailableException>(() => GitHubActionsIdToken.RequestAsync(null, null, null, GitHubEnvironment(emulator), new TestOptions().Create(), CancellationToken.None));
        Assert.Contains(reason, error.Message);
        Assert.DoesNotContain("not-a-jwt", error.Message);
    }
}
