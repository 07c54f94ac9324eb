using System;
using System.Collections.Generic;
using System.Text.Json;

using StsPowerShell.Core.Http;

namespace StsPowerShell.Core.Exchange
{
    /// <summary>The parameters of an RFC 8693 §2.1 token exchange request.</summary>
    public sealed class TokenExchangeRequest
    {
        /// <summary>Google's limit on the length of the <c>options</c> field.</summary>
        public const int MaximumOptionsLength = 4096;

        /// <summary><c>grant_type</c>; the token-exchange grant unless set otherwise.</summary>
        public string GrantType { get; set; } = TokenTypes.TokenExchangeGrantType;

        /// <summary><c>subject_token</c>: the token that represents the party on whose behalf the request is made.</summary>
        public string? SubjectToken { get; set; }

        /// <summary><c>subject_token_type</c>: a token type identifier (see <see cref="TokenTypes"/>).</summary>
        public string? SubjectTokenType { get; set; }

        /// <summary><c>actor_token</c>: the token of the acting party, for delegation.</summary>
        public string? ActorToken { get; set; }

        /// <summary><c>actor_token_type</c>: required when <see cref="ActorToken"/> is set, and only then.</summary>
        public string? ActorTokenType { get; set; }

        /// <summary><c>audience</c> values; each is sent as its own field.</summary>
        public IList<string> Audiences { get; } = new List<string>();

        /// <summary><c>resource</c> values (absolute URIs); each is sent as its own field.</summary>
        public IList<string> Resources { get; } = new List<string>();

        /// <summary>Scopes; sent as one space-delimited <c>scope</c> field.</summary>
        public IList<string> Scopes { get; } = new List<string>();

        /// <summary><c>requested_token_type</c>.</summary>
        public string? RequestedTokenType { get; set; }

        /// <summary>Google's <c>options</c>: a serialized JSON object of at most 4096 characters.</summary>
        public string? Options { get; set; }

        /// <summary>Extra HTTP headers sent with the request.</summary>
        public IDictionary<string, string> AdditionalHeaders { get; } = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);

        /// <summary>
        /// Checks the request before anything is sent. The exception's <see cref="ArgumentException.ParamName"/>
        /// is the name of the property at fault.
        /// </summary>
        /// <exception cref="ArgumentException">A field is missing or malformed.</exception>
        public void Validate()
        {
            if (string.IsNullOrWhiteSpace(GrantType))
            {
                throw new ArgumentException("grant_type is required.", nameof(GrantType));
            }

            if (string.IsNullOrEmpty(SubjectToken))
            {
                throw new ArgumentException("subject_token is required and must not be empty.", nameof(SubjectToken));
            }

            SubjectTokenType = TokenTypes.Resolve(SubjectTokenType ?? string.Empty, nameof(SubjectTokenType));

            if (!string.IsNullOrEmpty(ActorToken))
            {
                if (string.IsNullOrWhiteSpace(ActorTokenType))
                {
                    throw new ArgumentException("actor_token_type is required when actor_token is present (RFC 8693 §2.1).", nameof(ActorTokenType));
                }

                ActorTokenType = TokenTypes.Resolve(ActorTokenType!, nameof(ActorTokenType));
            }
            else if (!string.IsNullOrWhiteSpace(ActorTokenType))
            {
                throw new ArgumentException("actor_token_type must not be sent without actor_token (RFC 8693 §2.1).", nameof(ActorTokenType));
            }

            if (!string.IsNullOrWhiteSpace(RequestedTokenType))
            {
                RequestedTokenType = TokenTypes.Resolve(RequestedTokenType!, nameof(RequestedTokenType));
            }

            foreach (var resource in Resources)
            {
                if (!Uri.TryCreate(resource, UriKind.Absolute, out var uri) || !string.IsNullOrEmpty(uri.Fragment))
                {
                    throw new ArgumentException($"{MessageText.Quote(resource)} is not a resource: RFC 8693 §2.1 requires an absolute URI without a fragment.", nameof(Resources));
                }
            }

            foreach (var scope in Scopes)
            {
                if (string.IsNullOrWhiteSpace(scope) || scope.IndexOf(' ') >= 0 || scope.IndexOf('"') >= 0 || scope.IndexOf('\\') >= 0)
                {
                    throw new ArgumentException($"{MessageText.Quote(scope)} is not a scope token: RFC 6749 §3.3 scopes are non-empty and contain no spaces, quotes or backslashes.", nameof(Scopes));
                }
            }

            ValidateOptions(Options);
            ValidateHeaders();
        }

        private static readonly string[] ReservedHeaders = { "Host", "Content-Type", "Content-Length", "Transfer-Encoding", "Connection" };

        private void ValidateHeaders()
        {
            foreach (var header in AdditionalHeaders)
            {
                if (string.IsNullOrEmpty(header.Key) || !IsHttpToken(header.Key))
                {
                    throw new ArgumentException($"{MessageText.Quote(header.Key)} is not a valid HTTP header name (RFC 9110 §5.1 token).", nameof(AdditionalHeaders));
                }

                if (Array.Exists(ReservedHeaders, reserved => string.Equals(reserved, header.Key, StringComparison.OrdinalIgnoreCase)))
                {
                    throw new ArgumentException($"The header '{header.Key}' is set by the module and cannot be given.", nameof(AdditionalHeaders));
                }

                if (header.Value == null || header.Value.IndexOf('\r') >= 0 || header.Value.IndexOf('\n') >= 0 || header.Value.IndexOf('\0') >= 0)
                {
                    throw new ArgumentException($"The value of header '{header.Key}' must be present and must not contain CR, LF or NUL.", nameof(AdditionalHeaders));
                }
            }
        }

        private static bool IsHttpToken(string name)
        {
            foreach (var c in name)
            {
                if (c <= ' ' || c >= 127 || "()<>@,;:\\\"/[]?={}".IndexOf(c) >= 0)
                {
                    return false;
                }
            }

            return true;
        }

        /// <summary>Checks that <paramref name="options"/> is a JSON object within Google's length limit.</summary>
        /// <exception cref="ArgumentException">It is too long or not a JSON object.</exception>
        public static void ValidateOptions(string? options)
        {
            if (string.IsNullOrEmpty(options))
            {
                return;
            }

            if (options!.Length > MaximumOptionsLength)
            {
                throw new ArgumentException($"options is {options.Length} characters long; Google's STS accepts at most {MaximumOptionsLength}.", nameof(Options));
            }

            try
            {
                using var document = JsonText.Parse(options);
                if (document.RootElement.ValueKind != JsonValueKind.Object)
                {
                    throw new ArgumentException($"options must be a JSON object, not a JSON {document.RootElement.ValueKind.ToString().ToLowerInvariant()}.", nameof(Options));
                }
            }
            catch (JsonException e)
            {
                throw new ArgumentException($"options is not valid JSON: {e.Message}", nameof(Options));
            }
        }
    }
}
