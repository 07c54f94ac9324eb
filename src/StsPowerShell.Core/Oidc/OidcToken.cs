using System.Linq;
using StsPowerShell.Core.Exchange;

namespace StsPowerShell.Core.Oidc
{
    /// <summary>An OIDC ID token a CI system issued to the running job, with its claims decoded.</summary>
    public sealed class OidcToken
    {
        internal OidcToken(string token, string source)
        {
            Token = token;
            Source = source;
            Claims = JwtClaims.Decode(token);
        }

        /// <summary>The JWT. A secret.</summary>
        public string Token { get; }

        /// <summary>Its token type for an exchange.</summary>
        public string TokenType => TokenTypes.Jwt;

        /// <summary>What issued it, for messages.</summary>
        public string Source { get; }

        /// <summary>What it says.</summary>
        public JwtClaims Claims { get; }

        /// <summary>Never reveals the token.</summary>
        public override string ToString() => $"OIDC token from {Source}: iss {Claims.Issuer}, sub {Claims.Subject}, aud {string.Join(" ", Claims.Audiences.ToArray())}";
    }
}
