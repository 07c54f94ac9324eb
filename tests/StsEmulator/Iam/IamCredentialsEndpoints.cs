using System.Text.Json;
using StsEmulator.Jwt;

namespace StsEmulator.Iam;

/// <summary>
/// The IAM Credentials API's generateAccessToken and generateIdToken, authorized by an access token the
/// emulator's STS issued with the cloud-platform or iam scope, answering errors in Google's JSON form.
/// </summary>
public static class IamCredentialsEndpoints
{
    private static readonly string[] ImpersonationScopes = { "https://www.googleapis.com/auth/cloud-platform", "https://www.googleapis.com/auth/iam" };

    public static void Map(WebApplication app, StsEmulatorHost host)
    {
        var state = host.State;
        app.MapPost("/v1/projects/{project}/serviceAccounts/{name}", (HttpContext context, string project, string name) =>
        {
            var colon = name.LastIndexOf(':');
            var serviceAccount = colon < 0 ? name : name[..colon];
            var method = colon < 0 ? string.Empty : name[(colon + 1)..];
            var authorization = context.Request.Headers.Authorization.ToString();
            var issued = authorization.StartsWith("Bearer ", StringComparison.Ordinal) ? state.FindIssued(authorization["Bearer ".Length..]) : null;
            if (issued == null || issued.ExpiresOn <= state.Clock())
            {
                return Error(401, "UNAUTHENTICATED", "Request had invalid authentication credentials. Expected OAuth 2 access token.");
            }

            if (issued.CertificateThumbprint != null && !string.Equals(context.Connection.ClientCertificate?.Thumbprint, issued.CertificateThumbprint, StringComparison.OrdinalIgnoreCase))
            {
                return Error(401, "UNAUTHENTICATED", "The access token is bound to a client certificate; call the mTLS endpoint presenting that certificate.");
            }

            if (!issued.Scope.Split(' ').Any(ImpersonationScopes.Contains))
            {
                return Error(403, "PERMISSION_DENIED", "Request had insufficient authentication scopes.");
            }

            if (project != "-" || !state.ServiceAccounts.Contains(serviceAccount))
            {
                return Error(403, "PERMISSION_DENIED", $"Permission 'iam.serviceAccounts.getAccessToken' denied on resource (or it may not exist).");
            }

            JsonElement body;
            try
            {
                body = JsonDocument.Parse((string)context.Items["body"]!).RootElement;
            }
            catch (JsonException)
            {
                return Error(400, "INVALID_ARGUMENT", "Invalid JSON payload received.");
            }

            return method switch
            {
                "generateAccessToken" => GenerateAccessToken(state, serviceAccount, body),
                "generateIdToken" => GenerateIdToken(host, serviceAccount, body),
                _ => Error(404, "NOT_FOUND", $"Method {method} not found."),
            };
        });
    }

    private static IResult GenerateAccessToken(EmulatorState state, string serviceAccount, JsonElement body)
    {
        if (!body.TryGetProperty("scope", out var scopeList) || scopeList.ValueKind != JsonValueKind.Array || scopeList.GetArrayLength() == 0)
        {
            return Error(400, "INVALID_ARGUMENT", "Scope is required.");
        }

        var lifetime = TimeSpan.FromHours(1);
        if (body.TryGetProperty("lifetime", out var lifetimeText))
        {
            var text = lifetimeText.GetString() ?? string.Empty;
            if (!text.EndsWith('s') || !long.TryParse(text[..^1], out var seconds) || seconds < 1 || seconds > 43200)
            {
                return Error(400, "INVALID_ARGUMENT", "The lifetime must be between 1s and 43200s.");
            }

            lifetime = TimeSpan.FromSeconds(seconds);
        }

        var scope = string.Join(" ", scopeList.EnumerateArray().Select(s => s.GetString()));
        var token = state.Issue(scope, "sa:" + serviceAccount, lifetime);
        return Results.Json(new { accessToken = token, expireTime = (state.Clock() + lifetime).UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'") });
    }

    private static IResult GenerateIdToken(StsEmulatorHost host, string serviceAccount, JsonElement body)
    {
        if (!body.TryGetProperty("audience", out var audience) || string.IsNullOrEmpty(audience.GetString()))
        {
            return Error(400, "INVALID_ARGUMENT", "Audience is required.");
        }

        var includeEmail = body.TryGetProperty("includeEmail", out var flag) && flag.ValueKind == JsonValueKind.True;
        var now = host.State.Clock();
        var claims = new System.Text.Json.Nodes.JsonObject { ["azp"] = serviceAccount };
        if (includeEmail)
        {
            claims["email"] = serviceAccount;
            claims["email_verified"] = true;
        }

        var token = host.State.Keys.Mint(new JwtSpec
        {
            Issuer = host.BaseUrl,
            Subject = "1000000000000" + Math.Abs(serviceAccount.GetHashCode() % 100000),
            Audience = new[] { audience.GetString()! },
            IssuedAt = now,
            ExpiresAt = now.AddHours(1),
            ExtraClaims = claims,
        });
        return Results.Json(new { token });
    }

    private static IResult Error(int code, string status, string message) =>
        Results.Json(new { error = new { code, message, status } }, statusCode: code);
}
