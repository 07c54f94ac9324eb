using StsEmulator;
using StsEmulator.Azure;
using StsEmulator.Faults;
using StsEmulator.Tls;
using StsPowerShell.Core.Azure;
using StsPowerShell.Core.Http;
using StsPowerShell.Core.Oidc;
using StsPowerShell.Tests.Support;

namespace StsPowerShell.Tests.Azure;

/// <summary>Each managed identity source, end to end against the emulator's look-alike of it.</summary>
public sealed class ManagedIdentityClientTests : IAsyncLifetime
{
    private const string Resource = AzureSettings.AppIdUri;
    private readonly TestOptions options = new();
    private StsEmulatorHost emulator = null!;

    public async Task InitializeAsync() => emulator = await StsEmulatorHost.StartAsync(0, EmulatorTls.Create());

    public async Task DisposeAsync() => await emulator.DisposeAsync();

    private Task<OidcToken> Request(ManagedIdentitySource source, Dictionary<string, string?> environment, ManagedIdentityId? identity = null, string resource = Resource, StsHttpOptions? httpOptions = null)
    {
        var variables = new Dictionary<string, string?>(environment, StringComparer.OrdinalIgnoreCase);
        var endpoint = ManagedIdentityEndpoint.Find(source, variables, _ => false);
        return ManagedIdentityClient.RequestAsync(endpoint, resource, identity ?? ManagedIdentityId.SystemAssigned, variables, httpOptions ?? options.Create(), CancellationToken.None);
    }

    private Dictionary<string, string?> Imds => new() { ["AZURE_POD_IDENTITY_AUTHORITY_HOST"] = emulator.BaseUrl };

    private Dictionary<string, string?> AppService => new() { ["IDENTITY_ENDPOINT"] = emulator.AzureAppServiceEndpoint, ["IDENTITY_HEADER"] = emulator.State.Azure.IdentityHeader };

    [Fact]
    public async Task TheVmMetadataServiceIssuesTheSystemIdentitysEntraToken()
    {
        var token = await Request(ManagedIdentitySource.Auto, Imds);

        Assert.Equal("Imds", token.Source);
        Assert.Equal(AzureSettings.Issuer, token.Claims.Issuer);
        Assert.Equal(emulator.State.Azure.SystemIdentity.ObjectId, token.Claims.Subject);
        Assert.Equal(new[] { Resource }, token.Claims.Audiences);
        var request = Assert.Single(emulator.State.Requests);
        Assert.Equal("true", request.Header("Metadata"));
        Assert.Contains("api-version=2018-02-01", request.Query);
        Assert.Contains(options.Logger.Messages, line => line.Contains("directly (cloud metadata or local identity endpoint)"));
        Assert.Contains(options.Logger.Messages, line => line.Contains("from Imds at") && line.Contains("no other identity endpoint is configured"));
    }

    [Theory]
    [InlineData("client")]
    [InlineData("object")]
    [InlineData("resource")]
    public async Task AUserAssignedIdentityIsNamedAsEachSourceNamesIt(string by)
    {
        var user = emulator.State.Azure.UserIdentities[0];
        var identity = by switch
        {
            "client" => ManagedIdentityId.FromClientId(user.ClientId),
            "object" => ManagedIdentityId.FromObjectId(user.ObjectId),
            _ => ManagedIdentityId.FromResourceId(user.ResourceId!),
        };

        var fromImds = await Request(ManagedIdentitySource.Imds, Imds, identity);
        var fromAppService = await Request(ManagedIdentitySource.AppService, AppService, identity);

        Assert.Equal(user.ObjectId, fromImds.Claims.Subject);
        Assert.Equal(user.ObjectId, fromAppService.Claims.Subject);
        var queries = emulator.State.Requests.Select(r => r.Query).ToArray();
        Assert.Contains(by switch { "client" => "client_id=", "object" => "object_id=", _ => "msi_res_id=" }, queries[0]);
        Assert.Contains(by switch { "client" => "client_id=", "object" => "principal_id=", _ => "mi_res_id=" }, queries[1]);
    }

