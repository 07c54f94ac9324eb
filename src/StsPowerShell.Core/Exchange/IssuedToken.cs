using System;
using System.Collections.Generic;
using System.Globalization;

namespace StsPowerShell.Core.Exchange
{
    /// <summary>
    /// A token a server issued: by a token exchange, IAM Credentials impersonation or downscoping. The one result
    /// type of every flow; the cmdlets turn it into their output object.
    /// </summary>
    public sealed class IssuedToken
    {
        private static readonly IReadOnlyDictionary<string, string> NoFields = new Dictionary<string, string>();

        /// <summary>Creates the token.</summary>
        public IssuedToken(
            string token,
            string? issuedTokenType,
            string? tokenType,
            DateTimeOffset? expiresOn,
            string? scope,
            Uri endpoint,
            long? expiresIn = null,
            string? refreshToken = null,
            IReadOnlyDictionary<string, string>? additionalFields = null)
        {
            Token = token;
            IssuedTokenType = issuedTokenType;
            TokenType = tokenType;
            ExpiresOn = expiresOn;
            Scope = scope;
            Endpoint = endpoint;
            ExpiresIn = expiresIn;
            RefreshToken = refreshToken;
            AdditionalFields = additionalFields ?? NoFields;
        }

        /// <summary>The token itself (access_token, or the ID token).</summary>
        public string Token { get; }

        /// <summary>issued_token_type, a URN.</summary>
        public string? IssuedTokenType { get; }

        /// <summary>token_type, such as Bearer or N_A.</summary>
        public string? TokenType { get; }

        /// <summary>expires_in as the server sent it.</summary>
        public long? ExpiresIn { get; }

        /// <summary>When the token expires, when known.</summary>
        public DateTimeOffset? ExpiresOn { get; }

        /// <summary>The granted scope, or the requested one when the server did not say.</summary>
        public string? Scope { get; }

        /// <summary>refresh_token, when the server issued one.</summary>
        public string? RefreshToken { get; }

        /// <summary>The endpoint that issued the token.</summary>
        public Uri Endpoint { get; }

        /// <summary>Every other field of the answer, as text.</summary>
        public IReadOnlyDictionary<string, string> AdditionalFields { get; }

        /// <summary>The token of a token exchange response.</summary>
        public static IssuedToken FromResponse(TokenExchangeResponse response, Uri endpoint, string? requestedScope, DateTimeOffset? fallbackExpiresOn = null) =>
            new IssuedToken(
                response.AccessToken,
                response.IssuedTokenType,
                response.TokenType,
                response.ExpiresOn ?? fallbackExpiresOn,
                string.IsNullOrEmpty(response.Scope) ? requestedScope : response.Scope,
                endpoint,
                response.ExpiresIn,
                response.RefreshToken,
                response.AdditionalFields);

        /// <inheritdoc />
        public override string ToString() =>
            $"{IssuedTokenType ?? "token"} from {Endpoint.Host}, expires {ExpiresOn?.ToString("u", CultureInfo.InvariantCulture) ?? "at an unstated time"}";
    }
}
