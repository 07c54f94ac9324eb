using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using StsPowerShell.Core.Exchange;

namespace StsPowerShell.Core.Google
{
    /// <summary>
    /// What Google's client libraries do with an external_account file: get the subject token from its source,
    /// exchange it at the STS, and impersonate the service account when the file names one.
    /// </summary>
    public sealed class ExternalAccountCredential
    {
        private const string IamScope = "https://www.googleapis.com/auth/iam";
        private readonly ExternalAccountConfiguration configuration;
        private readonly SubjectTokenContext context;

        /// <summary>Creates the credential.</summary>
        public ExternalAccountCredential(ExternalAccountConfiguration configuration, SubjectTokenContext context)
        {
            this.configuration = configuration;
            this.context = context;
        }

        /// <summary>A Google access token for <paramref name="scopes"/>.</summary>
        public async Task<IssuedToken> GetAccessTokenAsync(IReadOnlyList<string> scopes, CancellationToken cancellationToken)
        {
            var logger = context.HttpOptions.Logger;
            logger?.Verbose($"Getting the subject token from the {configuration.CredentialSource.Kind} source of {configuration.Path}.");
            var subjectToken = await configuration.CredentialSource.GetSubjectTokenAsync(context, cancellationToken).ConfigureAwait(false);

            var request = new TokenExchangeRequest
            {
                SubjectToken = subjectToken,
                SubjectTokenType = configuration.SubjectTokenType,
                RequestedTokenType = TokenTypes.AccessToken,
            };
            request.Audiences.Add(configuration.Audience);

            // As Google's libraries do: the federated token only needs IAM when a service account is impersonated.
            var stsScopes = configuration.ServiceAccountEmail == null ? scopes : new[] { IamScope };
            foreach (var scope in stsScopes)
            {
                request.Scopes.Add(scope);
            }

            if (configuration.WorkforcePoolUserProject != null && configuration.Client == null)
            {
                request.Options = GooglePoolProvider.WithUserProject(null, configuration.WorkforcePoolUserProject);
            }

            var response = await new StsClient(configuration.TokenUrl, configuration.Client, context.HttpOptions).ExchangeTokenAsync(request, cancellationToken).ConfigureAwait(false);
            if (configuration.ServiceAccountImpersonationUrl == null)
            {
                return new IssuedToken(response.AccessToken, response.IssuedTokenType, response.TokenType, response.ExpiresOn, response.Scope ?? string.Join(" ", stsScopes), configuration.TokenUrl, response);
            }

            var endpoint = new Uri(configuration.ServiceAccountImpersonationUrl.GetLeftPart(UriPartial.Authority));
            var impersonated = await new IamCredentialsClient(endpoint, context.HttpOptions)
                .GenerateAccessTokenAsync(response.AccessToken, configuration.ServiceAccountEmail!, scopes, TimeSpan.FromSeconds(configuration.TokenLifetimeSeconds), Array.Empty<string>(), cancellationToken)
                .ConfigureAwait(false);
            return new IssuedToken(impersonated.Token, TokenTypes.AccessToken, "Bearer", impersonated.ExpiresOn, string.Join(" ", scopes), endpoint);
        }

        /// <summary>The key under which tokens of this configuration and these scopes are cached.</summary>
        public string CacheKey(IEnumerable<string> scopes) =>
            TokenCache.Key("external_account", configuration.Path, configuration.Fingerprint, string.Join(" ", scopes.OrderBy(s => s, StringComparer.Ordinal)));
    }
}