    [Fact]
    public async Task AnUnknownUserAssignedIdentityIsAnErrorThatNamesTheParameters()
    {
        var error = await Assert.ThrowsAsync<IdTokenUnavailableException>(() => Request(ManagedIdentitySource.Imds, Imds, ManagedIdentityId.FromClientId(Guid.NewGuid().ToString())));

        Assert.Equal(400, error.StatusCode);
        Assert.Equal("Imds", error.Source);
        Assert.Contains("does not know the user-assigned identity with client id", error.Message);
        Assert.Contains("-ClientId, -ObjectId or -ResourceId", error.Message);
        Assert.Contains("Identity not found", error.Message);
    }

    [Fact]
    public async Task TheMetadataServiceIsRetriedOn404And410AsMicrosoftDocuments()
    {
        emulator.EnqueueFault(Fault.WithStatus(404));
        emulator.EnqueueFault(Fault.WithStatus(410));
        emulator.EnqueueFault(Fault.WithStatus(503));

        var token = await Request(ManagedIdentitySource.Imds, Imds);

        Assert.Equal(4, emulator.State.RequestCount);
        Assert.Equal(3, options.Delays.Count);
        Assert.Equal("Imds", token.Source);
    }

    [Fact]
    public async Task OtherSourcesAreNotRetriedOn404()
    {
        emulator.EnqueueFault(Fault.WithStatus(404));

        var error = await Assert.ThrowsAsync<IdTokenUnavailableException>(() => Request(ManagedIdentitySource.AppService, AppService));

        Assert.Equal(404, error.StatusCode);
        Assert.Equal(1, emulator.State.RequestCount);
    }

    [Fact]
    public async Task AppServiceSendsItsIdentityHeaderAndNeverShowsIt()
    {
        var token = await Request(ManagedIdentitySource.Auto, AppService);
        Assert.Equal("AppService", token.Source);
        Assert.Equal(emulator.State.Azure.IdentityHeader, Assert.Single(emulator.State.Requests).Header("X-IDENTITY-HEADER"));

        // A server that echoes the header back: its words are quoted, the secret is not.
        var secret = emulator.State.Azure.IdentityHeader;
        emulator.EnqueueFault(Fault.WithStatus(500, $"{{\"statusCode\":500,\"message\":\"bad header {secret}\"}}"));
        var error = await Assert.ThrowsAsync<IdTokenUnavailableException>(() => Request(ManagedIdentitySource.AppService, AppService, httpOptions: options.Create(maximumRetryCount: 0)));
        Assert.DoesNotContain(secret, error.Message);
        Assert.Contains("bad header", error.Message);
    }

    [Fact]
    public async Task CloudShellIsAPostOfTheResourceAndOffersOnlyTheSystemIdentity()
    {
        var environment = new Dictionary<string, string?> { ["MSI_ENDPOINT"] = emulator.AzureCloudShellEndpoint };
        var token = await Request(ManagedIdentitySource.Auto, environment);
        var request = Assert.Single(emulator.State.Requests);
        Assert.Equal("CloudShell", token.Source);
        Assert.Equal("POST", request.Method);
        Assert.Equal("resource=" + Uri.EscapeDataString(Resource), request.Body);

        var refused = await Assert.ThrowsAsync<ArgumentException>(() => Request(ManagedIdentitySource.CloudShell, environment, ManagedIdentityId.FromClientId(Guid.NewGuid().ToString())));
        Assert.Equal("ClientId", refused.ParamName);
        Assert.Equal(1, emulator.State.RequestCount);
    }

    [Fact]
    public async Task ServiceFabricIsReachedOverHttpsWithItsCertificatePinnedByThumbprint()
    {
        var environment = new Dictionary<string, string?>
        {
            ["IDENTITY_ENDPOINT"] = emulator.AzureServiceFabricEndpoint,
            ["IDENTITY_HEADER"] = emulator.State.Azure.ServiceFabricSecret,
            ["IDENTITY_SERVER_THUMBPRINT"] = emulator.Tls!.ServerCertificate.Thumbprint.ToLowerInvariant(),
        };

        var token = await Request(ManagedIdentitySource.Auto, environment);

        Assert.Equal("ServiceFabric", token.Source);
        Assert.Equal(emulator.State.Azure.ServiceFabricSecret, Assert.Single(emulator.State.Requests).Header("secret"));

        // Another thumbprint: the same server is not trusted, though nothing else changed.
        environment["IDENTITY_SERVER_THUMBPRINT"] = new string('A', 40);
        var error = await Assert.ThrowsAsync<StsConnectionException>(() => Request(ManagedIdentitySource.ServiceFabric, environment, httpOptions: options.Create(maximumRetryCount: 0)));
        Assert.Equal(1, emulator.State.RequestCount);
    }

