using System.Text;
using System.Text.Json;

namespace StsEmulator.Jwt;

/// <summary>
/// Checks a JWT subject token the way the ExchangeTokenRequest documentation says Google's STS does:
/// kid and alg (RS256/ES256) headers, the signature, iss, iat in the past, exp within 48 h of iat and not
/// passed, sub, and aud matching the provider.
/// </summary>
public static class JwtVerifier
{
    public static readonly TimeSpan MaximumLifetime = TimeSpan.FromHours(48);

    /// <summary>Null when the token is acceptable; otherwise why not, in words for error_description.</summary>
    public static string? Check(string token, JwtKeys keys, ISet<string> trustedIssuers, string audience, ISet<string> allowedAudiences, DateTimeOffset now)
    {
        var parts = token.Split('.');
        if (parts.Length != 3)
        {
            return "The subject token is not a JWT: expected three dot-separated parts.";
        }

        JsonElement header, payload;
        byte[] signature;
        try
        {
            header = JsonDocument.Parse(Base64Url.Decode(parts[0])).RootElement;
            payload = JsonDocument.Parse(Base64Url.Decode(parts[1])).RootElement;
            signature = Base64Url.Decode(parts[2]);
        }
        catch (Exception e) when (e is FormatException || e is JsonException)
        {
            return "The subject token is not a JWT: its parts are not base64url-encoded JSON.";
        }

        if (header.ValueKind != JsonValueKind.Object || payload.ValueKind != JsonValueKind.Object)
        {
            return "The subject token is not a JWT: header and payload must be JSON objects.";
        }

        var alg = String(header, "alg");
        if (alg is not ("RS256" or "ES256"))
        {
            return $"The JWT's alg header must be RS256 or ES256, not '{alg ?? "(missing)"}'.";
        }

        var kid = String(header, "kid");
        if (string.IsNullOrEmpty(kid))
        {
            return "The JWT has no kid header.";
        }

        if (!keys.IsKnownKey(kid))
        {
            return $"The JWT's kid '{kid}' matches no key of the issuer.";
        }

        if (!keys.Verify(kid, alg, Encoding.ASCII.GetBytes(parts[0] + "." + parts[1]), signature))
        {
            return "The JWT's signature is invalid.";
        }

        var iss = String(payload, "iss");
        if (string.IsNullOrEmpty(iss))
        {
            return "The JWT has no iss claim.";
        }

        if (!trustedIssuers.Contains(iss))
        {
            return $"The JWT's issuer '{iss}' is not the provider's issuer.";
        }

        if (Seconds(payload, "iat") is not long iat)
        {
            return "The JWT has no numeric iat claim.";
        }

        if (Seconds(payload, "exp") is not long exp)
        {
            return "The JWT has no numeric exp claim.";
        }

        if (iat > now.ToUnixTimeSeconds())
        {
            return "The JWT's iat is in the future.";
        }

        if (exp - iat > (long)MaximumLifetime.TotalSeconds)
        {
            return "The JWT's exp is more than 48 hours after its iat.";
        }

        if (exp <= now.ToUnixTimeSeconds())
        {
            return "The JWT has expired.";
        }

        if (string.IsNullOrEmpty(String(payload, "sub")))
        {
            return "The JWT has no sub claim.";
        }

        if (!AudienceMatches(payload, audience, allowedAudiences))
        {
            return $"The JWT's aud does not match the provider '{audience}'.";
        }

        return null;
    }

    // A provider accepts its own full resource name, with or without the https: prefix, and its allowed audiences.
    private static bool AudienceMatches(JsonElement payload, string audience, ISet<string> allowedAudiences)
    {
        if (!payload.TryGetProperty("aud", out var aud))
        {
            return false;
        }

        var accepted = new[] { audience, "https:" + audience }.Concat(allowedAudiences).ToArray();
        return aud.ValueKind switch
        {
            JsonValueKind.String => accepted.Contains(aud.GetString()),
            JsonValueKind.Array => aud.EnumerateArray().Any(a => a.ValueKind == JsonValueKind.String && accepted.Contains(a.GetString())),
            _ => false,
        };
    }

    private static string? String(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static long? Seconds(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out var seconds) ? seconds : null;
}
