using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.Json;
using StsPowerShell.Core.Http;

namespace StsPowerShell.Core.Exchange
{
    /// <summary>
    /// Collects the fields of a token exchange request and checks them once, in <see cref="Build"/>. Every
    /// <see cref="ArgumentException"/> it throws names the field (<see cref="TokenExchangeField.Name"/>).
    /// </summary>
    public sealed class TokenExchangeRequestBuilder
    {
        private static readonly IReadOnlyDictionary<string, string> NoHeaders = new Dictionary<string, string>();
        private static readonly string[] ReservedHeaders = { "Host", "Content-Type", "Content-Length", "Transfer-Encoding", "Connection" };

        /// <summary>grant_type; RFC 8693's token-exchange grant unless set.</summary>
        public string GrantType { get; set; } = TokenTypes.TokenExchangeGrantType;

        /// <summary>subject_token; required. Surrounding white space (a file's final newline) is not sent.</summary>
        public string? SubjectToken { get; set; }

        /// <summary>subject_token_type, a URN or a short name; required.</summary>
        public string? SubjectTokenType { get; set; }

        /// <summary>actor_token.</summary>
        public string? ActorToken { get; set; }

        /// <summary>actor_token_type, a URN or a short name; required with an actor token.</summary>
        public string? ActorTokenType { get; set; }

        /// <summary>audience values; blank ones are dropped, the rest trimmed.</summary>
        public IList<string> Audiences { get; } = new List<string>();

        /// <summary>resource values; blank ones are dropped, the rest trimmed.</summary>
        public IList<string> Resources { get; } = new List<string>();

        /// <summary>scope tokens; blank ones are dropped, the rest trimmed.</summary>
        public IList<string> Scopes { get; } = new List<string>();

        /// <summary>requested_token_type, a URN or a short name.</summary>
        public string? RequestedTokenType { get; set; }

        /// <summary>Google's options, a JSON object.</summary>
        public string? Options { get; set; }

        /// <summary>Extra HTTP headers, by name (case-insensitive).</summary>
        public IDictionary<string, string> AdditionalHeaders { get; } = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);

        /// <summary>Checks every field and returns the immutable request.</summary>
        /// <exception cref="ArgumentException">A field is missing or malformed; ParamName is the field's <see cref="TokenExchangeField.Name"/>.</exception>
        public TokenExchangeRequest Build()
        {
            if (string.IsNullOrWhiteSpace(GrantType))
            {
                throw Invalid(TokenExchangeField.GrantType, "grant_type is required.");
            }

            if (string.IsNullOrWhiteSpace(SubjectToken))
            {
                throw Invalid(TokenExchangeField.SubjectToken, "subject_token is required and must not be empty or only white space.");
            }

            var subjectTokenType = TokenTypes.Resolve(SubjectTokenType ?? string.Empty, TokenExchangeField.SubjectTokenType.Name);
            if (ActorToken != null && string.IsNullOrWhiteSpace(ActorToken))
            {
                throw Invalid(TokenExchangeField.ActorToken, "actor_token must not be empty or only white space.");
            }

            string? actorTokenType = null;
            if (ActorToken != null)
            {
                if (string.IsNullOrWhiteSpace(ActorTokenType))
                {
                    throw Invalid(TokenExchangeField.ActorTokenType, "actor_token_type is required when actor_token is present (RFC 8693 §2.1).");
                }

                actorTokenType = TokenTypes.Resolve(ActorTokenType!, TokenExchangeField.ActorTokenType.Name);
            }
            else if (!string.IsNullOrWhiteSpace(ActorTokenType))
            {
                throw Invalid(TokenExchangeField.ActorTokenType, "actor_token_type must not be sent without actor_token (RFC 8693 §2.1).");
            }

            var requestedTokenType = string.IsNullOrWhiteSpace(RequestedTokenType) ? null : TokenTypes.Resolve(RequestedTokenType!, TokenExchangeField.RequestedTokenType.Name);
            var resources = Trimmed(Resources);
            foreach (var resource in resources)
            {
                if (!Uri.TryCreate(resource, UriKind.Absolute, out var uri) || !string.IsNullOrEmpty(uri.Fragment))
                {
                    throw Invalid(TokenExchangeField.Resource, $"{MessageText.Quote(resource)} is not a resource: RFC 8693 §2.1 requires an absolute URI without a fragment.");
                }
            }

            var scopes = Trimmed(Scopes);
            foreach (var scope in scopes)
            {
                if (scope.IndexOf(' ') >= 0 || scope.IndexOf('"') >= 0 || scope.IndexOf('\\') >= 0)
                {
                    throw Invalid(TokenExchangeField.Scope, $"{MessageText.Quote(scope)} is not a scope token: RFC 6749 §3.3 scopes are non-empty and contain no spaces, quotes or backslashes.");
                }
            }

            ValidateOptionsObject(Options);
            // Tokens read from files end with a newline more often than not; no token type has meaningful white space.
            return new TokenExchangeRequest(
                GrantType.Trim(),
                SubjectToken!.Trim(),
                subjectTokenType,
                ActorToken?.Trim(),
                actorTokenType,
                Trimmed(Audiences),
                resources,
                scopes,
                requestedTokenType,
                string.IsNullOrEmpty(Options) ? null : Options,
                ValidatedHeaders());
        }

