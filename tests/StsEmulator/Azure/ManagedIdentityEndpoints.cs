using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.WebUtilities;

namespace StsEmulator.Azure;

/// <summary>
/// Azure's managed identity token services as a client meets them: VM instance metadata (IMDS), App Service,
/// Cloud Shell, Arc (HIMDS, with its key-file challenge) and Service Fabric (on the HTTPS listener only). Each
/// checks its own header and parameters and answers an <see cref="EntraJwt"/> in its own response and error shape.
/// </summary>
public static class ManagedIdentityEndpoints
{
    public const string ImdsPath = "/metadata/identity/oauth2/token";
    public const string AppServicePath = "/msi/token";
    public const string CloudShellPath = "/cloudshell/oauth2/token";

    /// <summary>Arc's IMDS_ENDPOINT below the base URL; its token path is this plus <see cref="ImdsPath"/>.</summary>
    public const string ArcPrefix = "/arc";
    public const string ServiceFabricPath = "/servicefabric/token";
    public const string ArcControlPath = "/emulator/azure/arc";

    public const string ImdsApiVersion = "2018-02-01";
    public const string AppServiceApiVersion = "2019-08-01";
    public const string ArcApiVersion = "2019-11-01";
    public const string ServiceFabricApiVersion = "2019-07-01-preview";

    // How each service names a user-assigned identity: by client id, object (principal) id, or ARM resource id.
    private static readonly IdParameters ImdsIds = new("client_id", "object_id", "msi_res_id");
    private static readonly IdParameters AppServiceIds = new("client_id", "principal_id", "mi_res_id");
    private static readonly string[] AnyIdParameter = ImdsIds.Names.Union(AppServiceIds.Names).ToArray();

    private enum Shape
    {
        /// <summary>IMDS, Cloud Shell and Arc: every lifetime field as a string; errors as OAuth error and error_description.</summary>
        Imds,

        /// <summary>access_token, expires_on, resource, token_type, client_id; errors as statusCode and message.</summary>
        AppService,

        /// <summary>access_token, expires_on (a number), token_type, resource; errors as error.code and error.message.</summary>
        ServiceFabric,
    }

    public static void Map(WebApplication app, EmulatorState state)
    {
        var azure = state.Azure;
        var imds = new Source(ImdsApiVersion, ImdsIds, Shape.Imds, RequireMetadataHeader);
        var appService = new Source(AppServiceApiVersion, AppServiceIds, Shape.AppService, c => RequireSecret(c, "X-IDENTITY-HEADER", azure.IdentityHeader));
        var cloudShell = new Source(null, null, Shape.Imds, RequireMetadataHeader);
        var arc = new Source(ArcApiVersion, null, Shape.Imds, c => RequireMetadataHeader(c) ?? ArcChallenge(c, azure));
        var serviceFabric = new Source(ServiceFabricApiVersion, AppServiceIds, Shape.ServiceFabric, c => RequireSecret(c, "secret", azure.ServiceFabricSecret));

        app.MapGet(ImdsPath, (HttpContext context) => Handle(context, state, imds, Query(context)));
        app.MapGet(AppServicePath, (HttpContext context) => Handle(context, state, appService, Query(context)));
        app.MapPost(CloudShellPath, (HttpContext context) =>
        {
            // Cloud Shell takes its parameters as a form body.
            var form = QueryHelpers.ParseQuery((string)context.Items["body"]!);
            return Handle(context, state, cloudShell, name => form.TryGetValue(name, out var value) ? value.ToString() : null);
        });
        app.MapGet(ArcPrefix + ImdsPath, (HttpContext context) => Handle(context, state, arc, Query(context)));

        // Service Fabric's token service is reached by HTTPS only, its certificate pinned by thumbprint.
        app.MapGet(ServiceFabricPath, (HttpContext context) => context.Request.IsHttps ? Handle(context, state, serviceFabric, Query(context)) : Results.NotFound());

        app.MapPost(ArcControlPath, (HttpContext context) =>
        {
            ArcRequest? request;
            try
            {
                request = JsonSerializer.Deserialize<ArcRequest>((string)context.Items["body"]!, new JsonSerializerOptions(JsonSerializerDefaults.Web));
            }
            catch (JsonException)
            {
                request = null;
            }

            if (string.IsNullOrEmpty(request?.KeyFile))
            {
                return Results.Json(new { message = "Expected {\"keyFile\": \"<path>\", \"writeKey\": true|false}." }, statusCode: 400);
            }

            var key = azure.UseArcKeyFile(request.KeyFile, request.WriteKey ?? true);
            return Results.Json(new { keyFile = key.Path, written = key.Secret != null });
        });
    }

    private static Func<string, string?> Query(HttpContext context) => name => context.Request.Query.TryGetValue(name, out var value) ? value.ToString() : null;

