using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using StsPowerShell.Core.Aws;

namespace StsEmulator.Aws;

/// <summary>
/// Checks an aws4_request subject token as the ExchangeTokenRequest documentation describes: URL-encoded JSON
/// with url, method POST and the headers Authorization, host, x-amz-date and x-goog-cloud-target-resource;
/// the target resource matching the audience; a fresh x-amz-date; and the SigV4 signature over the signed
/// headers, against the keys the emulator knows.
/// </summary>
public static partial class AwsTokenVerifier
{
    [GeneratedRegex(@"^sts(\.[a-z0-9-]+)?\.amazonaws\.com$")]
    private static partial Regex StsHost();

    [GeneratedRegex(@"^AWS4-HMAC-SHA256 Credential=([^/]+)/(\d{8})/([a-z0-9-]+)/sts/aws4_request, ?SignedHeaders=([a-z0-9;-]+), ?Signature=([0-9a-f]{64})$")]
    private static partial Regex AuthorizationPattern();

    /// <summary>Null when the token is acceptable; otherwise why not.</summary>
    public static string? Check(string token, string audience, EmulatorState state)
    {
        JsonElement root;
        try
        {
            root = JsonDocument.Parse(Uri.UnescapeDataString(token)).RootElement;
        }
        catch (Exception e) when (e is JsonException || e is UriFormatException)
        {
            return "The subject token is not a URL-encoded JSON GetCallerIdentity request.";
        }

        if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("url", out var urlElement) || urlElement.ValueKind != JsonValueKind.String
            || !Uri.TryCreate(urlElement.GetString(), UriKind.Absolute, out var url))
        {
            return "The AWS token has no valid url.";
        }

        if (url.Scheme != Uri.UriSchemeHttps || !StsHost().IsMatch(url.Host))
        {
            return $"The AWS token's url host '{url.Host}' is not an AWS STS endpoint.";
        }

        var query = url.Query.TrimStart('?').Split('&');
        if (!query.Contains("Action=GetCallerIdentity") || !query.Contains("Version=2011-06-15"))
        {
            return "The AWS token's url is not a GetCallerIdentity call (Action=GetCallerIdentity&Version=2011-06-15).";
        }

        if (!root.TryGetProperty("method", out var method) || method.GetString() != "POST")
        {
            return "The AWS token's method must be POST.";
        }

        if (!root.TryGetProperty("headers", out var headerList) || headerList.ValueKind != JsonValueKind.Array)
        {
            return "The AWS token has no headers list.";
        }

        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var header in headerList.EnumerateArray())
        {
            if (header.ValueKind != JsonValueKind.Object || !header.TryGetProperty("key", out var key) || !header.TryGetProperty("value", out var value)
                || key.ValueKind != JsonValueKind.String || value.ValueKind != JsonValueKind.String)
            {
                return "Each header of the AWS token must be {\"key\", \"value\"} strings.";
            }

            headers[key.GetString()!] = value.GetString()!;
        }

        foreach (var required in new[] { "Authorization", "host", "x-amz-date", "x-goog-cloud-target-resource" })
        {
            if (!headers.ContainsKey(required))
            {
                return $"The AWS token lacks the {required} header.";
            }
        }

        if (!string.Equals(headers["host"], url.Authority, StringComparison.OrdinalIgnoreCase))
        {
            return "The AWS token's host header does not match its url.";
        }

        var target = headers["x-goog-cloud-target-resource"];
        if (target != audience && target != "https:" + audience)
        {
            return $"The AWS token's x-goog-cloud-target-resource '{target}' does not match the audience.";
        }

        if (!DateTimeOffset.TryParseExact(headers["x-amz-date"], "yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var signedAt))
        {
            return "The AWS token's x-amz-date is not an ISO 8601 basic date.";
        }

        if ((state.Clock() - signedAt).Duration() > state.Aws.MaximumSignatureAge)
        {
            return $"The AWS token's x-amz-date {headers["x-amz-date"]} is more than {state.Aws.MaximumSignatureAge.TotalMinutes} minutes from now.";
        }

        var authorization = AuthorizationPattern().Match(headers["Authorization"]);
        if (!authorization.Success)
        {
            return "The AWS token's Authorization header is not an AWS4-HMAC-SHA256 signature for sts.";
        }

        var keyId = authorization.Groups[1].Value;
        if (!state.Aws.Keys.TryGetValue(keyId, out var known))
        {
            return $"The AWS access key {keyId} is not known.";
        }

        if (known.SessionToken != null && (!headers.TryGetValue("x-amz-security-token", out var sessionToken) || sessionToken != known.SessionToken))
        {
            return $"The temporary AWS access key {keyId} needs its x-amz-security-token.";
        }

        var signedHeaders = authorization.Groups[4].Value.Split(';');
        if (!signedHeaders.Contains("host") || !signedHeaders.Contains("x-amz-date"))
        {
            return "The AWS token's signature must cover host and x-amz-date.";
        }

        var request = new SigV4Request("POST", url.AbsolutePath);
        foreach (var pair in query)
        {
            var equals = pair.IndexOf('=');
            request.Query.Add(new(Uri.UnescapeDataString(pair[..equals]), Uri.UnescapeDataString(pair[(equals + 1)..])));
        }

        foreach (var name in signedHeaders)
        {
            if (!headers.TryGetValue(name, out var value))
            {
                return $"The AWS token signs a header '{name}' it does not carry.";
            }

            request.Headers.Add(new(name, value));
        }

        var expected = SigV4Signer.Sign(request, new AwsCredentials(keyId, known.Secret), authorization.Groups[3].Value, "sts", signedAt);
        return expected.Signature == authorization.Groups[5].Value ? null : "The AWS token's signature does not match its request.";
    }
}
