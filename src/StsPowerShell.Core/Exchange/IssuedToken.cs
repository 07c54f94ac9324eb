using System;

namespace StsPowerShell.Core.Exchange
{
    /// <summary>A token some endpoint issued, with what is known about it; what the token cache keeps.</summary>
    public sealed class IssuedToken
    {
        /// <summary>Creates the record.</summary>
        public IssuedToken(string token, string? issuedTokenType, string? tokenType, DateTimeOffset? expiresOn, string? scope, Uri endpoint, TokenExchangeResponse? response = null)
        {
            Response = response;
            Token = token;
            IssuedTokenType = issuedTokenType;
            TokenType = tokenType;
            ExpiresOn = expiresOn;
            Scope = scope;
            Endpoint = endpoint;
        }

        /// <summary>The token. A secret.</summary>
        public string Token { get; }

        /// <summary>Its RFC 8693 token type.</summary>
        public string? IssuedTokenType { get; }

        /// <summary>How to present it, for example Bearer.</summary>
        public string? TokenType { get; }

        /// <summary>When it expires, if known.</summary>
        public DateTimeOffset? ExpiresOn { get; }

        /// <summary>The scopes it carries.</summary>
        public string? Scope { get; }

        /// <summary>The endpoint that issued it.</summary>
        public Uri Endpoint { get; }

        /// <summary>The whole RFC 8693 answer (refresh token, lifetime, other fields) when the token came from an exchange.</summary>
        public TokenExchangeResponse? Response { get; }

        /// <summary>Never reveals the token.</summary>
        public override string ToString() => $"{IssuedTokenType ?? "token"} from {Endpoint.Host}, expires {ExpiresOn:u}";
    }
}
