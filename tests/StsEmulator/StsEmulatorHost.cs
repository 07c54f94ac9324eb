using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using StsEmulator.Faults;
using StsEmulator.Jwt;
using StsEmulator.Sts;
using StsEmulator.Tls;

namespace StsEmulator;

/// <summary>
/// The emulator on 127.0.0.1 and a free port. Tests start it in-process; <c>dotnet run</c> starts it for
/// people. <see cref="StartAsync"/> returns once it is listening, so nobody waits by sleeping.
/// </summary>
public sealed class StsEmulatorHost : IAsyncDisposable
{
    private readonly WebApplication app;

    private StsEmulatorHost(WebApplication app, EmulatorState state, EmulatorTls? tls)
    {
        this.app = app;
        State = state;
        Tls = tls;
    }

    public EmulatorState State { get; }

    /// <summary>For example http://127.0.0.1:49152 (no trailing slash).</summary>
    public string BaseUrl { get; private set; } = string.Empty;

    /// <summary>The test CA and server certificate when HTTPS is on; null otherwise.</summary>
    public EmulatorTls? Tls { get; }

    /// <summary>With HTTPS on, for example https://127.0.0.1:49153 (the same routes as <see cref="BaseUrl"/>); empty otherwise.</summary>
    public string HttpsBaseUrl { get; private set; } = string.Empty;

    public Uri TokenEndpoint => new(BaseUrl + "/v1/token");

    /// <summary>The token introspection endpoint, for a credential file's token_info_url.</summary>
    public Uri TokenInfoEndpoint => new(BaseUrl + Sts.IntrospectionEndpoint.Path);

    /// <summary>For SYSTEM_OIDCREQUESTURI.</summary>
    public string AzureOidcRequestUri => BaseUrl + Ci.CiTokenEndpoints.AzurePath;

    /// <summary>For ACTIONS_ID_TOKEN_REQUEST_URL (with GitHub's own query, as the runner sets it).</summary>
    public string GitHubIdTokenRequestUrl => BaseUrl + Ci.CiTokenEndpoints.GitHubPath + "?api-version=2.0";

    /// <summary>For AWS_CONTAINER_CREDENTIALS_FULL_URI.</summary>
    public string ContainerCredentialsUrl => BaseUrl + "/container/credentials/task";

    /// <summary>SYSTEM_TEAMFOUNDATIONCOLLECTIONURI: the real-shaped Azure DevOps OIDC route lies below it.</summary>
    public string AzureCollectionUri => BaseUrl + "/azdo/";

    /// <summary>SYSTEM_OIDCREQUESTURI as a real job has it: the collection URI, project, hub, plan and job.</summary>
    public string AzureDevOpsOidcRequestUri =>
        $"{AzureCollectionUri}{Ci.CiSettings.ProjectId}/_apis/distributedtask/hubs/{Ci.CiSettings.HostType}/plans/{Ci.CiSettings.PlanId}/jobs/{Ci.CiSettings.JobId}/oidctoken";

    /// <summary>The VM instance metadata token URL; AZURE_POD_IDENTITY_AUTHORITY_HOST is <see cref="BaseUrl"/>.</summary>
    public string AzureImdsTokenUrl => BaseUrl + Azure.ManagedIdentityEndpoints.ImdsPath;

    /// <summary>IDENTITY_ENDPOINT of App Service, Functions and Automation.</summary>
    public string AzureAppServiceEndpoint => BaseUrl + Azure.ManagedIdentityEndpoints.AppServicePath;

    /// <summary>MSI_ENDPOINT of Cloud Shell.</summary>
    public string AzureCloudShellEndpoint => BaseUrl + Azure.ManagedIdentityEndpoints.CloudShellPath;

    /// <summary>IMDS_ENDPOINT of an Arc machine.</summary>
    public string AzureArcImdsEndpoint => BaseUrl + Azure.ManagedIdentityEndpoints.ArcPrefix;

    /// <summary>IDENTITY_ENDPOINT of an Arc machine.</summary>
    public string AzureArcEndpoint => AzureArcImdsEndpoint + Azure.ManagedIdentityEndpoints.ImdsPath;

