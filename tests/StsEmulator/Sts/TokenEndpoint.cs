using System.Text;
using System.Text.Json;
using StsEmulator.Jwt;

namespace StsEmulator.Sts;

/// <summary>
/// POST /v1/token with the semantics the ExchangeTokenRequest documentation gives Google's STS.
/// </summary>
public static class TokenEndpoint
{
    public const int MaximumOptionsLength = 4096;
    public const string TokenExchangeGrant = "urn:ietf:params:oauth:grant-type:token-exchange";
    public const string AccessTokenType = "urn:ietf:params:oauth:token-type:access_token";
    public const string JwtType = "urn:ietf:params:oauth:token-type:jwt";
    public const string IdTokenType = "urn:ietf:params:oauth:token-type:id_token";
    public const string Aws4RequestType = "urn:ietf:params:aws:token-type:aws4_request";
    public const string Saml2Type = "urn:ietf:params:oauth:token-type:saml2";
    public const string MtlsType = "urn:ietf:params:oauth:token-type:mtls";
    public const string AccessBoundaryIntermediaryType = "urn:ietf:params:oauth:token-type:access_boundary_intermediary_token";

    private static readonly string[] ExternalCredentialTypes = { JwtType, IdTokenType, Aws4RequestType, Saml2Type, MtlsType };
    private static readonly string[] SubjectTokenTypes = { JwtType, IdTokenType, Aws4RequestType, AccessTokenType, Saml2Type, MtlsType };
    private static readonly string[] RequestedTokenTypes = { AccessTokenType, AccessBoundaryIntermediaryType };

    public static async Task<IResult> HandleAsync(HttpContext context, EmulatorState state, string body)
    {
        try
        {
            var fields = await ReadFieldsAsync(context, body);
            var client = Authenticate(context, fields, state);
            return Exchange(fields, client, state, context.Connection.ClientCertificate);
        }
        catch (OAuthError error)
        {
            return error.ToResult(context.Response);
        }
    }

    /// <summary>The form or JSON fields of an STS request (the introspection endpoint reads its body the same way).</summary>
    internal static async Task<ExchangeFields> ReadFieldsAsync(HttpContext context, string body)
    {
        if (context.Request.HasFormContentType)
        {
            return ExchangeFields.FromForm(await context.Request.ReadFormAsync());
        }

        if (context.Request.ContentType?.StartsWith("application/json", StringComparison.OrdinalIgnoreCase) == true)
        {
            try
            {
                return ExchangeFields.FromJson(body);
            }
            catch (JsonException)
            {
                throw OAuthError.InvalidRequest("The JSON body is malformed.");
            }
        }

        throw OAuthError.InvalidRequest("The body must be application/x-www-form-urlencoded or application/json.");
    }

    // RFC 6749 §2.3.1: Basic with form-url-encoded id and secret, or both in the body; never both methods.
    // Null when the request carries no client authentication.
    internal static string? Authenticate(HttpContext context, ExchangeFields fields, EmulatorState state)
    {
        string? id = null, secret = null;
        var authorization = context.Request.Headers.Authorization.ToString();
        var basic = authorization.StartsWith("Basic ", StringComparison.OrdinalIgnoreCase);
        if (basic)
        {
            string pair;
            try
            {
                pair = Encoding.UTF8.GetString(Convert.FromBase64String(authorization["Basic ".Length..].Trim()));
            }
            catch (FormatException)
            {
                throw new OAuthError("invalid_client", "The Basic credentials are not Base64.", 401);
            }

            var colon = pair.IndexOf(':');
            if (colon < 0)
            {
                throw new OAuthError("invalid_client", "The Basic credentials have no ':' separator.", 401);
            }

            id = Uri.UnescapeDataString(pair[..colon].Replace('+', ' '));
            secret = Uri.UnescapeDataString(pair[(colon + 1)..].Replace('+', ' '));
        }

        if (fields["client_id"] != null)
        {
            if (basic)
            {
                throw OAuthError.InvalidRequest("The client authenticated by more than one method.");
            }

            id = fields["client_id"];
            secret = fields["client_secret"];
        }

        if (id == null)
        {
            return null;
        }

        if (!state.Clients.TryGetValue(id, out var expected) || !CryptographicEquals(expected, secret ?? string.Empty))
        {
            throw new OAuthError("invalid_client", "Client authentication failed.", 401);
        }

        return id;
    }

