using System.Net;
using System.Text.Json;
using StsEmulator;
using StsEmulator.Ci;
using StsEmulator.Jwt;

namespace StsPowerShell.Tests.Emulator;

/// <summary>
/// The emulator's Azure Pipelines OIDC token service beyond what the module uses today: the pipeline-scoped token,
/// the route at the path a real job's SYSTEM_OIDCREQUESTURI has, and Azure DevOps' refusals.
/// </summary>
public class AzurePipelinesEndpointsTests
{
    private static readonly HttpClient Http = new();
    private static readonly DateTimeOffset FixedNow = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private static async Task<StsEmulatorHost> Start()
    {
        var emulator = await StsEmulatorHost.StartAsync();
        emulator.State.Clock = () => FixedNow;
        return emulator;
    }

    private static async Task<(HttpStatusCode Status, JsonElement Body)> Post(StsEmulatorHost emulator, string url, string? bearer = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, url);
        request.Headers.Add("X-TFS-FedAuthRedirect", "Suppress");
        request.Headers.TryAddWithoutValidation("Authorization", "Bearer " + (bearer ?? emulator.State.Ci.AzureSystemAccessToken));
        using var response = await Http.SendAsync(request);
        return (response.StatusCode, JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone());
    }

    private static JsonElement Claims(JsonElement body) =>
        JsonDocument.Parse(Base64Url.Decode(body.GetProperty("oidcToken").GetString()!.Split('.')[1])).RootElement.Clone();

    // What a module builds from SYSTEM_TEAMFOUNDATIONCOLLECTIONURI, SYSTEM_TEAMPROJECTID, SYSTEM_HOSTTYPE, SYSTEM_PLANID and SYSTEM_JOBID.
    private static string FromVariables(JsonElement info, string? projectId = null, string? hostType = null, string? planId = null, string? jobId = null) =>
        $"{info.GetProperty("azureCollectionUri").GetString()}{projectId ?? info.GetProperty("azureProjectId").GetString()}/_apis/distributedtask/hubs/" +
        $"{hostType ?? info.GetProperty("azureHostType").GetString()}/plans/{planId ?? info.GetProperty("azurePlanId").GetString()}/jobs/{jobId ?? info.GetProperty("azureJobId").GetString()}/oidctoken";

    private static JsonElement Info(StsEmulatorHost emulator) => JsonDocument.Parse(JsonSerializer.Serialize(emulator.Info())).RootElement.Clone();

    [Theory]
    [InlineData("7.1")]
    [InlineData("7.1-preview.1")]
    public async Task WithoutAServiceConnectionTheTokenSpeaksForThePipeline(string apiVersion)
    {
        await using var emulator = await Start();

        var (status, body) = await Post(emulator, emulator.AzureOidcRequestUri + "?api-version=" + apiVersion);

        Assert.Equal(HttpStatusCode.OK, status);
        var claims = Claims(body);
        Assert.Equal("p://emulator-org/emulator-project/emulator-pipeline", claims.GetProperty("sub").GetString());
        Assert.Equal(emulator.BaseUrl + "/azure", claims.GetProperty("iss").GetString());
        Assert.Equal(CiTokenEndpoints.AzureAudience, claims.GetProperty("aud").GetString());
        Assert.Equal(FixedNow.AddMinutes(10).ToUnixTimeSeconds(), claims.GetProperty("exp").GetInt64());
    }

    [Fact]
    public async Task TheRealPathBuiltFromTheJobsVariablesIssuesBothTokens()
    {
        await using var emulator = await Start();
        var info = Info(emulator);
        var url = FromVariables(info);
        Assert.Equal(emulator.AzureDevOpsOidcRequestUri, url);
        Assert.Equal(url, info.GetProperty("azureDevOpsOidcRequestUri").GetString());
        Assert.Equal(emulator.BaseUrl + "/azdo/", info.GetProperty("azureCollectionUri").GetString());

        var (pipelineStatus, pipeline) = await Post(emulator, url + "?api-version=7.1-preview.1");
        var (connectionStatus, connection) = await Post(emulator, url + "?api-version=7.1&serviceConnectionId=" + CiSettings.DefaultServiceConnectionId);

        Assert.Equal(HttpStatusCode.OK, pipelineStatus);
        Assert.Equal("p://emulator-org/emulator-project/emulator-pipeline", Claims(pipeline).GetProperty("sub").GetString());
        Assert.Equal(HttpStatusCode.OK, connectionStatus);
        Assert.Equal($"sc://emulator-org/emulator-project/{CiSettings.DefaultServiceConnectionId}", Claims(connection).GetProperty("sub").GetString());
        Assert.Equal(2, emulator.State.Requests.Count);
        Assert.All(emulator.State.Requests, r => Assert.Equal(new Uri(url).AbsolutePath, r.Path));
    }

    [Theory]
    [InlineData("project", "TF200016")]
    [InlineData("hostType", "has no job")]
    [InlineData("plan", "has no job")]
    [InlineData("job", "has no job")]
    public async Task AnotherProjectPlanOrJobIsNotFound(string wrong, string message)
    {
        await using var emulator = await Start();
        var other = Guid.NewGuid().ToString();
        var url = FromVariables(Info(emulator), wrong == "project" ? other : null, wrong == "hostType" ? "release" : null, wrong == "plan" ? other : null, wrong == "job" ? other : null);

        var (status, body) = await Post(emulator, url + "?api-version=7.1");

        Assert.Equal(HttpStatusCode.NotFound, status);
        Assert.Contains(message, body.GetProperty("message").GetString());
    }

    [Fact]
    public async Task AWrongBearerIsTF400813OnTheRealPath()
    {
        await using var emulator = await Start();
        var (status, body) = await Post(emulator, emulator.AzureDevOpsOidcRequestUri + "?api-version=7.1", "not-the-job-token");
        Assert.Equal(HttpStatusCode.Unauthorized, status);
        Assert.StartsWith("TF400813", body.GetProperty("message").GetString());
    }

    [Fact]
    public async Task AConnectionThePipelineMayNotUseIs403AndAnUnknownOne404()
    {
        await using var emulator = await Start();
        var unauthorized = Info(emulator).GetProperty("azureUnauthorizedServiceConnectionId").GetString()!;
        var unknown = Guid.NewGuid().ToString();

        foreach (var url in new[] { emulator.AzureOidcRequestUri, emulator.AzureDevOpsOidcRequestUri })
        {
            var (forbidden, forbiddenBody) = await Post(emulator, $"{url}?api-version=7.1&serviceConnectionId={unauthorized}");
            var (notFound, notFoundBody) = await Post(emulator, $"{url}?api-version=7.1&serviceConnectionId={unknown}");

            Assert.Equal(HttpStatusCode.Forbidden, forbidden);
            Assert.Contains($"does not have permissions to use the referenced service connection(s) {unauthorized}", forbiddenBody.GetProperty("message").GetString());
            Assert.Equal(HttpStatusCode.NotFound, notFound);
            Assert.Contains($"Service connection {unknown} was not found", notFoundBody.GetProperty("message").GetString());
        }
    }

    [Fact]
    public async Task AnEmptyServiceConnectionIdIsNotAPipelineRequest()
    {
        await using var emulator = await Start();
        var (status, _) = await Post(emulator, emulator.AzureDevOpsOidcRequestUri + "?api-version=7.1&serviceConnectionId=");
        Assert.Equal(HttpStatusCode.NotFound, status);
    }

    [Fact]
    public async Task AnotherApiVersionIsRefused()
    {
        await using var emulator = await Start();
        var (status, body) = await Post(emulator, emulator.AzureDevOpsOidcRequestUri + "?api-version=6.0");
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("API version is not supported", body.GetProperty("message").GetString());
    }

    [Fact]
    public async Task TheWorkloadProviderAcceptsThePipelineToken()
    {
        await using var emulator = await StsEmulatorHost.StartAsync();
        var (_, body) = await Post(emulator, emulator.AzureDevOpsOidcRequestUri + "?api-version=7.1");

        var (status, _) = await RawExchange.PostJwtAsync(emulator, body.GetProperty("oidcToken").GetString()!);

        Assert.Equal(HttpStatusCode.OK, status);
    }
}