    /// <summary>With HTTPS on, IDENTITY_ENDPOINT of Service Fabric (served on the HTTPS listener only); empty otherwise.</summary>
    public string AzureServiceFabricEndpoint => Tls == null ? string.Empty : HttpsBaseUrl + Azure.ManagedIdentityEndpoints.ServiceFabricPath;

    public static Task<StsEmulatorHost> StartAsync(int port = 0, CancellationToken cancellationToken = default) =>
        StartAsync(port, null, cancellationToken);

    /// <summary>
    /// With <paramref name="tls"/>, also listens with HTTPS on a second free port of 127.0.0.1, serving the same
    /// routes with <see cref="EmulatorTls.ServerCertificate"/>; the host owns <paramref name="tls"/> from then on.
    /// </summary>
    public static async Task<StsEmulatorHost> StartAsync(int port, EmulatorTls? tls, CancellationToken cancellationToken = default)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        if (tls == null)
        {
            builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        }
        else
        {
            // HTTP as without TLS, and HTTPS on a second free port with the test server certificate (which UseUrls cannot attach).
            builder.WebHost.ConfigureKestrel(kestrel =>
            {
                kestrel.Listen(IPAddress.Loopback, port);
                // Client certificates are asked for, never required: the listener also serves plain HTTPS clients, and
                // the X.509 provider, not TLS, decides whether a certificate is trusted (as Google's mTLS endpoints do).
                kestrel.Listen(IPAddress.Loopback, 0, listen => listen.UseHttps(new Microsoft.AspNetCore.Server.Kestrel.Https.HttpsConnectionAdapterOptions
                {
                    ServerCertificate = tls.ServerCertificate,
                    ClientCertificateMode = Microsoft.AspNetCore.Server.Kestrel.Https.ClientCertificateMode.AllowCertificate,
                    ClientCertificateValidation = (_, _, _) => true,
                }));
            });
        }

        var state = new EmulatorState();
        builder.Services.AddSingleton(state);
        var app = builder.Build();
        var host = new StsEmulatorHost(app, state, tls);
        host.Map();
        try
        {
            await app.StartAsync(cancellationToken);
        }
        catch
        {
            // Not started, so nobody disposes the host: remove the CA file's temporary folder here.
            tls?.Dispose();
            throw;
        }

        var addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses;
        host.BaseUrl = addresses.First(a => a.StartsWith("http:", StringComparison.Ordinal)).TrimEnd('/');
        if (tls != null)
        {
            host.HttpsBaseUrl = addresses.First(a => a.StartsWith("https:", StringComparison.Ordinal)).TrimEnd('/');
        }