        /// <summary>Checks that <paramref name="options"/>, when present, is a JSON object.</summary>
        /// <exception cref="ArgumentException">It is not; ParamName is Options.</exception>
        public static void ValidateOptionsObject(string? options)
        {
            if (string.IsNullOrEmpty(options))
            {
                return;
            }

            try
            {
                using var document = JsonText.Parse(options!);
                if (document.RootElement.ValueKind != JsonValueKind.Object)
                {
                    throw Invalid(TokenExchangeField.Options, $"options must be a JSON object, not a JSON {document.RootElement.ValueKind.ToString().ToLowerInvariant()}.");
                }
            }
            catch (JsonException e)
            {
                throw Invalid(TokenExchangeField.Options, $"options is not valid JSON: {e.Message}");
            }
        }

        private IReadOnlyDictionary<string, string> ValidatedHeaders()
        {
            if (AdditionalHeaders.Count == 0)
            {
                return NoHeaders;
            }

            var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
            foreach (var header in AdditionalHeaders)
            {
                if (string.IsNullOrEmpty(header.Key) || !IsHttpToken(header.Key))
                {
                    throw new ArgumentException($"{MessageText.Quote(header.Key)} is not a valid HTTP header name (RFC 9110 §5.1 token).", TokenExchangeField.AdditionalHeaderName);
                }

                if (Array.Exists(ReservedHeaders, reserved => string.Equals(reserved, header.Key, StringComparison.OrdinalIgnoreCase)))
                {
                    throw new ArgumentException($"The header '{header.Key}' is set by the module and cannot be given.", TokenExchangeField.AdditionalHeaderName);
                }

                // HttpClient refuses a value with characters outside ASCII only while sending, which looks like a
                // connection failure on every attempt; refused here, before anything is sent.
                if (header.Value == null || header.Value.Any(c => c < ' ' && c != '\t' || c > '\u007e'))
                {
                    throw new ArgumentException($"The value of header '{header.Key}' must be present and must not contain control characters or characters outside ASCII.", TokenExchangeField.AdditionalHeaderName);
                }

                headers[header.Key] = header.Value;
            }

            return headers;
        }

        // A loop, not LINQ: this runs for every request, usually over one or two values.
        private static IReadOnlyList<string> Trimmed(IList<string> values)
        {
            var kept = 0;
            for (var i = 0; i < values.Count; i++)
            {
                kept += string.IsNullOrWhiteSpace(values[i]) ? 0 : 1;
            }

            if (kept == 0)
            {
                return Array.Empty<string>();
            }

            var trimmed = new string[kept];
            kept = 0;
            for (var i = 0; i < values.Count; i++)
            {
                if (!string.IsNullOrWhiteSpace(values[i]))
                {
                    trimmed[kept++] = values[i].Trim();
                }
            }

            return trimmed;
        }

        private static bool IsHttpToken(string name) =>
            name.All(c => c > ' ' && c < 127 && "()<>@,;:\\\"/[]?={}".IndexOf(c) < 0);

        private static ArgumentException Invalid(TokenExchangeField field, string message) => new ArgumentException(message, field.Name);
    }
}
