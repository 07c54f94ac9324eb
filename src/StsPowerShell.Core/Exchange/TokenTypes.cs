using System;
using System.Collections.Generic;
using System.Linq;

using StsPowerShell.Core.Http;

namespace StsPowerShell.Core.Exchange
{
    /// <summary>
    /// Token type identifiers from RFC 8693 §3, plus the AWS and Google ones Google's STS accepts,
    /// and the short names the module lets people type instead of the full URN.
    /// </summary>
    public static class TokenTypes
    {
        /// <summary>The grant type of an RFC 8693 token exchange.</summary>
        public const string TokenExchangeGrantType = "urn:ietf:params:oauth:grant-type:token-exchange";

        /// <summary>An OAuth 2.0 access token (RFC 8693 §3).</summary>
        public const string AccessToken = "urn:ietf:params:oauth:token-type:access_token";
        /// <summary>An OAuth 2.0 refresh token (RFC 8693 §3).</summary>
        public const string RefreshToken = "urn:ietf:params:oauth:token-type:refresh_token";
        /// <summary>An OpenID Connect ID token (RFC 8693 §3).</summary>
        public const string IdToken = "urn:ietf:params:oauth:token-type:id_token";
        /// <summary>A JWT (RFC 8693 §3).</summary>
        public const string Jwt = "urn:ietf:params:oauth:token-type:jwt";
        /// <summary>A SAML 1.1 assertion (RFC 8693 §3).</summary>
        public const string Saml1 = "urn:ietf:params:oauth:token-type:saml1";
        /// <summary>A SAML 2.0 assertion (RFC 8693 §3).</summary>
        public const string Saml2 = "urn:ietf:params:oauth:token-type:saml2";
        /// <summary>A serialized, SigV4-signed AWS GetCallerIdentity request (Google STS).</summary>
        public const string Aws4Request = "urn:ietf:params:aws:token-type:aws4_request";
        /// <summary>
        /// X.509 workload identity federation: the certificate presented in mutual TLS, with a JSON array of its chain as
        /// the subject token (Google STS).
        /// </summary>
        public const string Mtls = "urn:ietf:params:oauth:token-type:mtls";
        /// <summary>Google's intermediary token for client-side credential access boundaries.</summary>
        public const string AccessBoundaryIntermediaryToken = "urn:ietf:params:oauth:token-type:access_boundary_intermediary_token";

        private static readonly Dictionary<string, string> ByShortName = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
        {
            ["access_token"] = AccessToken,
            ["refresh_token"] = RefreshToken,
            ["id_token"] = IdToken,
            ["jwt"] = Jwt,
            ["saml1"] = Saml1,
            ["saml2"] = Saml2,
            ["aws4_request"] = Aws4Request,
            ["mtls"] = Mtls,
            ["access_boundary_intermediary_token"] = AccessBoundaryIntermediaryToken,
        };

        /// <summary>The short names, in a stable order, for completion and error messages.</summary>
        public static IReadOnlyList<string> ShortNames { get; } = ByShortName.Keys.OrderBy(k => k, StringComparer.Ordinal).ToArray();

        /// <summary>The full identifiers the short names stand for.</summary>
        public static IReadOnlyList<string> KnownIdentifiers { get; } = ByShortName.Values.OrderBy(v => v, StringComparer.Ordinal).ToArray();

        /// <summary>The subject token types Google's STS accepts (ExchangeTokenRequest.SubjectTokenType).</summary>
        public static IReadOnlyList<string> GoogleSubjectTokenTypes { get; } = new[] { Jwt, IdToken, Aws4Request, AccessToken, Saml2, Mtls };

        /// <summary>
        /// Turns a short name (<c>jwt</c>) into its URN and checks that anything else is an absolute URI,
        /// as RFC 8693 §3 requires of a token type identifier.
        /// </summary>
        /// <exception cref="ArgumentException">The value is neither a known short name nor an absolute URI.</exception>
        public static string Resolve(string value, string parameterName)
        {
            if (string.IsNullOrWhiteSpace(value))
            {
                throw new ArgumentException($"A token type is required: a URN such as '{Jwt}' or one of the short names {string.Join(", ", ShortNames)}.", parameterName);
            }

            var trimmed = value.Trim();
            if (ByShortName.TryGetValue(trimmed, out var urn))
            {
                return urn;
            }

            if (Uri.TryCreate(trimmed, UriKind.Absolute, out _) && trimmed.IndexOf(':') > 0)
            {
                return trimmed;
            }

            throw new ArgumentException($"{MessageText.Quote(trimmed)} is not a token type: expected an absolute URI such as '{Jwt}' or one of the short names {string.Join(", ", ShortNames)}.", parameterName);
        }
    }
}
