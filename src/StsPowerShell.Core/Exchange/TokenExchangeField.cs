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
        private readonly Func<TokenExchangeRequest, IReadOnlyList<string>> values;

        private TokenExchangeField(string wireName, string name, bool isSecret, Func<TokenExchangeRequest, IReadOnlyList<string>> values)
        {
            WireName = wireName;
            Name = name;
            IsSecret = isSecret;
            this.values = values;
        }

        /// <summary>The form field name on the wire.</summary>
        public string WireName { get; }

        /// <summary>The field's name in this library: the <c>ParamName</c> of every <see cref="ArgumentException"/> about it.</summary>
        public string Name { get; }

        /// <summary>Whether the value is a credential, shown only as a length.</summary>
        public bool IsSecret { get; }

        /// <summary>grant_type.</summary>
        public static TokenExchangeField GrantType { get; } = new TokenExchangeField("grant_type", nameof(GrantType), false, r => One(r.GrantType));

        /// <summary>resource, repeatable.</summary>
        public static TokenExchangeField Resource { get; } = new TokenExchangeField("resource", nameof(Resource), false, r => r.Resources);

        /// <summary>audience, repeatable.</summary>
        public static TokenExchangeField Audience { get; } = new TokenExchangeField("audience", nameof(Audience), false, r => r.Audiences);

        /// <summary>scope: the scopes joined with spaces (RFC 6749 §3.3).</summary>
        public static TokenExchangeField Scope { get; } = new TokenExchangeField("scope", nameof(Scope), false, r => r.Scopes.Count == 0 ? Array.Empty<string>() : One(string.Join(" ", r.Scopes)));

        /// <summary>requested_token_type.</summary>
        public static TokenExchangeField RequestedTokenType { get; } = new TokenExchangeField("requested_token_type", nameof(RequestedTokenType), false, r => One(r.RequestedTokenType));

        /// <summary>subject_token.</summary>
        public static TokenExchangeField SubjectToken { get; } = new TokenExchangeField("subject_token", nameof(SubjectToken), true, r => One(r.SubjectToken));

        /// <summary>subject_token_type.</summary>
        public static TokenExchangeField SubjectTokenType { get; } = new TokenExchangeField("subject_token_type", nameof(SubjectTokenType), false, r => One(r.SubjectTokenType));

        /// <summary>actor_token.</summary>
        public static TokenExchangeField ActorToken { get; } = new TokenExchangeField("actor_token", nameof(ActorToken), true, r => One(r.ActorToken));

        /// <summary>actor_token_type.</summary>
        public static TokenExchangeField ActorTokenType { get; } = new TokenExchangeField("actor_token_type", nameof(ActorTokenType), false, r => One(r.ActorTokenType));

        /// <summary>options: Google's extension, a JSON object.</summary>
        public static TokenExchangeField Options { get; } = new TokenExchangeField("options", nameof(Options), false, r => One(r.Options));

        /// <summary>Every field, in the order they are sent.</summary>
        public static IReadOnlyList<TokenExchangeField> All { get; } = new[]
        {
            GrantType, Resource, Audience, Scope, RequestedTokenType, SubjectToken, SubjectTokenType, ActorToken, ActorTokenType, Options,
        };

        /// <summary>The name errors about the extra HTTP headers carry.</summary>
        public const string AdditionalHeaderName = "AdditionalHeader";

        /// <summary>The field's non-empty values in <paramref name="request"/>.</summary>
        public IReadOnlyList<string> ValuesOf(TokenExchangeRequest request) => values(request);

        /// <inheritdoc />
        public override string ToString() => WireName;

        private static IReadOnlyList<string> One(string? value) => string.IsNullOrEmpty(value) ? Array.Empty<string>() : new[] { value! };
    }
}
