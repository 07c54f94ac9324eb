using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using System.Xml;
using System.Xml.Linq;
using StsPowerShell.Core.Exchange;
using StsPowerShell.Core.Oidc;

using StsPowerShell.Core.Http;

namespace StsPowerShell.Core.Google
{
    /// <summary>
    /// Checks a subject token against the requirements of Google's ExchangeTokenRequest.SubjectToken: for a JWT
    /// its headers and claims, for an AWS token its request and signature headers, for SAML its audience and
    /// validity window. It decodes; it never verifies a signature, and never quotes the token.
    /// </summary>
    public static class SubjectTokenChecker
    {
        /// <summary>The longest a JWT may live, from iat to exp.</summary>
        public static readonly TimeSpan MaximumJwtLifetime = TimeSpan.FromHours(48);

        /// <summary>How far x-amz-date may be from now.</summary>
        public static readonly TimeSpan MaximumAwsSignatureAge = TimeSpan.FromMinutes(15);

        private static readonly Regex StsHost = new Regex(@"^sts(\.[a-z0-9-]+)?\.amazonaws\.com(\.cn)?$", RegexOptions.CultureInvariant);

        /// <summary>
        /// The checks for <paramref name="token"/> of <paramref name="tokenType"/>, meant for <paramref name="audience"/>
        /// when given. Without a type, the token's shape says which it is (a JWT, an AWS GetCallerIdentity token or a
        /// SAML assertion), and the first check reports what was recognised.
        /// </summary>
        public static IReadOnlyList<SubjectTokenCheck> Check(string token, string? tokenType, string? audience, DateTimeOffset now)
        {
            if (tokenType != null)
            {
                return Check(token, TokenTypes.Resolve(tokenType, "SubjectTokenType"), audience, now, null);
            }

            var detected = DetectType(token);
            var recognition = new SubjectTokenCheck("a token type recognisable by its shape", detected != null, detected ?? "neither a JWT, an AWS GetCallerIdentity token nor a SAML assertion: give -SubjectTokenType");
            return detected == null ? new[] { recognition } : Check(token, detected, audience, now, recognition);
        }

        /// <summary>The type <paramref name="token"/>'s shape shows: jwt, aws4_request or saml2 (as URNs); null for none.</summary>
        public static string? DetectType(string token)
        {
            var text = token.Trim();
            if (text.Split('.').Length == 3 && text.StartsWith("eyJ", StringComparison.Ordinal))
            {
                return TokenTypes.Jwt;
            }

            if (text.StartsWith("%7B", StringComparison.OrdinalIgnoreCase) || text.StartsWith("{", StringComparison.Ordinal))
            {
                return TokenTypes.Aws4Request;
            }

            return Base64Text.TryDecode(text, out var bytes) && bytes.Length > 0 && System.Text.Encoding.UTF8.GetString(bytes).TrimStart('\uFEFF', ' ', '\r', '\n', '\t').StartsWith("<", StringComparison.Ordinal)
                ? TokenTypes.Saml2
                : null;
        }

        private static IReadOnlyList<SubjectTokenCheck> Check(string token, string type, string? audience, DateTimeOffset now, SubjectTokenCheck? recognition)
        {
            if (recognition != null)
            {
                var checks = new List<SubjectTokenCheck> { recognition };
                checks.AddRange(Check(token, type, audience, now, null));
                return checks;
            }

            switch (type)
            {
                case TokenTypes.Jwt:
                case TokenTypes.IdToken:
                    return CheckJwt(token, audience, now);
                case TokenTypes.Aws4Request:
                    return CheckAws(token, audience, now);
                case TokenTypes.Saml2:
                    return CheckSaml(token, audience, now);
                case TokenTypes.AccessToken:
                    return new[] { new SubjectTokenCheck("Google access token", token.Length > 0, "opaque: only Google can check it") };
                case TokenTypes.Mtls:
                    return new[] { new SubjectTokenCheck("the certificate chain presented in TLS", token.TrimStart().StartsWith("[", StringComparison.Ordinal), "its leaf must be the TLS client certificate and chain to the provider's trust store; only Google can check that") };
                default:
                    return new[] { new SubjectTokenCheck("a subject token type Google's STS accepts", false, $"{type} is not one of {string.Join(", ", TokenTypes.GoogleSubjectTokenTypes)}") };
            }
        }

