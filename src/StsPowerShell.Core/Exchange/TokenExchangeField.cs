using System;
using System.Collections.Generic;

namespace StsPowerShell.Core.Exchange
{
    /// <summary>
    /// One field of an RFC 8693 §2.1 request, declared once: its wire name, the name errors carry, whether it is a
    /// secret, and how its values are read from a request. The form body, the verbose description and the reuse
    /// key are all derived from <see cref="All"/>.
    /// </summary>
    public sealed class TokenExchangeField
    {
        // A field has one value (single) or several (repeated); scope's several are sent as one space-separated value.
        private readonly Func<TokenExchangeRequest, string?>? single;
        private readonly Func<TokenExchangeRequest, IReadOnlyList<string>>? repeated;

        private TokenExchangeField(string wireName, string name, bool isSecret, Func<TokenExchangeRequest, string?> single)
        {
            WireName = wireName;
            Name = name;
            IsSecret = isSecret;
            this.single = single;
        }

        private TokenExchangeField(string wireName, string name, Func<TokenExchangeRequest, IReadOnlyList<string>> repeated, bool spaceSeparated)
        {
            WireName = wireName;
            Name = name;
            this.repeated = repeated;
            IsSpaceSeparated = spaceSeparated;
        }

        /// <summary>The form field name on the wire.</summary>
        public string WireName { get; }

        /// <summary>The field's name in this library: the <c>ParamName</c> of every <see cref="ArgumentException"/> about it.</summary>
        public string Name { get; }

        /// <summary>Whether the value is a credential, shown only as a length.</summary>
        public bool IsSecret { get; }

        /// <summary>grant_type.</summary>
        public static TokenExchangeField GrantType { get; } = new TokenExchangeField("grant_type", nameof(GrantType), false, r => r.GrantType);

        /// <summary>resource, repeatable.</summary>
        public static TokenExchangeField Resource { get; } = new TokenExchangeField("resource", nameof(Resource), r => r.Resources, spaceSeparated: false);

        /// <summary>audience, repeatable.</summary>
        public static TokenExchangeField Audience { get; } = new TokenExchangeField("audience", nameof(Audience), r => r.Audiences, spaceSeparated: false);

        /// <summary>scope: the scopes joined with spaces (RFC 6749 §3.3).</summary>
        public static TokenExchangeField Scope { get; } = new TokenExchangeField("scope", nameof(Scope), r => r.Scopes, spaceSeparated: true);

        /// <summary>requested_token_type.</summary>
        public static TokenExchangeField RequestedTokenType { get; } = new TokenExchangeField("requested_token_type", nameof(RequestedTokenType), false, r => r.RequestedTokenType);

        /// <summary>subject_token.</summary>
        public static TokenExchangeField SubjectToken { get; } = new TokenExchangeField("subject_token", nameof(SubjectToken), true, r => r.SubjectToken);

        /// <summary>subject_token_type.</summary>
        public static TokenExchangeField SubjectTokenType { get; } = new TokenExchangeField("subject_token_type", nameof(SubjectTokenType), false, r => r.SubjectTokenType);

        /// <summary>actor_token.</summary>
        public static TokenExchangeField ActorToken { get; } = new TokenExchangeField("actor_token", nameof(ActorToken), true, r => r.ActorToken);

        /// <summary>actor_token_type.</summary>
        public static TokenExchangeField ActorTokenType { get; } = new TokenExchangeField("actor_token_type", nameof(ActorTokenType), false, r => r.ActorTokenType);

        /// <summary>options: Google's extension, a JSON object.</summary>
        public static TokenExchangeField Options { get; } = new TokenExchangeField("options", nameof(Options), false, r => r.Options);

        /// <summary>Every field, in the order they are sent.</summary>
        public static IReadOnlyList<TokenExchangeField> All { get; } = new[]
        {
            GrantType, Resource, Audience, Scope, RequestedTokenType, SubjectToken, SubjectTokenType, ActorToken, ActorTokenType, Options,
        };

        /// <summary>The name errors about the extra HTTP headers carry.</summary>
        public const string AdditionalHeaderName = "AdditionalHeader";

        /// <summary>Whether the field may occur more than once (or, for scope, holds several values).</summary>
        internal bool IsRepeated => repeated != null;

        /// <summary>Whether the repeated values are sent as one space-separated value (scope, RFC 6749 §3.3).</summary>
        internal bool IsSpaceSeparated { get; }

        /// <summary>The field's non-empty values in <paramref name="request"/>.</summary>
        public IReadOnlyList<string> ValuesOf(TokenExchangeRequest request)
        {
            if (repeated == null)
            {
                var value = single!(request);
                return string.IsNullOrEmpty(value) ? Array.Empty<string>() : new[] { value! };
            }

            var values = repeated(request);
            return !IsSpaceSeparated ? values : values.Count == 0 ? Array.Empty<string>() : new[] { string.Join(" ", values) };
        }

        /// <summary>The value of a field that is not <see cref="IsRepeated"/>, possibly empty; without an array per call.</summary>
        internal string? SingleValueOf(TokenExchangeRequest request) => single!(request);

        /// <summary>The values of a field that <see cref="IsRepeated"/>, each non-empty; without an array per call.</summary>
        internal IReadOnlyList<string> RepeatedValuesOf(TokenExchangeRequest request) => repeated!(request);

        /// <inheritdoc />
        public override string ToString() => WireName;
    }
}