    private static IResult Exchange(ExchangeFields fields, string? client, EmulatorState state, System.Security.Cryptography.X509Certificates.X509Certificate2? presented)
    {
        var grantType = fields["grant_type"];
        if (string.IsNullOrEmpty(grantType))
        {
            throw OAuthError.InvalidRequest("grant_type is required.");
        }

        if (grantType != TokenExchangeGrant)
        {
            throw new OAuthError("unsupported_grant_type", $"The grant type '{grantType}' is not supported; use {TokenExchangeGrant}.");
        }

        var subjectToken = fields["subject_token"];
        if (string.IsNullOrEmpty(subjectToken))
        {
            throw OAuthError.InvalidRequest("subject_token is required.");
        }

        var subjectTokenType = fields["subject_token_type"];
        if (!SubjectTokenTypes.Contains(subjectTokenType))
        {
            throw OAuthError.InvalidRequest($"Invalid subject_token_type '{subjectTokenType}'; supported are {string.Join(", ", SubjectTokenTypes)}.");
        }

        var requestedTokenType = fields["requested_token_type"];
        if (!RequestedTokenTypes.Contains(requestedTokenType))
        {
            throw OAuthError.InvalidRequest($"Invalid requested_token_type '{requestedTokenType}'; supported are {string.Join(", ", RequestedTokenTypes)}.");
        }

        if (fields["actor_token"] != null)
        {
            throw OAuthError.InvalidRequest("actor_token is not supported.");
        }

        CheckOptions(fields["options"], client, fields["audience"]);
        var scope = fields["scope"] ?? string.Empty;
        var boundary = AccessBoundary.Read(fields["options"]);
        string subject;
        string? audience;
        if (ExternalCredentialTypes.Contains(subjectTokenType))
        {
            audience = CheckAudience(fields, state);
            if (string.IsNullOrWhiteSpace(scope))
            {
                throw OAuthError.InvalidRequest("scope is required when exchanging an external credential.");
            }

            subject = VerifyExternalCredential(subjectToken, subjectTokenType!, audience, state, presented);
        }
        else
        {
            var issued = state.FindIssued(subjectToken);
            if (issued == null || issued.ExpiresOn <= state.Clock())
            {
                throw OAuthError.InvalidGrant("The access token is invalid or expired.");
            }

            if (boundary != null && issued.Boundary != null)
            {
                throw OAuthError.InvalidGrant("The access token already carries a credential access boundary; another cannot be applied.");
            }

            subject = issued.Subject;
            audience = issued.Audience;
            if (string.IsNullOrWhiteSpace(scope))
            {
                scope = issued.Scope;
            }
        }

        if (boundary != null && ExternalCredentialTypes.Contains(subjectTokenType))
        {
            throw OAuthError.InvalidRequest("A credential access boundary applies to a Google access token, not an external credential.");
        }

        var response = new Dictionary<string, object>
        {
            // A token from an mtls exchange is bound to the certificate, as Google's are.
            ["access_token"] = state.Issue(scope, subject, boundary: boundary, audience: audience, client: client, certificateThumbprint: subjectTokenType == MtlsType ? presented!.Thumbprint : null),
            ["issued_token_type"] = AccessTokenType,
            ["token_type"] = "Bearer",
        };

        // As Google does, a downscoped token's lifetime is left unstated: it is the source token's.
        if (boundary == null)
        {
            response["expires_in"] = (long)state.AccessTokenLifetime.TotalSeconds;
        }

        return Results.Json(response);
    }

    private static void CheckOptions(string? options, string? client, string? audience)
    {
        if (options == null)
        {
            return;
        }

        if (options.Length > MaximumOptionsLength)
        {
            throw OAuthError.InvalidRequest($"options must not exceed {MaximumOptionsLength} characters.");
        }

        try
        {
            using var document = JsonDocument.Parse(options);
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                throw OAuthError.InvalidRequest("options must be a serialized JSON object.");
            }

            if (document.RootElement.TryGetProperty("userProject", out _) && (client != null || audience == null || !GoogleAudience.IsWorkforceProvider(audience)))
            {
                throw OAuthError.InvalidRequest("userProject is only accepted for workforce pool providers without client authentication.");
            }
        }
        catch (JsonException)
        {
            throw OAuthError.InvalidRequest("options is not valid JSON.");
        }
    }

    private static string CheckAudience(ExchangeFields fields, EmulatorState state)
    {
        if (fields.Count("audience") != 1)
        {
            throw OAuthError.InvalidRequest("Exactly one audience is required when exchanging an external credential.");
        }

        var audience = fields["audience"]!;
        if (!GoogleAudience.IsWorkloadProvider(audience) && !GoogleAudience.IsWorkforceProvider(audience))
        {
            throw OAuthError.InvalidRequest($"The audience '{audience}' is not the full resource name of a workload or workforce pool provider.");
        }

        if (!state.KnownAudiences.Contains(audience))
        {
            throw new OAuthError("invalid_target", "The target service indicated by the \"audience\" parameters is invalid: the pool or provider does not exist.");
        }

        return audience;
    }

    private static string VerifyExternalCredential(string token, string type, string audience, EmulatorState state, System.Security.Cryptography.X509Certificates.X509Certificate2? presented)
    {
        if ((type == MtlsType) != (audience == EmulatorState.X509Provider))
        {
            throw OAuthError.InvalidGrant(type == MtlsType
                ? $"The provider {audience} does not accept X.509 certificates; an X.509 pool provider does."
                : $"The X.509 provider {audience} accepts only subject tokens of type {MtlsType}.");
        }

        if (type == MtlsType)
        {
            var failure = X509.X509TokenVerifier.Check(token, presented, state, out var leafSubject);
            if (failure != null)
            {
                throw OAuthError.InvalidGrant(failure);
            }

            return "x509:" + leafSubject;
        }

        if (type is JwtType or IdTokenType)
        {
            var failure = JwtVerifier.Check(token, state.Keys, state.TrustedIssuers, audience, state.AllowedJwtAudiences, state.Clock());
            if (failure != null)
            {
                throw OAuthError.InvalidGrant(failure);
            }

            return "jwt-subject";
        }

        if (type == Aws4RequestType)
        {
            var failure = Aws.AwsTokenVerifier.Check(token, audience, state);
            if (failure != null)
            {
                throw OAuthError.InvalidGrant(failure);
            }

            return "aws-subject";
        }

        throw OAuthError.InvalidGrant($"The emulator cannot verify subject tokens of type {type}.");
    }

    private static bool CryptographicEquals(string expected, string actual) =>
        System.Security.Cryptography.CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(expected), Encoding.UTF8.GetBytes(actual));
}
