namespace StsEmulator.Sts;

/// <summary>An RFC 6749 §5.2 error the emulator answers with.</summary>
public sealed class OAuthError(string error, string description, int status = 400) : Exception(description)
{
    public string Error { get; } = error;

    public string Description { get; } = description;

    public int Status { get; } = status;

    public static OAuthError InvalidRequest(string description) => new("invalid_request", description);

    public static OAuthError InvalidGrant(string description) => new("invalid_grant", description);

    /// <summary>The JSON error; a 401 (invalid_client) also challenges for Basic, as RFC 6749 §5.2 asks.</summary>
    public IResult ToResult(HttpResponse response)
    {
        if (Status == 401)
        {
            response.Headers.WWWAuthenticate = "Basic realm=\"sts\"";
        }

        return Results.Json(new Dictionary<string, string> { ["error"] = Error, ["error_description"] = Description }, statusCode: Status);
    }
}
