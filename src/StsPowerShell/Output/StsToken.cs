using System;
using System.Collections;
using System.Globalization;
using StsPowerShell.Binding;
using StsPowerShell.Core.Exchange;
using StsPowerShell.Core.Google;

namespace StsPowerShell
{
    /// <summary>
    /// A token issued by a token exchange. The tokens are SecureString unless -AsPlainText was given; the
    /// parameters of Invoke-StsTokenExchange bind AccessToken and IssuedTokenType by name, so a token pipes
    /// into the next exchange as its subject token.
    /// </summary>
    public sealed class StsToken
    {
        /// <summary>The issued token: a SecureString, or a string with -AsPlainText.</summary>
        public object AccessToken { get; set; } = string.Empty;

        /// <summary>The RFC 8693 issued_token_type.</summary>
        public string? IssuedTokenType { get; set; }

        /// <summary>How to use the token, for example Bearer.</summary>
        public string? TokenType { get; set; }

        /// <summary>The lifetime the server stated, in seconds.</summary>
        public long? ExpiresIn { get; set; }

        /// <summary>When the token expires (UTC), counted from when the answer arrived.</summary>
        public DateTimeOffset? ExpiresOn { get; set; }

        /// <summary>The scopes granted.</summary>
        public string? Scope { get; set; }

        /// <summary>A refresh token, if the server issued one: a SecureString, or a string with -AsPlainText.</summary>
        public object? RefreshToken { get; set; }

        /// <summary>The endpoint that issued the token.</summary>
        public Uri? TokenEndpoint { get; set; }

        /// <summary>Fields of the answer that RFC 8693 does not define.</summary>
        public Hashtable AdditionalFields { get; set; } = new Hashtable();

        /// <summary>Never reveals a token.</summary>
        public override string ToString() =>
            $"{IssuedTokenType ?? "token"} ({TokenType ?? "no token type"}), expires {ExpiresOn?.ToString("u", CultureInfo.InvariantCulture) ?? "at an unstated time"}";

        /// <summary>
        /// The PowerShell view of a core response. When the server states no scope, the requested one was granted
        /// (RFC 6749 §5.1), so that is recorded.
        /// </summary>
        public static StsToken FromResponse(TokenExchangeResponse response, Uri tokenEndpoint, bool asPlainText, string? requestedScope = null)
        {
            var token = Create(response.AccessToken, response.IssuedTokenType, response.TokenType, response.ExpiresOn, string.IsNullOrEmpty(response.Scope) ? requestedScope : response.Scope, tokenEndpoint, asPlainText);
            token.ExpiresIn = response.ExpiresIn;
            if (response.RefreshToken != null)
            {
                token.RefreshToken = asPlainText ? response.RefreshToken : SecretText.ToSecureString(response.RefreshToken);
            }

            foreach (var field in response.AdditionalFields)
            {
                token.AdditionalFields[field.Key] = field.Value;
            }

            return token;
        }

        /// <summary>The PowerShell view of a token the IAM Credentials API issued.</summary>
        public static StsToken FromServiceAccountToken(ServiceAccountToken issued, string issuedTokenType, string tokenType, string? scope, Uri endpoint, bool asPlainText) =>
            Create(issued.Token, issuedTokenType, tokenType, issued.ExpiresOn, scope, endpoint, asPlainText);

        /// <summary>The PowerShell view of a (possibly cached) issued token, with the whole exchange answer when there is one.</summary>
        public static StsToken FromIssued(IssuedToken issued, bool asPlainText) =>
            issued.Response != null
                ? FromResponse(issued.Response, issued.Endpoint, asPlainText, issued.Scope)
                : Create(issued.Token, issued.IssuedTokenType, issued.TokenType, issued.ExpiresOn, issued.Scope, issued.Endpoint, asPlainText);

        private static StsToken Create(string value, string? issuedTokenType, string? tokenType, DateTimeOffset? expiresOn, string? scope, Uri endpoint, bool asPlainText) => new StsToken
        {
            AccessToken = asPlainText ? value : SecretText.ToSecureString(value),
            IssuedTokenType = issuedTokenType,
            TokenType = tokenType,
            ExpiresOn = expiresOn,
            Scope = scope,
            TokenEndpoint = endpoint,
        };
    }
}
