using System;
using System.Collections.Generic;
using System.Text;
using System.Text.Json;

using StsPowerShell.Core.Http;

namespace StsPowerShell.Core.Oidc
{
    /// <summary>
    /// The header and registered claims of a JWT, decoded without verifying anything: for showing what a token
    /// says and for diagnosis. Errors never quote the token.
    /// </summary>
    public sealed class JwtClaims
    {
        private JwtClaims()
        {
        }

        /// <summary>The <c>alg</c> header.</summary>
        public string? Algorithm { get; private set; }

        /// <summary>The <c>kid</c> header.</summary>
        public string? KeyId { get; private set; }

        /// <summary><c>iss</c>.</summary>
        public string? Issuer { get; private set; }

        /// <summary><c>sub</c>.</summary>
        public string? Subject { get; private set; }

        /// <summary><c>aud</c>, as a list whether the token holds a string or an array.</summary>
        public IReadOnlyList<string> Audiences { get; private set; } = Array.Empty<string>();

        /// <summary><c>iat</c>.</summary>
        public DateTimeOffset? IssuedAt { get; private set; }

        /// <summary><c>exp</c>.</summary>
        public DateTimeOffset? ExpiresOn { get; private set; }

        /// <summary><c>nbf</c>.</summary>
        public DateTimeOffset? NotBefore { get; private set; }

        /// <summary>Decodes <paramref name="jwt"/>.</summary>
        /// <exception cref="UnusableInputException">It is not a JWS compact serialization with JSON header and payload.</exception>
        public static JwtClaims Decode(string jwt)
        {
            var parts = jwt.Split('.');
            if (parts.Length != 3)
            {
                throw new UnusableInputException($"The token is not a JWT: it has {parts.Length} dot-separated parts, not 3.");
            }

            using var header = ParsePart(parts[0], "header");
            using var payload = ParsePart(parts[1], "payload");
            return new JwtClaims
            {
                Algorithm = JsonText.String(header.RootElement, "alg"),
                KeyId = JsonText.String(header.RootElement, "kid"),
                Issuer = JsonText.String(payload.RootElement, "iss"),
                Subject = JsonText.String(payload.RootElement, "sub"),
                Audiences = ReadAudiences(payload.RootElement),
                IssuedAt = Time(payload.RootElement, "iat"),
                ExpiresOn = Time(payload.RootElement, "exp"),
                NotBefore = Time(payload.RootElement, "nbf"),
            };
        }

        private static JsonDocument ParsePart(string part, string name)
        {
            var notJson = $"The token is not a JWT: its {name} is not base64url-encoded JSON.";
            if (!Base64Text.TryDecode(part, out var bytes))
            {
                throw new UnusableInputException(notJson);
            }

            JsonDocument document;
            try
            {
                document = JsonText.Parse(Encoding.UTF8.GetString(bytes));
            }
            catch (JsonException)
            {
                throw new UnusableInputException(notJson);
            }

            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                document.Dispose();
                throw new UnusableInputException($"The token is not a JWT: its {name} is not a JSON object.");
            }

            return document;
        }

        private static IReadOnlyList<string> ReadAudiences(JsonElement payload)
        {
            if (!payload.TryGetProperty("aud", out var aud))
            {
                return Array.Empty<string>();
            }

            if (aud.ValueKind == JsonValueKind.String)
            {
                return new[] { aud.GetString()! };
            }

            var list = new List<string>();
            if (aud.ValueKind == JsonValueKind.Array)
            {
                foreach (var item in aud.EnumerateArray())
                {
                    if (item.ValueKind == JsonValueKind.String)
                    {
                        list.Add(item.GetString()!);
                    }
                }
            }

            return list;
        }

        private static DateTimeOffset? Time(JsonElement element, string name) =>
            element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out var seconds)
            && seconds >= -62135596800 && seconds <= 253402300799
                ? DateTimeOffset.FromUnixTimeSeconds(seconds)
                : (DateTimeOffset?)null;
    }
}
