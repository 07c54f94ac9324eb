namespace StsEmulator.Sts;

/// <summary>
/// POST /v1/introspect as Google's STS serves it (RFC 7662): the form <c>token</c> and an optional
/// <c>token_type_hint</c> (or the JSON <c>token</c>, <c>tokenTypeHint</c>), with optional client authentication
/// as at the token endpoint. gcloud calls it, through <c>token_info_url</c>, to name the account of an
/// external_account file without impersonation, sending its own client as Basic; it reads <c>username</c>.
/// </summary>
public static class IntrospectionEndpoint
{
    public const string Path = "/v1/introspect";

    // Google's IntrospectTokenRequest documents these two values for tokenTypeHint.
    private static readonly string[] TokenTypeHints = { TokenEndpoint.AccessTokenType, "access_token" };

    public static async Task<IResult> HandleAsync(HttpContext context, EmulatorState state, string body)
    {
        try
        {
            var fields = await TokenEndpoint.ReadFieldsAsync(context, body);
            var client = TokenEndpoint.Authenticate(context, fields, state);
            var token = fields["token"];
            if (string.IsNullOrEmpty(token))
            {
                throw OAuthError.InvalidRequest("token is required.");
            }

            var hint = fields["token_type_hint"];
            if (hint != null && !TokenTypeHints.Contains(hint))
            {
                throw OAuthError.InvalidRequest($"Invalid token_type_hint '{hint}'; supported are {string.Join(", ", TokenTypeHints)}.");
            }

            return Results.Json(Describe(state.FindIssued(token), client, state.Clock(), $"{context.Request.Scheme}://{context.Request.Host}"));
        }
        catch (OAuthError error)
        {
            return error.ToResult(context.Response);
        }
    }

    /// <summary>
    /// RFC 7662 §2.2: only <c>active: false</c> for a token unknown, expired, or issued to another client than the
    /// caller (a token issued to no client may be introspected by anyone); otherwise Google's fields.
    /// </summary>
    private static Dictionary<string, object> Describe(EmulatorState.IssuedToken? issued, string? client, DateTimeOffset now, string issuer)
    {
        if (issued == null || issued.ExpiresOn <= now || (issued.Client != null && issued.Client != client))
        {
            return new Dictionary<string, object> { ["active"] = false };
        }

        var principal = Principal(issued);
        var description = new Dictionary<string, object>
        {
            ["active"] = true,
            ["scope"] = issued.Scope,
            ["exp"] = issued.ExpiresOn.ToUnixTimeSeconds(),
            ["iat"] = issued.IssuedAt.ToUnixTimeSeconds(),
            ["iss"] = issuer,
            ["sub"] = principal,
            ["username"] = principal,
        };
        if (issued.Client != null)
        {
            description["client_id"] = issued.Client;
        }

        return description;
    }

    /// <summary>
    /// A federated token speaks for principal://iam.googleapis.com/&lt;pool&gt;/subject/&lt;subject&gt; (the provider's pool,
    /// as Google names federated principals); an impersonated one for the service account's email.
    /// </summary>
    public static string Principal(EmulatorState.IssuedToken issued)
    {
        if (issued.Subject.StartsWith("sa:", StringComparison.Ordinal))
        {
            return issued.Subject["sa:".Length..];
        }

        if (issued.Audience == null)
        {
            return issued.Subject;
        }

        var pool = issued.Audience["//iam.googleapis.com/".Length..];
        var providers = pool.IndexOf("/providers/", StringComparison.Ordinal);
        return $"principal://iam.googleapis.com/{(providers < 0 ? pool : pool[..providers])}/subject/{issued.Subject}";
    }
}
