using System;
using System.Linq;
using StsPowerShell.Parameters;
using StsPowerShell.Core.Oidc;

namespace StsPowerShell
{
    /// <summary>
    /// An OIDC ID token a CI system issued to the job, or an Azure managed identity's Entra ID token. SubjectToken and SubjectTokenType bind by name to
    /// Invoke-StsTokenExchange; the token's own audience is TokenAudience, so it never binds as the STS audience.
    /// </summary>
    public sealed class OidcSubjectToken
    {
        /// <summary>The JWT: a SecureString, or a string with -AsPlainText.</summary>
        public object SubjectToken { get; set; } = string.Empty;

        /// <summary>urn:ietf:params:oauth:token-type:jwt.</summary>
        public string SubjectTokenType { get; set; } = string.Empty;

        /// <summary>The JWT's iss.</summary>
        public string? Issuer { get; set; }

        /// <summary>The JWT's sub: the pipeline, service connection or repository the token speaks for.</summary>
        public string? Subject { get; set; }

        /// <summary>The JWT's aud.</summary>
        public string[] TokenAudience { get; set; } = Array.Empty<string>();

        /// <summary>The JWT's iat.</summary>
        public DateTimeOffset? IssuedAt { get; set; }

        /// <summary>The JWT's exp.</summary>
        public DateTimeOffset? ExpiresOn { get; set; }

        /// <summary>AzurePipelines, GitHubActions, or for an Azure managed identity the endpoint found: Imds, AppService, AzureArc, CloudShell or ServiceFabric.</summary>
        public string Source { get; set; } = string.Empty;

        /// <summary>Never reveals the token.</summary>
        public override string ToString() => $"{Source} OIDC token: iss {Issuer}, sub {Subject}, aud {string.Join(" ", TokenAudience)}";

        /// <summary>The PowerShell view of a core token.</summary>
        public static OidcSubjectToken FromToken(OidcToken token, bool asPlainText) => new OidcSubjectToken
        {
            SubjectToken = asPlainText ? token.Token : SecretText.ToSecureString(token.Token, $"The {token.Source} OIDC token"),
            SubjectTokenType = token.TokenType,
            Issuer = token.Claims.Issuer,
            Subject = token.Claims.Subject,
            TokenAudience = token.Claims.Audiences.ToArray(),
            IssuedAt = token.Claims.IssuedAt,
            ExpiresOn = token.Claims.ExpiresOn,
            Source = token.Source,
        };
    }
}
