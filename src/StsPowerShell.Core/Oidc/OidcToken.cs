using System.Linq;
using System.Text.Json;
using StsPowerShell.Core.Http;
using StsPowerShell.Core.Exchange;

namespace StsPowerShell.Core.Oidc
{
    /// <summary>An OIDC ID token a CI system issued to the running job, with its claims decoded.</summary>
    public sealed class OidcToken
    {
        internal OidcToken(string token, string source)
        {
            Token = token;
            Source = source;
            Claims = JwtClaims.Decode(token);
        }

        /// <summary>The JWT in <paramref name="field"/> of a JSON answer from <paramref name="source"/>'s token service.</summary>
        /// <exception cref="IdTokenUnavailableException">No such string, or not a JWT; the body is never quoted.</exception>
        internal static OidcToken FromResponse(HttpResult result, string source, string field)
        {
            string? token = null;
            try
            {
                using var document = JsonText.Parse(result.Body);
                if (document.RootElement.ValueKind == JsonValueKind.Object && document.RootElement.TryGetProperty(field, out var value) && value.ValueKind == JsonValueKind.String)
                {
                    token = value.GetString();
                }
            }
            catch (JsonException)
            {
                // Reported below without quoting the body, which may hold a token.
            }

            if (string.IsNullOrEmpty(token))
            {
                throw new IdTokenUnavailableException(source, $"{result.Endpoint} answered without a '{field}' string in a JSON object ({result.MediaType ?? "no content type"}, {result.Body.Length} characters).", result.StatusCode);
            }

            try
            {
                return new OidcToken(token!, source);
            }
            catch (UnusableInputException e)
            {
                throw new IdTokenUnavailableException(source, $"{result.Endpoint} answered with a '{field}' that is not a JWT: {e.Message}", result.StatusCode);
            }
        }

        /// <summary>The JWT. A secret.</summary>
        public string Token { get; }

        /// <summary>Its token type for an exchange.</summary>
        public string TokenType => TokenTypes.Jwt;

        /// <summary>What issued it, for messages.</summary>
        public string Source { get; }

        /// <summary>What it says.</summary>
        public JwtClaims Claims { get; }

        /// <summary>Never reveals the token.</summary>
        public override string ToString() => $"OIDC token from {Source}: iss {Claims.Issuer}, sub {Claims.Subject}, aud {string.Join(" ", Claims.Audiences.ToArray())}";
    }
}