    [ArcTokenFolderFact]
    public async Task AzureArcsKeyFileChallengeIsAnsweredFromTheAgentsTokenFolder()
    {
        var programData = Directory.CreateTempSubdirectory("sts-programdata-").FullName;
        var keyFile = Path.Combine(ArcTokenFolder.For(programData), $"test-{Guid.NewGuid():N}.key");
        try
        {
            var written = emulator.State.Azure.UseArcKeyFile(keyFile);
            var environment = new Dictionary<string, string?> { ["IDENTITY_ENDPOINT"] = emulator.AzureArcEndpoint, ["IMDS_ENDPOINT"] = emulator.AzureArcImdsEndpoint, ["ProgramData"] = programData };

            var token = await Request(ManagedIdentitySource.Auto, environment);

            Assert.Equal("AzureArc", token.Source);
            var requests = emulator.State.Requests.ToArray();
            Assert.Equal(2, requests.Length);
            Assert.Null(requests[0].Header("Authorization"));
            Assert.Equal("Basic " + File.ReadAllText(keyFile), requests[1].Header("Authorization"));
        }
        finally
        {
            File.Delete(keyFile);
            Directory.Delete(programData, recursive: true);
        }
    }

    [ArcTokenFolderFact]
    public async Task AnArcChallengeNamingAFileOutsideTheTokenFolderOrNotAKeyFileIsRefusedUnread()
    {
        var programData = Directory.CreateTempSubdirectory("sts-programdata-").FullName;
        var folder = ArcTokenFolder.For(programData);
        var outside = Path.Combine(programData, "secret.key");
        var notKey = Path.Combine(folder, $"test-{Guid.NewGuid():N}.txt");
        var traversal = folder + Path.DirectorySeparatorChar + ".." + Path.DirectorySeparatorChar + "secret.key";
        var large = Path.Combine(folder, $"test-{Guid.NewGuid():N}.key");
        Directory.CreateDirectory(folder);
        File.WriteAllText(outside, "must-not-be-sent");
        File.WriteAllText(notKey, "must-not-be-sent");
        File.WriteAllText(large, new string('k', ManagedIdentityClient.MaximumArcKeyBytes + 1));
        var environment = new Dictionary<string, string?> { ["IDENTITY_ENDPOINT"] = emulator.AzureArcEndpoint, ["IMDS_ENDPOINT"] = emulator.AzureArcImdsEndpoint, ["ProgramData"] = programData };
        try
        {
            foreach (var path in new[] { outside, notKey, traversal })
            {
                emulator.State.Azure.UseArcKeyFile(path, writeKey: false);
                var error = await Assert.ThrowsAsync<IdTokenUnavailableException>(() => Request(ManagedIdentitySource.AzureArc, environment));
                Assert.Contains("only a .key file directly in", error.Message);
            }

            emulator.State.Azure.UseArcKeyFile(large, writeKey: false);
            var tooLarge = await Assert.ThrowsAsync<IdTokenUnavailableException>(() => Request(ManagedIdentitySource.AzureArc, environment));
            Assert.Contains("is larger than 4096 bytes", tooLarge.Message);

            Assert.All(emulator.State.Requests, r => Assert.Null(r.Header("Authorization")));
            var user = await Assert.ThrowsAsync<ArgumentException>(() => Request(ManagedIdentitySource.AzureArc, environment, ManagedIdentityId.FromObjectId(Guid.NewGuid().ToString())));
            Assert.Equal("ObjectId", user.ParamName);
        }
        finally
        {
            File.Delete(notKey);
            File.Delete(large);
            Directory.Delete(programData, recursive: true);
        }
    }

    [Fact]
    public async Task AResourceMustBeAUri()
    {
        var error = await Assert.ThrowsAsync<ArgumentException>(() => Request(ManagedIdentitySource.Imds, Imds, resource: "not a uri"));
        Assert.Equal("Resource", error.ParamName);
        Assert.Equal(0, emulator.State.RequestCount);
    }
}