    // The order a real service checks in: who is asking, which API, which identity, for which resource.
    private static IResult Handle(HttpContext context, EmulatorState state, Source source, Func<string, string?> parameter)
    {
        var failure = source.Authenticate(context);
        if (failure == null && source.ApiVersion != null && parameter("api-version") != source.ApiVersion)
        {
            failure = new Failure(400, "invalid_request", $"The api-version '{parameter("api-version")}' is not supported; use {source.ApiVersion}.");
        }

        AzureIdentity? identity = null;
        if (failure == null)
        {
            (identity, failure) = SelectIdentity(state.Azure, source.Ids, parameter);
        }

        var resource = parameter("resource");
        if (failure == null && string.IsNullOrEmpty(resource))
        {
            failure = new Failure(400, "invalid_request", "Required audience parameter not specified");
        }

        return failure != null ? Refuse(failure, source.Shape) : Answer(EntraJwt.Mint(state, identity!, resource!), source.Shape);
    }

    private static Failure? RequireMetadataHeader(HttpContext context) =>
        context.Request.Headers["Metadata"] == "true" ? null : new Failure(400, "invalid_request", "Required metadata header not specified");

    private static Failure? RequireSecret(HttpContext context, string header, string secret) =>
        context.Request.Headers[header] == secret ? null : new Failure(401, "unauthorized_client", $"The {header} header is missing or does not match.");

    // HIMDS proves the caller may read its token folder: it names a key file, and only the file's content is accepted back.
    private static Failure? ArcChallenge(HttpContext context, AzureSettings azure)
    {
        var key = azure.ArcKey;
        if (key == null)
        {
            return new Failure(500, "server_error", $"The emulator has no Arc key file: POST {ArcControlPath} with {{\"keyFile\": \"<path>\"}} first.");
        }

        var authorization = context.Request.Headers.Authorization.ToString();
        if (authorization.StartsWith("Basic ", StringComparison.OrdinalIgnoreCase) && key.Accepts(authorization["Basic ".Length..]))
        {
            return null;
        }

        context.Response.Headers.WWWAuthenticate = "Basic realm=" + key.Path;
        return new Failure(401, "unauthorized_client", "Send the content of the key file named in WWW-Authenticate as the Basic credentials.");
    }

    private static (AzureIdentity? Identity, Failure? Failure) SelectIdentity(AzureSettings azure, IdParameters? ids, Func<string, string?> parameter)
    {
        var given = AnyIdParameter.Where(name => !string.IsNullOrEmpty(parameter(name))).ToArray();
        if (given.Length == 0)
        {
            return (azure.SystemIdentity, null);
        }

        if (ids == null)
        {
            return (null, new Failure(400, "invalid_request", $"Only the system-assigned identity is available here; {string.Join(", ", given)} is not supported."));
        }

        if (given.Length > 1 || !ids.Names.Contains(given[0]))
        {
            return (null, new Failure(400, "invalid_request", $"Name the identity by exactly one of {string.Join(", ", ids.Names)}; got {string.Join(", ", given)}."));
        }

        var identity = azure.UserIdentities.FirstOrDefault(i => string.Equals(ids.Value(i, given[0]), parameter(given[0]), StringComparison.OrdinalIgnoreCase));
        return identity == null ? (null, new Failure(400, "invalid_request", "Identity not found")) : (identity, null);
    }

    // The one token-response builder: every service answers the same token in its own shape.
    private static IResult Answer(EntraToken token, Shape shape)
    {
        var expiresOn = token.ExpiresAt.ToUnixTimeSeconds();
        var body = new Dictionary<string, object>
        {
            ["access_token"] = token.Jwt,
            ["expires_on"] = shape == Shape.ServiceFabric ? expiresOn : Text(expiresOn),
            ["resource"] = token.Resource,
            ["token_type"] = "Bearer",
        };
        if (shape != Shape.ServiceFabric)
        {
            body["client_id"] = token.Identity.ClientId;
        }

        if (shape == Shape.Imds)
        {
            var lifetime = Text((long)(token.ExpiresAt - token.IssuedAt).TotalSeconds);
            body["refresh_token"] = string.Empty;
            body["expires_in"] = lifetime;
            body["ext_expires_in"] = lifetime;
            body["not_before"] = Text(token.IssuedAt.ToUnixTimeSeconds());
        }

        return Results.Json(body);
    }

    private static IResult Refuse(Failure failure, Shape shape) => shape switch
    {
        Shape.Imds => Results.Json(new { error = failure.Code, error_description = failure.Message }, statusCode: failure.Status),
        Shape.AppService => Results.Json(new { statusCode = failure.Status, message = failure.Message, correlationId = Guid.NewGuid() }, statusCode: failure.Status),
        _ => Results.Json(new { error = new { correlationId = Guid.NewGuid(), code = failure.Code, message = failure.Message } }, statusCode: failure.Status),
    };

    private static string Text(long value) => value.ToString(CultureInfo.InvariantCulture);

    /// <summary>One token service: its api-version (null: none), its user-assigned id parameters (null: system identity only), its shape and its caller check.</summary>
    private sealed record Source(string? ApiVersion, IdParameters? Ids, Shape Shape, Func<HttpContext, Failure?> Authenticate);

    private sealed record Failure(int Status, string Code, string Message);

    private sealed record IdParameters(string ClientId, string ObjectId, string ResourceId)
    {
        public string[] Names => new[] { ClientId, ObjectId, ResourceId };

        public string? Value(AzureIdentity identity, string name) =>
            name == ClientId ? identity.ClientId : name == ObjectId ? identity.ObjectId : identity.ResourceId;
    }

    private sealed record ArcRequest(string? KeyFile, bool? WriteKey);
}