        private static IReadOnlyList<SubjectTokenCheck> CheckJwt(string token, string? audience, DateTimeOffset now)
        {
            JwtClaims claims;
            try
            {
                claims = JwtClaims.Decode(token);
            }
            catch (UnusableInputException e)
            {
                return new[] { new SubjectTokenCheck("a JWT (RFC 7523)", false, e.Message) };
            }

            var checks = new List<SubjectTokenCheck>
            {
                new SubjectTokenCheck("a JWT (RFC 7523)", true, "three base64url parts with JSON header and payload"),
                new SubjectTokenCheck("kid header", !string.IsNullOrEmpty(claims.KeyId), claims.KeyId == null ? "missing" : "kid " + claims.KeyId),
                new SubjectTokenCheck("alg RS256 or ES256", claims.Algorithm == "RS256" || claims.Algorithm == "ES256", "alg " + (claims.Algorithm ?? "missing")),
                new SubjectTokenCheck("iss claim (an OIDC issuer URL)", !string.IsNullOrEmpty(claims.Issuer), claims.Issuer ?? "missing"),
                new SubjectTokenCheck("iat in the past", claims.IssuedAt is DateTimeOffset iat && iat <= now, claims.IssuedAt is DateTimeOffset i ? "iat " + Time(i) : "missing"),
                new SubjectTokenCheck("exp not passed", claims.ExpiresOn is DateTimeOffset exp && exp > now, claims.ExpiresOn is DateTimeOffset e2 ? "exp " + Time(e2) : "missing"),
                new SubjectTokenCheck(
                    "exp at most 48 hours after iat",
                    claims.IssuedAt is DateTimeOffset a && claims.ExpiresOn is DateTimeOffset b && b - a <= MaximumJwtLifetime,
                    claims.IssuedAt is DateTimeOffset c && claims.ExpiresOn is DateTimeOffset d ? $"lifetime {(d - c).TotalHours:0.##} h" : "iat or exp missing"),
                new SubjectTokenCheck("sub claim", !string.IsNullOrEmpty(claims.Subject), claims.Subject ?? "missing"),
            };

            var audiences = string.Join(", ", claims.Audiences);
            if (audience == null)
            {
                checks.Add(new SubjectTokenCheck("aud claim", claims.Audiences.Count > 0, claims.Audiences.Count > 0 ? audiences : "missing"));
            }
            else if (GooglePoolProvider.IsWorkforcePoolProvider(audience))
            {
                checks.Add(new SubjectTokenCheck("aud claim (a workforce provider requires its client ID, which only the provider knows)", claims.Audiences.Count > 0, claims.Audiences.Count > 0 ? audiences : "missing"));
            }
            else
            {
                var matches = claims.Audiences.Any(a => a == audience || a == "https:" + audience || a == "https://iam.googleapis.com" + audience.Substring(audience.StartsWith("//iam.googleapis.com", StringComparison.Ordinal) ? "//iam.googleapis.com".Length : 0));
                checks.Add(new SubjectTokenCheck(
                    "aud matches the provider (its name, https:-prefixed by default, or an allowed audience)",
                    matches,
                    claims.Audiences.Count == 0 ? "missing" : $"aud {audiences}{(matches ? string.Empty : "; an audience the provider allows explicitly also passes at Google")}"));
            }

            return checks;
        }