        state.TrustedIssuers.Add(host.BaseUrl);
        state.TrustedIssuers.Add(host.BaseUrl + "/azure");
        state.TrustedIssuers.Add(host.BaseUrl + "/github");
        state.TrustedIssuers.Add(Azure.AzureSettings.Issuer);
        return host;
    }

    /// <summary>A JWT signed by the emulator's keys; by default valid for the workload provider for one hour.</summary>
    public string MintJwt(JwtSpec? spec = null)
    {
        var now = State.Clock();
        spec ??= new JwtSpec();
        return State.Keys.Mint(new JwtSpec
        {
            Algorithm = spec.Algorithm,
            KeyId = spec.KeyId,
            Issuer = spec.Issuer ?? BaseUrl,
            Subject = spec.Subject,
            Audience = spec.Audience ?? new[] { EmulatorState.WorkloadProvider },
            IssuedAt = spec.IssuedAt ?? now.AddMinutes(-1),
            ExpiresAt = spec.ExpiresAt ?? now.AddHours(1),
            ExtraClaims = spec.ExtraClaims,
        });
    }

    public void EnqueueFault(Fault fault) => State.Faults.Enqueue(fault);

    public async ValueTask DisposeAsync()
    {
        await app.StopAsync();
        await app.DisposeAsync();
        State.Dispose();
        Tls?.Dispose();
    }

    private void Map()
    {
        app.Use(async (context, next) =>
        {
            context.Request.EnableBuffering();
            var body = await new StreamReader(context.Request.Body).ReadToEndAsync(context.RequestAborted);
            context.Request.Body.Position = 0;
            context.Items["body"] = body;
            if (!context.Request.Path.StartsWithSegments("/emulator"))
            {
                State.ConnectionIds.TryAdd(context.Connection.Id, 0);
                State.Record(new RecordedRequest
                {
                    Method = context.Request.Method,
                    Path = context.Request.Path,
                    Query = context.Request.QueryString.Value ?? string.Empty,
                    Headers = context.Request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase),
                    Body = body,
                });
            }

            await next(context);
        });
        app.UseMiddleware<FaultMiddleware>(State.Faults);

        Aws.MetadataEndpoints.Map(app, State);
        Azure.ManagedIdentityEndpoints.Map(app, State);
        Ci.CiTokenEndpoints.Map(app, this);
        Iam.IamCredentialsEndpoints.Map(app, this);
        Storage.StorageEndpoints.Map(app, State);
        app.MapPost("/v1/token", (Delegate)((HttpContext context) => Sts.TokenEndpoint.HandleAsync(context, State, (string)context.Items["body"]!)));
        app.MapPost(Sts.IntrospectionEndpoint.Path, (Delegate)((HttpContext context) => Sts.IntrospectionEndpoint.HandleAsync(context, State, (string)context.Items["body"]!)));

        // Control endpoints for people and Pester: mint a subject token, queue a fault, count requests.
        app.MapGet("/emulator/jwt", (string? aud, string? sub, string? alg) =>
            Results.Json(new { token = MintJwt(new JwtSpec { Audience = aud == null ? null : new[] { aud }, Subject = sub ?? "emulator-subject", Algorithm = alg ?? "RS256" }) }));
        app.MapPost("/emulator/faults", (HttpContext context) =>
        {
            var fault = JsonSerializer.Deserialize<FaultRequest>((string)context.Items["body"]!, new JsonSerializerOptions(JsonSerializerDefaults.Web));
            if (fault == null)
            {
                return Results.BadRequest();
            }

            EnqueueFault(new Fault { Status = fault.Status, Body = fault.Body, RetryAfter = fault.RetryAfter, Drop = fault.Drop, DelayBeforeHeaders = TimeSpan.FromMilliseconds(fault.DelayMs), DelayMidBody = TimeSpan.FromMilliseconds(fault.MidBodyDelayMs) });
            return Results.NoContent();
        });
        // A url credential source: like Azure instance metadata, it answers only with the Metadata header.
        app.MapGet("/subject-token", (HttpContext context, string? format, string? aud) =>
        {
            if (context.Request.Headers["Metadata"] != "true")
            {
                return Results.Json(new { error = "missing_header", error_description = "The Metadata: true header is required." }, statusCode: 400);
            }

            var jwt = MintJwt(new JwtSpec { Audience = aud == null ? null : new[] { aud } });
            return format == "json" ? Results.Json(new { access_token = jwt, token_type = "Bearer" }) : Results.Text(jwt);
        });
        // The X.509 provider's trust store: PEM certificates in the body become trust anchors.
        app.MapPost("/emulator/x509/trust", (HttpContext context) =>
        {
            var pem = (string)context.Items["body"]!;
            var added = 0;
            foreach (System.Text.RegularExpressions.Match block in System.Text.RegularExpressions.Regex.Matches(pem, "-----BEGIN CERTIFICATE-----[^-]+-----END CERTIFICATE-----"))
            {
                State.X509TrustAnchors.Add(System.Security.Cryptography.X509Certificates.X509Certificate2.CreateFromPem(block.Value));
                added++;
            }

            return added == 0 ? Results.BadRequest() : Results.Json(new { added });
        });
        app.MapPost("/emulator/x509/trust/clear", () =>
        {
            State.X509TrustAnchors.Clear();
            return Results.NoContent();
        });
        app.MapGet("/emulator/requests", () => Results.Json(new { count = State.RequestCount }));
        app.MapGet("/emulator/info", () => Results.Json(Info()));
    }

    /// <summary>What a script needs to use the emulator (printed by dotnet run, served at /emulator/info).</summary>
    public object Info()
    {
        var info = BaseInfo();
        if (Tls == null)
        {
            return info;
        }

        // With HTTPS, more fields; every route also answers at httpsBaseUrl (the token endpoint at <httpsBaseUrl>/v1/token),
        // and Service Fabric's only there. httpsThumbprint is the server certificate's, as IDENTITY_SERVER_THUMBPRINT pins it.
        var withTls = JsonSerializer.SerializeToNode(info)!.AsObject();
        withTls["httpsBaseUrl"] = HttpsBaseUrl;
        withTls["httpsPort"] = new Uri(HttpsBaseUrl).Port;
        withTls["tlsCaFile"] = Tls.CaFile;
        withTls["httpsThumbprint"] = Tls.ServerCertificate.Thumbprint;
        withTls["azureServiceFabricEndpoint"] = AzureServiceFabricEndpoint;
        return withTls;
    }

    private object BaseInfo() => new
    {
        baseUrl = BaseUrl,
        tokenEndpoint = TokenEndpoint.ToString(),
        tokenInfoEndpoint = TokenInfoEndpoint.ToString(),

        // gcloud's public OAuth client, which the emulator knows: tokens gcloud obtains are introspected with it.
        gcloudClientId = EmulatorState.GcloudClientId,
        gcloudClientSecret = EmulatorState.GcloudClientSecret,

        workloadProvider = EmulatorState.WorkloadProvider,
        workforceProvider = EmulatorState.WorkforceProvider,
        x509Provider = EmulatorState.X509Provider,
        x509TrustUrl = BaseUrl + "/emulator/x509/trust",
        mintJwt = BaseUrl + "/emulator/jwt",
        azureOidcRequestUri = AzureOidcRequestUri,
        azureSystemAccessToken = State.Ci.AzureSystemAccessToken,
        azureServiceConnectionId = Ci.CiSettings.DefaultServiceConnectionId,
        gitHubIdTokenRequestUrl = GitHubIdTokenRequestUrl,
        gitHubIdTokenRequestToken = State.Ci.GitHubRequestToken,
        serviceAccount = EmulatorState.DefaultServiceAccount,
        iamCredentialsEndpoint = BaseUrl,
        storageEndpoint = BaseUrl,

        // Azure Pipelines at the path a real job uses (SYSTEM_TEAMFOUNDATIONCOLLECTIONURI, SYSTEM_TEAMPROJECTID, …).
        azureCollectionUri = AzureCollectionUri,
        azureProjectId = Ci.CiSettings.ProjectId,
        azureHostType = Ci.CiSettings.HostType,
        azurePlanId = Ci.CiSettings.PlanId,
        azureJobId = Ci.CiSettings.JobId,
        azureDevOpsOidcRequestUri = AzureDevOpsOidcRequestUri,
        azureUnauthorizedServiceConnectionId = Ci.CiSettings.UnauthorizedServiceConnectionId,

        // Azure managed identities: the endpoints, the secrets they check, and who the tokens speak for.
        azureTenantId = Azure.AzureSettings.TenantId,
        azureIssuer = Azure.AzureSettings.Issuer,
        azureAppIdUri = Azure.AzureSettings.AppIdUri,
        azureSystemIdentity = new { clientId = State.Azure.SystemIdentity.ClientId, objectId = State.Azure.SystemIdentity.ObjectId },
        azureUserIdentity = new { clientId = State.Azure.UserIdentities[0].ClientId, objectId = State.Azure.UserIdentities[0].ObjectId, resourceId = State.Azure.UserIdentities[0].ResourceId },
        azureImdsAuthorityHost = BaseUrl,
        azureImdsTokenUrl = AzureImdsTokenUrl,
        azureAppServiceEndpoint = AzureAppServiceEndpoint,
        azureIdentityHeader = State.Azure.IdentityHeader,
        azureCloudShellEndpoint = AzureCloudShellEndpoint,
        azureArcImdsEndpoint = AzureArcImdsEndpoint,
        azureArcEndpoint = AzureArcEndpoint,
        azureArcControlUrl = BaseUrl + Azure.ManagedIdentityEndpoints.ArcControlPath,
        azureServiceFabricSecret = State.Azure.ServiceFabricSecret,
    };

    private sealed record FaultRequest(int? Status, string? Body, string? RetryAfter, bool Drop, int DelayMs, int MidBodyDelayMs);
}
