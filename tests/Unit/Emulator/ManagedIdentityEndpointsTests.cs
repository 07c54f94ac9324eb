using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using StsEmulator;
using StsEmulator.Azure;
using StsEmulator.Faults;
using StsEmulator.Jwt;
using StsEmulator.Tls;

namespace StsPowerShell.Tests.Emulator;

/// <summary>
/// The emulator's Azure managed identity services (IMDS, App Service, Cloud Shell, Arc, Service Fabric), driven
/// with raw HTTP so the contract the module is written against is pinned here, refusals included.
/// </summary>
public sealed class ManagedIdentityEndpointsTests : IDisposable
{
    private static readonly HttpClient Http = new();
    private static readonly DateTimeOffset FixedNow = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    // Where Arc key files go: the test chooses the folder, as it would be /var/opt/azcmagent/tokens on a machine.
    private readonly string folder = Directory.CreateTempSubdirectory("sts-arc-").FullName;

    public void Dispose() => Directory.Delete(folder, recursive: true);

    private static string Query(string apiVersion, string resource, string? extra = null) =>
        $"?api-version={apiVersion}&resource={Uri.EscapeDataString(resource)}{extra}";

    private static async Task<(HttpStatusCode Status, JsonElement Body, HttpResponseMessage Response)> Send(HttpMessageInvoker client, HttpRequestMessage request)
    {
        var response = await client.SendAsync(request, CancellationToken.None);
        var text = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone(), response);
    }

    private static Task<(HttpStatusCode Status, JsonElement Body, HttpResponseMessage Response)> Get(string url, params (string Name, string Value)[] headers)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, url);
        foreach (var (name, value) in headers)
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }

        return Send(Http, request);
    }

    private static Task<(HttpStatusCode Status, JsonElement Body, HttpResponseMessage Response)> Imds(StsEmulatorHost emulator, string query) =>
        Get(emulator.AzureImdsTokenUrl + query, ("Metadata", "true"));

    private static Task<(HttpStatusCode Status, JsonElement Body, HttpResponseMessage Response)> CloudShell(StsEmulatorHost emulator, Dictionary<string, string> form, bool metadata = true)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, emulator.AzureCloudShellEndpoint) { Content = new FormUrlEncodedContent(form) };
        if (metadata)
        {
            request.Headers.Add("Metadata", "true");
        }

        return Send(Http, request);
    }

    // As the module reaches Service Fabric: trusting the server certificate by its thumbprint alone.
    private static HttpClient PinnedTo(StsEmulatorHost emulator) =>
        new(new HttpClientHandler { ServerCertificateCustomValidationCallback = (_, c, _, _) => c!.Thumbprint == emulator.Tls!.ServerCertificate.Thumbprint });

    private static JsonElement Claims(string jwt) => JsonDocument.Parse(Base64Url.Decode(jwt.Split('.')[1])).RootElement.Clone();

    private static async Task<StsEmulatorHost> StartAtFixedTime(EmulatorTls? tls = null)
    {
        var emulator = await StsEmulatorHost.StartAsync(0, tls);
        emulator.State.Clock = () => FixedNow;
        return emulator;
    }

    private static string[] Names(JsonElement body) => body.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal).ToArray();

    // The fields IMDS, Cloud Shell and Arc answer with, each a string.
    private static void AssertImdsShape(JsonElement body, AzureIdentity identity, string resource)
    {
        Assert.Equal(new[] { "access_token", "client_id", "expires_in", "expires_on", "ext_expires_in", "not_before", "refresh_token", "resource", "token_type" }, Names(body));
        Assert.Equal(string.Empty, body.GetProperty("refresh_token").GetString());
        Assert.Equal("3600", body.GetProperty("expires_in").GetString());
        Assert.Equal("3600", body.GetProperty("ext_expires_in").GetString());
        Assert.Equal(FixedNow.AddHours(1).ToUnixTimeSeconds().ToString(), body.GetProperty("expires_on").GetString());
        Assert.Equal(FixedNow.ToUnixTimeSeconds().ToString(), body.GetProperty("not_before").GetString());
        Assert.Equal(resource, body.GetProperty("resource").GetString());
        Assert.Equal("Bearer", body.GetProperty("token_type").GetString());
        Assert.Equal(identity.ClientId, body.GetProperty("client_id").GetString());
        Assert.Equal(identity.ObjectId, Claims(body.GetProperty("access_token").GetString()!).GetProperty("oid").GetString());
    }

    private static void AssertImdsError(HttpStatusCode status, JsonElement body, HttpStatusCode expected, string description)
    {
        Assert.Equal(expected, status);
        Assert.Equal(expected == HttpStatusCode.Unauthorized ? "unauthorized_client" : "invalid_request", body.GetProperty("error").GetString());
        Assert.Contains(description, body.GetProperty("error_description").GetString());
    }

    [Fact]
    public async Task ImdsIssuesAnEntraLikeJwtForTheSystemIdentity()
    {
        await using var emulator = await StartAtFixedTime();
        var (status, body, _) = await Imds(emulator, Query("2018-02-01", AzureSettings.AppIdUri));

        Assert.Equal(HttpStatusCode.OK, status);
        var system = emulator.State.Azure.SystemIdentity;
        AssertImdsShape(body, system, AzureSettings.AppIdUri);
        var jwt = body.GetProperty("access_token").GetString()!;
        var header = JsonDocument.Parse(Base64Url.Decode(jwt.Split('.')[0])).RootElement;
        Assert.Equal("RS256", header.GetProperty("alg").GetString());
        Assert.Equal(JwtKeys.RsaKeyId, header.GetProperty("kid").GetString());
        var claims = Claims(jwt);
        Assert.Equal($"https://sts.windows.net/{AzureSettings.TenantId}/", claims.GetProperty("iss").GetString());
        Assert.Equal(AzureSettings.AppIdUri, claims.GetProperty("aud").GetString());
        Assert.Equal(system.ObjectId, claims.GetProperty("sub").GetString());
        Assert.Equal(system.ObjectId, claims.GetProperty("oid").GetString());
        Assert.Equal(AzureSettings.TenantId, claims.GetProperty("tid").GetString());
        Assert.Equal(system.ClientId, claims.GetProperty("appid").GetString());
        Assert.Equal("app", claims.GetProperty("idtyp").GetString());
        Assert.Equal(FixedNow.ToUnixTimeSeconds(), claims.GetProperty("iat").GetInt64());
        Assert.Equal(FixedNow.ToUnixTimeSeconds(), claims.GetProperty("nbf").GetInt64());
        Assert.Equal(FixedNow.AddHours(1).ToUnixTimeSeconds(), claims.GetProperty("exp").GetInt64());
    }

    [Theory]
    [InlineData("client_id")]
    [InlineData("object_id")]
    [InlineData("msi_res_id")]
    public async Task ImdsSelectsTheUserAssignedIdentityByEachOfItsIds(string parameter)
    {
        await using var emulator = await StartAtFixedTime();
        var user = emulator.State.Azure.UserIdentities[0];
        var value = parameter switch { "client_id" => user.ClientId, "object_id" => user.ObjectId, _ => user.ResourceId! };

        var (status, body, _) = await Imds(emulator, Query("2018-02-01", "https://management.azure.com/", $"&{parameter}={Uri.EscapeDataString(value)}"));

        Assert.Equal(HttpStatusCode.OK, status);
        AssertImdsShape(body, user, "https://management.azure.com/");
        Assert.Equal(user.ObjectId, Claims(body.GetProperty("access_token").GetString()!).GetProperty("sub").GetString());
    }

    public static TheoryData<string, bool, string> ImdsRefusals() => new()
    {
        { Query("2018-02-01", AzureSettings.AppIdUri), false, "Required metadata header not specified" },
        { Query("2018-02-01", AzureSettings.AppIdUri, "&client_id=" + Guid.NewGuid()), true, "Identity not found" },
        { "?api-version=2018-02-01", true, "Required audience parameter not specified" },
        { Query("2019-08-01", AzureSettings.AppIdUri), true, "api-version '2019-08-01' is not supported" },
        { Query("2018-02-01", AzureSettings.AppIdUri, "&principal_id=" + Guid.NewGuid()), true, "exactly one of client_id, object_id, msi_res_id" },
    };

    [Theory]
    [MemberData(nameof(ImdsRefusals))]
    public async Task ImdsRefusesAsImdsDoes(string query, bool metadata, string description)
    {
        await using var emulator = await StartAtFixedTime();
        var (status, body, _) = metadata ? await Imds(emulator, query) : await Get(emulator.AzureImdsTokenUrl + query);
        AssertImdsError(status, body, HttpStatusCode.BadRequest, description);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("principal_id")]
    [InlineData("mi_res_id")]
    [InlineData("client_id")]
    public async Task AppServiceAnswersWithItsFiveFieldsForTheIdentityAskedFor(string? parameter)
    {
        await using var emulator = await StartAtFixedTime();
        var user = emulator.State.Azure.UserIdentities[0];
        var identity = parameter == null ? emulator.State.Azure.SystemIdentity : user;
        var extra = parameter switch { null => null, "principal_id" => "&principal_id=" + user.ObjectId, "mi_res_id" => "&mi_res_id=" + Uri.EscapeDataString(user.ResourceId!), _ => "&client_id=" + user.ClientId };

        var (status, body, _) = await Get(emulator.AzureAppServiceEndpoint + Query("2019-08-01", AzureSettings.AppIdUri, extra), ("X-IDENTITY-HEADER", emulator.State.Azure.IdentityHeader));

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(new[] { "access_token", "client_id", "expires_on", "resource", "token_type" }, Names(body));
        Assert.Equal(FixedNow.AddHours(1).ToUnixTimeSeconds().ToString(), body.GetProperty("expires_on").GetString());
        Assert.Equal(identity.ClientId, body.GetProperty("client_id").GetString());
        Assert.Equal(identity.ClientId, Claims(body.GetProperty("access_token").GetString()!).GetProperty("appid").GetString());
        Assert.Equal(AzureSettings.AppIdUri, body.GetProperty("resource").GetString());
    }

    [Fact]
    public async Task AppServiceChecksTheIdentityHeaderWhichIsNewAtEveryStart()
    {
        await using var emulator = await StartAtFixedTime();
        await using var other = await StsEmulatorHost.StartAsync();
        Assert.NotEqual(emulator.State.Azure.IdentityHeader, other.State.Azure.IdentityHeader);
        var url = emulator.AzureAppServiceEndpoint + Query("2019-08-01", AzureSettings.AppIdUri);

        var (missing, missingBody, _) = await Get(url);
        var (wrong, _, _) = await Get(url, ("X-IDENTITY-HEADER", other.State.Azure.IdentityHeader));
        var (unknown, unknownBody, _) = await Get(url + "&client_id=" + Guid.NewGuid(), ("X-IDENTITY-HEADER", emulator.State.Azure.IdentityHeader));

        Assert.Equal(HttpStatusCode.Unauthorized, missing);
        Assert.Equal(401, missingBody.GetProperty("statusCode").GetInt32());
        Assert.Contains("X-IDENTITY-HEADER", missingBody.GetProperty("message").GetString());
        Assert.Equal(HttpStatusCode.Unauthorized, wrong);
        Assert.Equal(HttpStatusCode.BadRequest, unknown);
        Assert.Equal("Identity not found", unknownBody.GetProperty("message").GetString());
    }

    [Fact]
    public async Task CloudShellTakesAFormBodyAndAnswersLikeImds()
    {
        await using var emulator = await StartAtFixedTime();

        var (status, body, _) = await CloudShell(emulator, new() { ["resource"] = AzureSettings.AppIdUri });

        Assert.Equal(HttpStatusCode.OK, status);
        AssertImdsShape(body, emulator.State.Azure.SystemIdentity, AzureSettings.AppIdUri);
        var request = Assert.Single(emulator.State.Requests);
        Assert.Equal("POST", request.Method);
        Assert.Equal("resource=" + Uri.EscapeDataString(AzureSettings.AppIdUri), request.Body);
    }

    [Theory]
    [InlineData("client_id")]
    [InlineData("object_id")]
    [InlineData("msi_res_id")]
    public async Task CloudShellHasOnlyTheSystemIdentity(string parameter)
    {
        await using var emulator = await StartAtFixedTime();
        var (status, body, _) = await CloudShell(emulator, new() { ["resource"] = AzureSettings.AppIdUri, [parameter] = emulator.State.Azure.UserIdentities[0].ClientId });
        AssertImdsError(status, body, HttpStatusCode.BadRequest, "Only the system-assigned identity");
    }

    [Fact]
    public async Task CloudShellWantsTheMetadataHeader()
    {
        await using var emulator = await StartAtFixedTime();
        var (status, body, _) = await CloudShell(emulator, new() { ["resource"] = AzureSettings.AppIdUri }, metadata: false);
        AssertImdsError(status, body, HttpStatusCode.BadRequest, "Required metadata header not specified");
    }

    [Fact]
    public async Task ArcChallengesWithTheKeyFileAndAcceptsItsContentBack()
    {
        await using var emulator = await StartAtFixedTime();
        var keyFile = Path.Combine(folder, "tokens", "challenge.key");
        using var control = await Http.PostAsync(emulator.BaseUrl + ManagedIdentityEndpoints.ArcControlPath,
            new StringContent(JsonSerializer.Serialize(new { keyFile }), System.Text.Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.OK, control.StatusCode);
        Assert.Equal(keyFile, JsonDocument.Parse(await control.Content.ReadAsStringAsync()).RootElement.GetProperty("keyFile").GetString());
        var url = emulator.AzureArcEndpoint + Query("2019-11-01", AzureSettings.AppIdUri);

        var (challenged, challengeBody, challenge) = await Get(url, ("Metadata", "true"));
        AssertImdsError(challenged, challengeBody, HttpStatusCode.Unauthorized, "key file");
        Assert.Equal("Basic realm=" + keyFile, challenge.Headers.WwwAuthenticate.ToString());
        var secret = await File.ReadAllTextAsync(keyFile);
        Assert.Matches("^[0-9a-f]{64}$", secret);

        var (status, body, _) = await Get(url, ("Metadata", "true"), ("Authorization", "Basic " + secret));
        Assert.Equal(HttpStatusCode.OK, status);
        AssertImdsShape(body, emulator.State.Azure.SystemIdentity, AzureSettings.AppIdUri);

        var (wrong, _, again) = await Get(url, ("Metadata", "true"), ("Authorization", "Basic " + secret[1..]));
        Assert.Equal(HttpStatusCode.Unauthorized, wrong);
        Assert.Equal("Basic realm=" + keyFile, again.Headers.WwwAuthenticate.ToString());
        Assert.Equal(3, emulator.State.Requests.Count);
        Assert.Equal("Basic " + secret, emulator.State.Requests.ElementAt(1).Header("Authorization"));
    }

    [Fact]
    public async Task ArcNamingAFileItDidNotWriteAcceptsWhatTheFileHolds()
    {
        await using var emulator = await StartAtFixedTime();
        var keyFile = Path.Combine(folder, "elsewhere.key");
        var key = emulator.State.Azure.UseArcKeyFile(keyFile, writeKey: false);
        Assert.Null(key.Secret);
        Assert.False(File.Exists(keyFile));
        var url = emulator.AzureArcEndpoint + Query("2019-11-01", AzureSettings.AppIdUri);

        var (absent, _, challenge) = await Get(url, ("Metadata", "true"), ("Authorization", "Basic anything"));
        Assert.Equal(HttpStatusCode.Unauthorized, absent);
        Assert.Equal("Basic realm=" + keyFile, challenge.Headers.WwwAuthenticate.ToString());

        await File.WriteAllTextAsync(keyFile, "written-by-the-test");
        var (status, _, _) = await Get(url, ("Metadata", "true"), ("Authorization", "Basic written-by-the-test"));
        Assert.Equal(HttpStatusCode.OK, status);
    }

    [Fact]
    public async Task ArcRefusesUserAssignedIdentitiesAndCallsWithoutTheMetadataHeader()
    {
        await using var emulator = await StartAtFixedTime();
        var secret = emulator.State.Azure.UseArcKeyFile(Path.Combine(folder, "a.key")).Secret!;
        var url = emulator.AzureArcEndpoint + Query("2019-11-01", AzureSettings.AppIdUri);

        var (userAssigned, userBody, _) = await Get(url + "&client_id=" + emulator.State.Azure.UserIdentities[0].ClientId, ("Metadata", "true"), ("Authorization", "Basic " + secret));
        var (noMetadata, noMetadataBody, _) = await Get(url, ("Authorization", "Basic " + secret));

        AssertImdsError(userAssigned, userBody, HttpStatusCode.BadRequest, "Only the system-assigned identity");
        AssertImdsError(noMetadata, noMetadataBody, HttpStatusCode.BadRequest, "Required metadata header not specified");
    }

    [Fact]
    public async Task ArcWithoutAKeyFileSaysHowToSetOne()
    {
        await using var emulator = await StartAtFixedTime();
        var (status, body, _) = await Get(emulator.AzureArcEndpoint + Query("2019-11-01", AzureSettings.AppIdUri), ("Metadata", "true"));
        Assert.Equal(HttpStatusCode.InternalServerError, status);
        Assert.Contains(ManagedIdentityEndpoints.ArcControlPath, body.GetProperty("error_description").GetString());
    }

    [Fact]
    public async Task ServiceFabricAnswersOverHttpsWithTheCertificateWhoseThumbprintTheInfoGives()
    {
        await using var emulator = await StartAtFixedTime(EmulatorTls.Create());
        var info = JsonDocument.Parse(JsonSerializer.Serialize(emulator.Info())).RootElement;
        var thumbprint = info.GetProperty("httpsThumbprint").GetString()!;
        Assert.Matches("^[0-9A-F]{40}$", thumbprint);
        Assert.Equal(emulator.Tls!.ServerCertificate.Thumbprint, thumbprint);
        Assert.Equal(emulator.AzureServiceFabricEndpoint, info.GetProperty("azureServiceFabricEndpoint").GetString());
        Assert.StartsWith(emulator.HttpsBaseUrl, emulator.AzureServiceFabricEndpoint);

        // Trusts the test CA only, and notes the certificate the server presented.
        string? presented = null;
        using var handler = new HttpClientHandler
        {
            ServerCertificateCustomValidationCallback = (_, certificate, chain, _) =>
            {
                presented = certificate!.Thumbprint;
                chain!.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
                chain.ChainPolicy.CustomTrustStore.Add(emulator.Tls.Ca);
                chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
                return chain.Build(certificate);
            },
        };
        using var client = new HttpClient(handler);
        var user = emulator.State.Azure.UserIdentities[0];
        using var request = new HttpRequestMessage(HttpMethod.Get, emulator.AzureServiceFabricEndpoint + Query("2019-07-01-preview", AzureSettings.AppIdUri, "&mi_res_id=" + Uri.EscapeDataString(user.ResourceId!)));
        request.Headers.Add("secret", info.GetProperty("azureServiceFabricSecret").GetString());

        var (status, body, _) = await Send(client, request);

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(thumbprint, presented);
        Assert.Equal(new[] { "access_token", "expires_on", "resource", "token_type" }, Names(body));
        Assert.Equal(FixedNow.AddHours(1).ToUnixTimeSeconds(), body.GetProperty("expires_on").GetInt64());
        Assert.Equal(user.ObjectId, Claims(body.GetProperty("access_token").GetString()!).GetProperty("oid").GetString());
    }

    [Fact]
    public async Task ServiceFabricIsNotServedOverPlainHttpAndChecksItsSecret()
    {
        await using var emulator = await StartAtFixedTime(EmulatorTls.Create());
        var query = Query("2019-07-01-preview", AzureSettings.AppIdUri);
        using var client = PinnedTo(emulator);

        var (plain, _, _) = await Get(emulator.BaseUrl + ManagedIdentityEndpoints.ServiceFabricPath + query, ("secret", emulator.State.Azure.ServiceFabricSecret));
        using var wrongSecret = new HttpRequestMessage(HttpMethod.Get, emulator.AzureServiceFabricEndpoint + query);
        wrongSecret.Headers.Add("secret", emulator.State.Azure.IdentityHeader);
        var (refused, body, _) = await Send(client, wrongSecret);

        Assert.Equal(HttpStatusCode.NotFound, plain);
        Assert.Equal(HttpStatusCode.Unauthorized, refused);
        Assert.Equal("unauthorized_client", body.GetProperty("error").GetProperty("code").GetString());
        Assert.Contains("secret header", body.GetProperty("error").GetProperty("message").GetString());
    }

    public static TheoryData<string> GoogleAudiences() => new()
    {
        AzureSettings.AppIdUri,
        "https://iam.googleapis.com/" + EmulatorState.WorkloadProvider["//iam.googleapis.com/".Length..],
    };

    [Theory]
    [MemberData(nameof(GoogleAudiences))]
    public async Task TheWorkloadProviderAcceptsAnImdsJwtForEitherAudience(string resource)
    {
        await using var emulator = await StsEmulatorHost.StartAsync();
        var (_, token, _) = await Imds(emulator, Query("2018-02-01", resource));

        var (status, body) = await RawExchange.PostJwtAsync(emulator, token.GetProperty("access_token").GetString()!);

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.StartsWith("ya29.emulator.", body.GetProperty("access_token").GetString());
    }

    [Fact]
    public async Task TheWorkloadProviderRefusesAnImdsJwtForAnotherResource()
    {
        await using var emulator = await StsEmulatorHost.StartAsync();
        var (_, token, _) = await Imds(emulator, Query("2018-02-01", "https://management.azure.com/"));

        var (status, body) = await RawExchange.PostJwtAsync(emulator, token.GetProperty("access_token").GetString()!);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("invalid_grant", body.GetProperty("error").GetString());
        Assert.Contains("aud does not match", body.GetProperty("error_description").GetString());
    }

    // Each service, reached as the module would reach it; the fault must win over the real answer.
    public static TheoryData<string> Services() => new() { "imds", "app-service", "cloud-shell", "arc", "service-fabric" };

    [Theory]
    [MemberData(nameof(Services))]
    public async Task EveryServiceIsRecordedAndTakesQueuedFaults(string service)
    {
        await using var emulator = await StartAtFixedTime(EmulatorTls.Create());
        var arcSecret = emulator.State.Azure.UseArcKeyFile(Path.Combine(folder, "f.key")).Secret!;
        using var client = PinnedTo(emulator);
        HttpRequestMessage Request()
        {
            var azure = emulator.State.Azure;
            var request = service switch
            {
                "imds" => new HttpRequestMessage(HttpMethod.Get, emulator.AzureImdsTokenUrl + Query("2018-02-01", AzureSettings.AppIdUri)) { Headers = { { "Metadata", "true" } } },
                "app-service" => new HttpRequestMessage(HttpMethod.Get, emulator.AzureAppServiceEndpoint + Query("2019-08-01", AzureSettings.AppIdUri)) { Headers = { { "X-IDENTITY-HEADER", azure.IdentityHeader } } },
                "cloud-shell" => new HttpRequestMessage(HttpMethod.Post, emulator.AzureCloudShellEndpoint) { Headers = { { "Metadata", "true" } }, Content = new FormUrlEncodedContent(new Dictionary<string, string> { ["resource"] = AzureSettings.AppIdUri }) },
                "arc" => new HttpRequestMessage(HttpMethod.Get, emulator.AzureArcEndpoint + Query("2019-11-01", AzureSettings.AppIdUri)) { Headers = { { "Metadata", "true" }, { "Authorization", "Basic " + arcSecret } } },
                _ => new HttpRequestMessage(HttpMethod.Get, emulator.AzureServiceFabricEndpoint + Query("2019-07-01-preview", AzureSettings.AppIdUri)) { Headers = { { "secret", azure.ServiceFabricSecret } } },
            };
            return request;
        }

        var statuses = new List<HttpStatusCode>();
        foreach (var fault in new[] { 404, 410, 429, 500 })
        {
            emulator.EnqueueFault(Fault.WithStatus(fault, retryAfter: fault == 429 ? "1" : null));
            using var response = await client.SendAsync(Request());
            statuses.Add(response.StatusCode);
            Assert.Equal(fault == 429 ? "1" : null, response.Headers.RetryAfter?.ToString());
        }

        using var answered = await client.SendAsync(Request());

        Assert.Equal(new[] { HttpStatusCode.NotFound, HttpStatusCode.Gone, HttpStatusCode.TooManyRequests, HttpStatusCode.InternalServerError }, statuses);
        Assert.Equal(HttpStatusCode.OK, answered.StatusCode);
        Assert.Equal(5, emulator.State.Requests.Count);
        var expectedPath = new Uri(Request().RequestUri!.GetLeftPart(UriPartial.Path)).AbsolutePath;
        Assert.All(emulator.State.Requests, r => Assert.Equal(expectedPath, r.Path));
        Assert.All(emulator.State.Requests, r => Assert.NotNull(r.Header(service switch { "app-service" => "X-IDENTITY-HEADER", "service-fabric" => "secret", _ => "Metadata" })));
    }

    [Fact]
    public async Task TheInfoLineKeepsItsFieldsAndNamesEveryAzureEndpointAndIdentity()
    {
        await using var emulator = await StsEmulatorHost.StartAsync(0, EmulatorTls.Create());
        var info = JsonDocument.Parse(JsonSerializer.Serialize(emulator.Info())).RootElement;
        string Field(string name) => info.GetProperty(name).ToString();

        foreach (var existing in new[] { "baseUrl", "tokenEndpoint", "workloadProvider", "workforceProvider", "mintJwt", "azureOidcRequestUri", "azureSystemAccessToken", "azureServiceConnectionId", "gitHubIdTokenRequestUrl", "gitHubIdTokenRequestToken", "serviceAccount", "iamCredentialsEndpoint", "storageEndpoint", "httpsBaseUrl", "httpsPort", "tlsCaFile" })
        {
            Assert.True(info.TryGetProperty(existing, out _), existing);
        }

        var azure = emulator.State.Azure;
        Assert.Equal(AzureSettings.TenantId, Field("azureTenantId"));
        Assert.Equal($"https://sts.windows.net/{AzureSettings.TenantId}/", Field("azureIssuer"));
        Assert.Equal(AzureSettings.AppIdUri, Field("azureAppIdUri"));
        Assert.Equal(azure.SystemIdentity.ClientId, info.GetProperty("azureSystemIdentity").GetProperty("clientId").GetString());
        Assert.Equal(azure.SystemIdentity.ObjectId, info.GetProperty("azureSystemIdentity").GetProperty("objectId").GetString());
        var user = info.GetProperty("azureUserIdentity");
        Assert.Equal(azure.UserIdentities[0], new AzureIdentity(user.GetProperty("clientId").GetString()!, user.GetProperty("objectId").GetString()!, user.GetProperty("resourceId").GetString()));
        Assert.Matches("^/subscriptions/[0-9a-f-]{36}/resourceGroups/emulator-rg/providers/Microsoft.ManagedIdentity/userAssignedIdentities/emulator-uami$", user.GetProperty("resourceId").GetString());
        Assert.Equal(emulator.BaseUrl, Field("azureImdsAuthorityHost"));
        Assert.Equal(Field("azureImdsAuthorityHost") + "/metadata/identity/oauth2/token", Field("azureImdsTokenUrl"));
        Assert.Equal(emulator.BaseUrl + "/msi/token", Field("azureAppServiceEndpoint"));
        Assert.Equal(azure.IdentityHeader, Field("azureIdentityHeader"));
        Assert.Equal(emulator.BaseUrl + "/cloudshell/oauth2/token", Field("azureCloudShellEndpoint"));
        Assert.Equal(Field("azureArcImdsEndpoint") + "/metadata/identity/oauth2/token", Field("azureArcEndpoint"));
        Assert.Equal(emulator.BaseUrl + "/emulator/azure/arc", Field("azureArcControlUrl"));
        Assert.Equal(azure.ServiceFabricSecret, Field("azureServiceFabricSecret"));
        Assert.NotEqual(azure.IdentityHeader, azure.ServiceFabricSecret);
        Assert.Equal(Field("httpsBaseUrl") + "/servicefabric/token", Field("azureServiceFabricEndpoint"));
    }

    [Fact]
    public async Task WithoutHttpsTheInfoHasNoServiceFabricEndpointOrThumbprint()
    {
        await using var emulator = await StsEmulatorHost.StartAsync();
        var info = JsonDocument.Parse(JsonSerializer.Serialize(emulator.Info())).RootElement;
        Assert.False(info.TryGetProperty("httpsThumbprint", out _));
        Assert.False(info.TryGetProperty("azureServiceFabricEndpoint", out _));
        Assert.True(info.TryGetProperty("azureServiceFabricSecret", out _));
    }
}
