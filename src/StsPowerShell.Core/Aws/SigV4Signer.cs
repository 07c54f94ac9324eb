using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Security.Cryptography;
using System.Text;

namespace StsPowerShell.Core.Aws
{
    /// <summary>
    /// AWS Signature Version 4 (AWS4-HMAC-SHA256), written here rather than taken from the AWS SDK so the
    /// module never clashes with AWS.Tools loaded in the same session.
    /// </summary>
    public static class SigV4Signer
    {
        /// <summary>The signing algorithm.</summary>
        public const string Algorithm = "AWS4-HMAC-SHA256";

        /// <summary>The ISO 8601 basic format of x-amz-date.</summary>
        public static string AmzDate(DateTimeOffset time) => time.UtcDateTime.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture);

        /// <summary>Signs <paramref name="request"/> for <paramref name="region"/> and <paramref name="service"/> at <paramref name="signingTime"/>.</summary>
        public static SigV4Signature Sign(SigV4Request request, AwsCredentials credentials, string region, string service, DateTimeOffset signingTime)
        {
            var (canonicalHeaders, signedHeaders) = CanonicalHeaders(request.Headers);
            var canonicalRequest = string.Join("\n", new[]
            {
                request.Method.ToUpperInvariant(),
                CanonicalPath(request.Path),
                CanonicalQuery(request.Query),
                canonicalHeaders,
                signedHeaders,
                request.PayloadHash,
            });

            var date = signingTime.UtcDateTime.ToString("yyyyMMdd", CultureInfo.InvariantCulture);
            var scope = $"{date}/{region}/{service}/aws4_request";
            var stringToSign = $"{Algorithm}\n{AmzDate(signingTime)}\n{scope}\n{Hex(Sha256(Encoding.UTF8.GetBytes(canonicalRequest)))}";

            var signature = Hex(Hmac(SigningKeyFor(credentials, scope, date, region, service), stringToSign));
            var authorization = $"{Algorithm} Credential={credentials.AccessKeyId}/{scope}, SignedHeaders={signedHeaders}, Signature={signature}";
            return new SigV4Signature(canonicalRequest, stringToSign, signedHeaders, signature, authorization);
        }

        /// <summary>Lowercase hex SHA-256 of <paramref name="payload"/>.</summary>
        public static string PayloadHash(byte[] payload) => Hex(Sha256(payload));

        /// <summary>RFC 3986 percent-encoding: unreserved characters kept, everything else as uppercase %XX of UTF-8.</summary>
        public static string UriEncode(string value)
        {
            var builder = new StringBuilder(value.Length * 2);
            foreach (var b in Encoding.UTF8.GetBytes(value))
            {
                var c = (char)b;
                if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_' || c == '~')
                {
                    builder.Append(c);
                }
                else
                {
                    builder.Append('%').Append(b.ToString("X2", CultureInfo.InvariantCulture));
                }
            }

            return builder.ToString();
        }

        // RFC 3986 §5.2.4 dot-segment removal, empty segments dropped, trailing slash kept; each segment encoded.
        private static string CanonicalPath(string path)
        {
            var segments = new List<string>();
            foreach (var segment in path.Split('/'))
            {
                if (segment.Length == 0 || segment == ".")
                {
                    continue;
                }

                if (segment == "..")
                {
                    if (segments.Count > 0)
                    {
                        segments.RemoveAt(segments.Count - 1);
                    }

                    continue;
                }

                segments.Add(UriEncode(segment));
            }

            var canonical = "/" + string.Join("/", segments);
            var endsInDirectory = path.EndsWith("/", StringComparison.Ordinal) || path.EndsWith("/.", StringComparison.Ordinal) || path.EndsWith("/..", StringComparison.Ordinal);
            return segments.Count > 0 && endsInDirectory ? canonical + "/" : canonical;
        }

        private static string CanonicalQuery(IEnumerable<KeyValuePair<string, string>> query) =>
            string.Join("&", query
                .Select(p => new KeyValuePair<string, string>(UriEncode(p.Key), UriEncode(p.Value)))
                .OrderBy(p => p.Key, StringComparer.Ordinal)
                .ThenBy(p => p.Value, StringComparer.Ordinal)
                .Select(p => p.Key + "=" + p.Value));

        // Names lowercased; values trimmed with inner runs of spaces collapsed; repeats joined by commas in order.
        private static (string Canonical, string Signed) CanonicalHeaders(IEnumerable<KeyValuePair<string, string>> headers)
        {
            var grouped = headers
                .GroupBy(h => h.Key.Trim().ToLowerInvariant())
                .OrderBy(g => g.Key, StringComparer.Ordinal)
                .Select(g => g.Key + ":" + string.Join(",", g.Select(h => CollapseSpaces(h.Value))))
                .ToList();
            var names = headers.Select(h => h.Key.Trim().ToLowerInvariant()).Distinct().OrderBy(n => n, StringComparer.Ordinal);
            return (string.Join("\n", grouped) + "\n", string.Join(";", names));
        }

        private static string CollapseSpaces(string value)
        {
            var builder = new StringBuilder(value.Length);
            var lastWasSpace = false;
            foreach (var c in value.Trim())
            {
                var isSpace = c == ' ' || c == '\t';
                if (!isSpace || !lastWasSpace)
                {
                    builder.Append(isSpace ? ' ' : c);
                }

                lastWasSpace = isSpace;
            }

            return builder.ToString();
        }

        // The key depends only on the secret and the scope, so it is kept on the credentials for the next
        // signature in the same day, region and service (AWS's SDK caches it likewise).
        private static byte[] SigningKeyFor(AwsCredentials credentials, string scope, string date, string region, string service)
        {
            var cached = credentials.LastSigningKey;
            if (cached != null && cached.Scope == scope)
            {
                return cached.Key;
            }

            var key = Hmac(Encoding.UTF8.GetBytes("AWS4" + credentials.SecretAccessKey), date);
            key = Hmac(key, region);
            key = Hmac(key, service);
            key = Hmac(key, "aws4_request");
            credentials.LastSigningKey = new SigningKey(scope, key);
            return key;
        }

        private static byte[] Sha256(byte[] data)
        {
            using var sha = SHA256.Create();
            return sha.ComputeHash(data);
        }

        private static byte[] Hmac(byte[] key, string data)
        {
            using var hmac = new HMACSHA256(key);
            return hmac.ComputeHash(Encoding.UTF8.GetBytes(data));
        }

        private static string Hex(byte[] bytes)
        {
            const string digits = "0123456789abcdef";
            var chars = new char[bytes.Length * 2];
            for (var i = 0; i < bytes.Length; i++)
            {
                chars[2 * i] = digits[bytes[i] >> 4];
                chars[(2 * i) + 1] = digits[bytes[i] & 0xF];
            }

            return new string(chars);
        }
    }
}
