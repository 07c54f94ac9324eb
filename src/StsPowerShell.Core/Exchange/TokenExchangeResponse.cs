using System;
using System.Collections.Generic;
using System.Globalization;
using System.Text.Json;
using StsPowerShell.Core.Http;

namespace StsPowerShell.Core.Exchange
{
    /// <summary>A successful RFC 8693 §2.2.1 response.</summary>
    public sealed class TokenExchangeResponse
    {
        private static readonly IReadOnlyDictionary<string, string> NoFields = new Dictionary<string, string>();

        private TokenExchangeResponse(string accessToken)
        {
            AccessToken = accessToken;
        }

        /// <summary><c>access_token</c>: the issued token (whatever its type, RFC 8693 names the field so).</summary>
        public string AccessToken { get; }

        /// <summary><c>issued_token_type</c>.</summary>
        public string? IssuedTokenType { get; private set; }

        /// <summary><c>token_type</c>, for example <c>Bearer</c> or <c>N_A</c>.</summary>
        public string? TokenType { get; private set; }

        /// <summary><c>expires_in</c> in seconds, when the server gave it.</summary>
        public long? ExpiresIn { get; private set; }

        /// <summary>The absolute expiry: the time the response arrived plus <see cref="ExpiresIn"/>.</summary>
        public DateTimeOffset? ExpiresOn { get; private set; }

        /// <summary><c>scope</c>.</summary>
        public string? Scope { get; private set; }

        /// <summary><c>refresh_token</c>.</summary>
        public string? RefreshToken { get; private set; }

        /// <summary>When the response arrived.</summary>
        public DateTimeOffset ReceivedAt { get; private set; }

        /// <summary>Every other field: strings as they are, other JSON values as JSON text.</summary>
        public IReadOnlyDictionary<string, string> AdditionalFields { get; private set; } = NoFields;

        /// <summary>Never reveals a token.</summary>
        public override string ToString() => $"TokenExchangeResponse({IssuedTokenType ?? TokenType ?? "token"}, expires {ExpiresOn?.ToString("u", CultureInfo.InvariantCulture) ?? "unknown"})";

        /// <summary>Reads a §2.2.1 JSON body. Error messages describe the body's shape, never its content.</summary>
        /// <exception cref="StsResponseException">The body is not a usable token response.</exception>
        public static TokenExchangeResponse Parse(HttpResult result)
        {
            JsonDocument document;
            try
            {
                document = JsonText.Parse(result.Body);
            }
            catch (JsonException)
            {
                throw Malformed(result, $"is not JSON ({result.MediaType ?? "no content type"}, {result.Body.Length} characters)");
            }

            using (document)
            {
                var root = document.RootElement;
                if (root.ValueKind != JsonValueKind.Object)
                {
                    throw Malformed(result, $"is a JSON {Describe(root.ValueKind)}, not an object");
                }

                // One pass over the object; as with TryGetProperty, the last of repeated names counts.
                JsonElement accessTokenValue = default, issuedTokenType = default, tokenType = default, scope = default, refreshToken = default, expiresIn = default;
                Dictionary<string, string>? additional = null;
                foreach (var property in root.EnumerateObject())
                {
                    if (property.NameEquals("access_token"))
                    {
                        accessTokenValue = property.Value;
                    }
                    else if (property.NameEquals("issued_token_type"))
                    {
                        issuedTokenType = property.Value;
                    }
                    else if (property.NameEquals("token_type"))
                    {
                        tokenType = property.Value;
                    }
                    else if (property.NameEquals("expires_in"))
                    {
                        expiresIn = property.Value;
                    }
                    else if (property.NameEquals("scope"))
                    {
                        scope = property.Value;
                    }
                    else if (property.NameEquals("refresh_token"))
                    {
                        refreshToken = property.Value;
                    }
                    else
                    {
                        additional ??= new Dictionary<string, string>(StringComparer.Ordinal);
                        additional[property.Name] = property.Value.ValueKind == JsonValueKind.String ? property.Value.GetString()! : property.Value.GetRawText();
                    }
                }

                var accessToken = ReadString(accessTokenValue, "access_token", result);
                if (string.IsNullOrEmpty(accessToken))
                {
                    throw Malformed(result, "has no access_token");
                }

                var response = new TokenExchangeResponse(accessToken!)
                {
                    IssuedTokenType = ReadString(issuedTokenType, "issued_token_type", result),
                    TokenType = ReadString(tokenType, "token_type", result),
                    Scope = ReadString(scope, "scope", result),
                    RefreshToken = ReadString(refreshToken, "refresh_token", result),
                    ExpiresIn = ReadExpiresIn(expiresIn, result),
                    ReceivedAt = result.ReceivedAt,
                };
                if (response.ExpiresIn is long seconds)
                {
                    response.ExpiresOn = result.ReceivedAt.AddSeconds(seconds);
                }

                response.AdditionalFields = additional ?? NoFields;
                return response;
            }
        }

        // An absent property is a default JsonElement, whose kind is Undefined.
        private static string? ReadString(JsonElement value, string name, HttpResult result)
        {
            if (value.ValueKind == JsonValueKind.Undefined || value.ValueKind == JsonValueKind.Null)
            {
                return null;
            }

            if (value.ValueKind != JsonValueKind.String)
            {
                throw Malformed(result, $"has {name} as a JSON {Describe(value.ValueKind)}, not a string");
            }

            return value.GetString();
        }

        // RFC 8693 says a number; some servers send a string of digits (google-auth accepts both).
        private static long? ReadExpiresIn(JsonElement value, HttpResult result)
        {
            if (value.ValueKind == JsonValueKind.Undefined || value.ValueKind == JsonValueKind.Null)
            {
                return null;
            }

            if (value.ValueKind == JsonValueKind.Number && value.TryGetDouble(out var number) && number >= 0 && number <= int.MaxValue)
            {
                return (long)Math.Floor(number);
            }

            if (value.ValueKind == JsonValueKind.String && long.TryParse(value.GetString(), NumberStyles.None, CultureInfo.InvariantCulture, out var seconds) && seconds <= int.MaxValue)
            {
                return seconds;
            }

            throw Malformed(result, value.ValueKind == JsonValueKind.Number || value.ValueKind == JsonValueKind.String
                ? "has an expires_in that is not a whole number of seconds between 0 and 2147483647"
                : $"has expires_in as a JSON {Describe(value.ValueKind)}, not a number");
        }

        private static string Describe(JsonValueKind kind) => kind.ToString().ToLowerInvariant();

        private static StsResponseException Malformed(HttpResult result, string what) =>
            new StsResponseException($"The token response from {result.Endpoint} {what}.", result.StatusCode)
            { Endpoint = result.Endpoint, Attempts = result.Attempts };
    }
}
