using System;
using System.Collections;
using System.Globalization;
using System.Security;
using StsPowerShell.Parameters;
using StsPowerShell.Core.Exchange;
using StsPowerShell.Core.Google;
using StsPowerShell.Core.Http;

namespace StsPowerShell
{
    /// <summary>
    /// A token issued by a token exchange. The tokens are SecureString unless -AsPlainText was given; the
    /// parameters of Invoke-StsTokenExchange bind AccessToken and IssuedTokenType by name, so a token pipes
    /// into the next exchange as its subject token.
    /// </summary>
    /// <remarks>
    /// An additional field of the answer is held as a SecureString too (unless -AsPlainText) when its name says it
    /// is a credential: ignoring case, the name ends with "token" (id_token, a second access token) or contains
    /// "secret", "password", "assertion", "credential" or "key". Servers name their extra fields freely, so the rule
    /// errs towards hiding; everything else stays text.
    /// </remarks>
    public sealed class StsToken
    {
        private static readonly string[] CredentialNameParts = { "secret", "password", "assertion", "credential", "key" };

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

        /// <summary>
        /// The thumbprint of the client certificate the token is bound to (an X.509 exchange over mutual TLS); null
        /// otherwise. The certificate itself stays with the object in this session only, never serialized, and is
        /// presented again by New-GoogleServiceAccountAccessToken and New-GoogleServiceAccountIdToken.
        /// </summary>
        public string? ClientCertificateThumbprint { get; set; }

        /// <summary>The certificate (with its key) the token is bound to; not a property, so no view or serializer sees it.</summary>
        internal System.Security.Cryptography.X509Certificates.X509Certificate2? ClientCertificate { get; private set; }

        /// <summary>Remembers the certificate the token was obtained with; returns this token.</summary>
        internal StsToken BoundTo(System.Security.Cryptography.X509Certificates.X509Certificate2? certificate)
        {
            ClientCertificate = certificate;
            ClientCertificateThumbprint = certificate?.Thumbprint;
            return this;
        }

        /// <summary>Fields of the answer that RFC 8693 does not define; those named as credentials are SecureString unless -AsPlainText.</summary>
        public Hashtable AdditionalFields { get; set; } = new Hashtable();

        /// <summary>Never reveals a token.</summary>
        public override string ToString() =>
            $"{IssuedTokenType ?? "token"} ({TokenType ?? "no token type"}), expires {ExpiresOn?.ToString("u", CultureInfo.InvariantCulture) ?? "at an unstated time"}";

        /// <summary>The output object for <paramref name="issued"/>: its tokens as SecureString unless <paramref name="asPlainText"/>.</summary>
        public static StsToken FromIssued(IssuedToken issued, bool asPlainText)
        {
            var token = new StsToken
            {
                AccessToken = asPlainText ? issued.Token : Secure(issued.Token, "The issued token", issued),
                IssuedTokenType = issued.IssuedTokenType,
                TokenType = issued.TokenType,
                ExpiresIn = issued.ExpiresIn,
                ExpiresOn = issued.ExpiresOn,
                Scope = issued.Scope,
                TokenEndpoint = issued.Endpoint,
            };
            if (issued.RefreshToken != null)
            {
                token.RefreshToken = asPlainText ? issued.RefreshToken : Secure(issued.RefreshToken, "The refresh token", issued);
            }

            foreach (var field in issued.AdditionalFields)
            {
                token.AdditionalFields[field.Key] = asPlainText || !IsCredentialName(field.Key) ? field.Value : Secure(field.Value, $"The field {MessageText.Quote(field.Key)}", issued);
            }

            return token;
        }

        /// <exception cref="StsResponseException">The text is longer than a SecureString can hold; the message says how to get it as plain text.</exception>
        private static SecureString Secure(string text, string what, IssuedToken issued) =>
            text.Length <= SecretText.MaximumSecureStringLength
                ? SecretText.ToSecureString(text)
                : throw new StsResponseException(
                    $"{what} from {issued.Endpoint.Host} has {text.Length} characters, more than the {SecretText.MaximumSecureStringLength} a SecureString holds; use -AsPlainText to receive it as a string.",
                    200);

        // The rule in the remarks.
        private static bool IsCredentialName(string name) =>
            name.EndsWith("token", StringComparison.OrdinalIgnoreCase)
            || Array.Exists(CredentialNameParts, part => name.IndexOf(part, StringComparison.OrdinalIgnoreCase) >= 0);
    }
}