        private static IReadOnlyList<SubjectTokenCheck> CheckAws(string token, string? audience, DateTimeOffset now)
        {
            JsonDocument document;
            try
            {
                document = JsonText.Parse(Uri.UnescapeDataString(token));
            }
            catch (JsonException)
            {
                return new[] { new SubjectTokenCheck("URL-encoded JSON GetCallerIdentity request", false, "not URL-encoded JSON") };
            }

            using (document)
            {
                var root = document.RootElement;
                var checks = new List<SubjectTokenCheck> { new SubjectTokenCheck("URL-encoded JSON GetCallerIdentity request", root.ValueKind == JsonValueKind.Object, "a JSON " + root.ValueKind.ToString().ToLowerInvariant()) };
                if (root.ValueKind != JsonValueKind.Object)
                {
                    return checks;
                }

                var urlText = JsonText.String(root, "url");
                var url = urlText != null && Uri.TryCreate(urlText, UriKind.Absolute, out var parsed) ? parsed : null;
                checks.Add(new SubjectTokenCheck("url is an https AWS STS endpoint", url != null && url.Scheme == Uri.UriSchemeHttps && StsHost.IsMatch(url.Host), url?.Host ?? "missing or not a URL"));
                var query = url?.Query.TrimStart('?').Split('&') ?? Array.Empty<string>();
                checks.Add(new SubjectTokenCheck("url calls GetCallerIdentity (Version 2011-06-15)", query.Contains("Action=GetCallerIdentity") && query.Contains("Version=2011-06-15"), url == null ? "no url" : url.Query));
                var method = JsonText.String(root, "method");
                checks.Add(new SubjectTokenCheck("method POST", method == "POST", method ?? "missing"));

                var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
                if (root.TryGetProperty("headers", out var list) && list.ValueKind == JsonValueKind.Array)
                {
                    foreach (var header in list.EnumerateArray())
                    {
                        if (header.ValueKind == JsonValueKind.Object && JsonText.String(header, "key") is string key && JsonText.String(header, "value") is string value)
                        {
                            headers[key] = value;
                        }
                    }
                }

                foreach (var required in new[] { "Authorization", "host", "x-amz-date", "x-goog-cloud-target-resource" })
                {
                    checks.Add(new SubjectTokenCheck($"{required} header", headers.ContainsKey(required), headers.ContainsKey(required) ? "present" : "missing"));
                }

                headers.TryGetValue("host", out var host);
                checks.Add(new SubjectTokenCheck("host header names the url's host", url != null && string.Equals(host, url.Authority, StringComparison.OrdinalIgnoreCase), host ?? "missing"));

                if (headers.TryGetValue("x-amz-date", out var amzDate) && DateTimeOffset.TryParseExact(amzDate, "yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var signedAt))
                {
                    var age = now - signedAt;
                    checks.Add(new SubjectTokenCheck("x-amz-date within 15 minutes of now", age.Duration() <= MaximumAwsSignatureAge, $"signed {age.TotalMinutes:0.#} minutes ago"));
                }
                else
                {
                    checks.Add(new SubjectTokenCheck("x-amz-date within 15 minutes of now", false, "missing or not yyyyMMddTHHmmssZ"));
                }

                headers.TryGetValue("x-goog-cloud-target-resource", out var target);
                if (audience != null)
                {
                    checks.Add(new SubjectTokenCheck("x-goog-cloud-target-resource matches the audience", target == audience || target == "https:" + audience, target ?? "missing"));
                }

                headers.TryGetValue("Authorization", out var authorization);
                var signed = authorization != null && Regex.IsMatch(authorization, @"SignedHeaders=[^,]*x-goog-cloud-target-resource");
                checks.Add(new SubjectTokenCheck("x-goog-cloud-target-resource is signed (recommended)", signed, signed ? "in SignedHeaders" : "not in SignedHeaders"));
                if (headers.ContainsKey("x-amz-security-token") || (authorization?.Contains("Credential=ASIA") ?? false))
                {
                    checks.Add(new SubjectTokenCheck("temporary credentials carry x-amz-security-token", headers.ContainsKey("x-amz-security-token"), headers.ContainsKey("x-amz-security-token") ? "present" : "missing"));
                }

                return checks;
            }
        }

        private static IReadOnlyList<SubjectTokenCheck> CheckSaml(string token, string? audience, DateTimeOffset now)
        {
            const string Expected = "a base64-encoded SAML 2.0 assertion or response";
            if (!Base64Text.TryDecode(token, out var bytes))
            {
                return new[] { new SubjectTokenCheck(Expected, false, "not base64-encoded XML") };
            }

            XDocument document;
            try
            {
                var xml = Encoding.UTF8.GetString(bytes);
                var settings = new XmlReaderSettings { DtdProcessing = DtdProcessing.Prohibit, XmlResolver = null, MaxCharactersInDocument = 1024 * 1024 };
                using var reader = XmlReader.Create(new StringReader(xml), settings);
                document = XDocument.Load(reader);
            }
            catch (XmlException)
            {
                return new[] { new SubjectTokenCheck(Expected, false, "not base64-encoded XML") };
            }

            XNamespace saml = "urn:oasis:names:tc:SAML:2.0:assertion";
            var assertion = document.Descendants(saml + "Assertion").FirstOrDefault();
            var checks = new List<SubjectTokenCheck> { new SubjectTokenCheck(Expected, assertion != null, assertion != null ? "has a saml:Assertion" : "no saml:Assertion") };
            if (assertion == null)
            {
                return checks;
            }

            var issuer = assertion.Element(saml + "Issuer")?.Value;
            checks.Add(new SubjectTokenCheck("Issuer", !string.IsNullOrWhiteSpace(issuer), issuer ?? "missing"));
            var nameId = assertion.Element(saml + "Subject")?.Element(saml + "NameID")?.Value;
            checks.Add(new SubjectTokenCheck("Subject NameID", !string.IsNullOrWhiteSpace(nameId), nameId == null ? "missing" : "present"));
            var conditions = assertion.Element(saml + "Conditions");
            var notBefore = Instant(conditions?.Attribute("NotBefore")?.Value);
            var notOnOrAfter = Instant(conditions?.Attribute("NotOnOrAfter")?.Value);
            checks.Add(new SubjectTokenCheck(
                "now within Conditions NotBefore and NotOnOrAfter",
                (notBefore == null || notBefore <= now) && notOnOrAfter != null && now < notOnOrAfter,
                $"NotBefore {(notBefore is DateTimeOffset nb ? Time(nb) : "absent")}, NotOnOrAfter {(notOnOrAfter is DateTimeOffset na ? Time(na) : "missing")}"));
            var audiences = conditions?.Elements(saml + "AudienceRestriction").SelectMany(r => r.Elements(saml + "Audience")).Select(a => a.Value.Trim()).ToList() ?? new List<string>();
            if (audience != null)
            {
                var expected = "https://iam.googleapis.com" + (audience.StartsWith("//iam.googleapis.com", StringComparison.Ordinal) ? audience.Substring("//iam.googleapis.com".Length) : audience);
                checks.Add(new SubjectTokenCheck("Audience is the provider (https://iam.googleapis.com/…)", audiences.Contains(expected), audiences.Count == 0 ? "no AudienceRestriction" : string.Join(", ", audiences)));
            }
            else
            {
                checks.Add(new SubjectTokenCheck("AudienceRestriction", audiences.Count > 0, audiences.Count == 0 ? "missing" : string.Join(", ", audiences)));
            }

            return checks;
        }

        private static DateTimeOffset? Instant(string? text) =>
            text != null && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var value) ? value : (DateTimeOffset?)null;

        private static string Time(DateTimeOffset value) => value.ToString("u", CultureInfo.InvariantCulture);
    }
}
