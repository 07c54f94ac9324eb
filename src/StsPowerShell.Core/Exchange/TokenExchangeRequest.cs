using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;

namespace StsPowerShell.Core.Exchange
{
    /// <summary>
    /// A validated RFC 8693 §2.1 token exchange request; immutable. Made by <see cref="TokenExchangeRequestBuilder.Build"/>,
    /// which is the one place a request is checked. Token types are URNs here, never short names.
    /// </summary>
    public sealed class TokenExchangeRequest
    {
        internal TokenExchangeRequest(
            string grantType,
            string subjectToken,
            string subjectTokenType,
            string? actorToken,
            string? actorTokenType,
            IReadOnlyList<string> audiences,
            IReadOnlyList<string> resources,
            IReadOnlyList<string> scopes,
            string? requestedTokenType,
            string? options,
            IReadOnlyDictionary<string, string> additionalHeaders)
        {
            GrantType = grantType;
            SubjectToken = subjectToken;
            SubjectTokenType = subjectTokenType;
            ActorToken = actorToken;
            ActorTokenType = actorTokenType;
            Audiences = audiences;
            Resources = resources;
            Scopes = scopes;
            RequestedTokenType = requestedTokenType;
            Options = options;
            AdditionalHeaders = additionalHeaders;
        }

        /// <summary>grant_type.</summary>
        public string GrantType { get; }

        /// <summary>subject_token.</summary>
        public string SubjectToken { get; }

        /// <summary>subject_token_type, as a URN.</summary>
        public string SubjectTokenType { get; }

        /// <summary>actor_token, when delegating.</summary>
        public string? ActorToken { get; }

        /// <summary>actor_token_type, present exactly when <see cref="ActorToken"/> is.</summary>
        public string? ActorTokenType { get; }

        /// <summary>audience values, each sent as its own field.</summary>
        public IReadOnlyList<string> Audiences { get; }

        /// <summary>resource values (absolute URIs), each sent as its own field.</summary>
        public IReadOnlyList<string> Resources { get; }

        /// <summary>scope tokens, sent space-separated.</summary>
        public IReadOnlyList<string> Scopes { get; }

        /// <summary>requested_token_type, as a URN.</summary>
        public string? RequestedTokenType { get; }

        /// <summary>Google's options: a JSON object.</summary>
        public string? Options { get; }

        /// <summary>Extra HTTP headers.</summary>
        public IReadOnlyDictionary<string, string> AdditionalHeaders { get; }

        /// <summary>The secrets this request carries, for masking server text.</summary>
        public IEnumerable<string> Secrets() =>
            TokenExchangeField.All.Where(f => f.IsSecret).SelectMany(f => f.ValuesOf(this));

        /// <summary>
        /// A description for verbose output: public fields with their values, secrets as lengths, header names
        /// without values.
        /// </summary>
        public string Describe()
        {
            var text = new StringBuilder();
            foreach (var field in TokenExchangeField.All)
            {
                var values = field.ValuesOf(this);
                if (values.Count == 0 || field == TokenExchangeField.GrantType && GrantType == TokenTypes.TokenExchangeGrantType)
                {
                    continue;
                }

                text.Append(text.Length == 0 ? string.Empty : ", ").Append(field.WireName).Append(' ');
                text.Append(field.IsSecret || field == TokenExchangeField.Options
                    ? string.Format(CultureInfo.InvariantCulture, "of {0} characters", values[0].Length)
                    : string.Join(", ", values));
            }

            if (AdditionalHeaders.Count > 0)
            {
                text.Append(", headers ").Append(string.Join(", ", AdditionalHeaders.Keys.OrderBy(k => k, StringComparer.OrdinalIgnoreCase)));
            }

            return text.ToString();
        }

        /// <summary>The parts of the request that identify it for token reuse: every field and header.</summary>
        internal IEnumerable<string?> IdentityParts()
        {
            foreach (var field in TokenExchangeField.All)
            {
                yield return field.WireName;
                foreach (var value in field.ValuesOf(this))
                {
                    yield return value;
                }
            }

            foreach (var header in AdditionalHeaders.OrderBy(h => h.Key, StringComparer.OrdinalIgnoreCase))
            {
                yield return header.Key.ToLowerInvariant();
                yield return header.Value;
            }
        }
    }
}
