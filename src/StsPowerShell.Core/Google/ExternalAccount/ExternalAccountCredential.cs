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

        /// <summary>
        /// A Google access token for <paramref name="scopes"/>: the subject token from the credential source,
        /// exchanged at the file's token URL, then, when the file names a service account, impersonated. Reused
        /// from the session as <paramref name="reuse"/> says. Google's short scope names are accepted.
        /// </summary>
        /// <exception cref="ArgumentException">No scope was given; ParamName is Scope.</exception>
        public Task<IssuedToken> GetAccessTokenAsync(IEnumerable<string> scopes, TokenReuse reuse, TokenCache cache, CancellationToken cancellationToken)
        {
            var expanded = scopes.Where(s => !string.IsNullOrWhiteSpace(s)).Select(s => GoogleScopes.Expand(s.Trim())).ToArray();
            return expanded.Length == 0
                ? throw new ArgumentException("At least one scope is required.", "Scope")
                : GetAccessTokenAsync(expanded, reuse, cache, cancellationToken);
        }

        private Task<IssuedToken> GetAccessTokenAsync(string[] scopes, TokenReuse reuse, TokenCache cache, CancellationToken cancellationToken)
        {
            if (reuse == TokenReuse.None)
            {
                return FetchAsync(scopes, cancellationToken);
            }

            var key = TokenCache.Key("external_account", configuration.Path, configuration.Fingerprint, string.Join(" ", scopes.OrderBy(s => s, StringComparer.Ordinal)));
            return cache.GetAsync(key, reuse == TokenReuse.Refresh, context.HttpOptions.Logger, ct => FetchAsync(scopes, ct), cancellationToken);
        }

        private async Task<IssuedToken> FetchAsync(IReadOnlyList<string> scopes, CancellationToken cancellationToken)
        {
            var logger = context.HttpOptions.Logger;
            logger?.Verbose($"Getting the subject token from the {configuration.CredentialSource.Kind} source of {configuration.Path}.");
            string subjectToken;
            var httpOptions = context.HttpOptions;
            if (configuration.CredentialSource is CertificateCredentialSource certificateSource)
            {
                // The certificate is the subject token's leaf and is presented in TLS to the STS and to IAM Credentials.
                var certificate = await certificateSource.LoadAsync(context, cancellationToken).ConfigureAwait(false);
                subjectToken = certificate.SubjectToken;
                httpOptions = httpOptions.WithClientCertificate(certificate.Certificate);
            }
            else
            {
                subjectToken = await configuration.CredentialSource.GetSubjectTokenAsync(context, cancellationToken).ConfigureAwait(false);
            }

            var exchange = new TokenExchangeOperation(configuration.TokenUrl, configuration.Client, httpOptions);
            var builder = new TokenExchangeRequestBuilder
            {
                SubjectToken = subjectToken,
                SubjectTokenType = configuration.SubjectTokenType,
                RequestedTokenType = TokenTypes.AccessToken,
            };
            builder.Audiences.Add(configuration.Audience);

            // As Google's libraries do: the federated token only needs IAM when a service account is impersonated.
            foreach (var scope in configuration.ServiceAccountEmail == null ? scopes : new[] { IamScope })
            {
                builder.Scopes.Add(scope);
            }

            var request = exchange.Prepare(builder, configuration.WorkforcePoolUserProject);
            var federated = await exchange.ExchangeAsync(request, TokenReuse.None, null, cancellationToken).ConfigureAwait(false);
            if (configuration.ServiceAccountImpersonationUrl == null)
            {
                return federated;
            }

            var endpoint = new Uri(configuration.ServiceAccountImpersonationUrl.GetLeftPart(UriPartial.Authority));
            return await new IamCredentialsClient(endpoint, httpOptions)
                .GenerateAccessTokenAsync(federated.Token, configuration.ServiceAccountEmail!, scopes, TimeSpan.FromSeconds(configuration.TokenLifetimeSeconds), Array.Empty<string>(), cancellationToken)
                .ConfigureAwait(false);
        }
    }
}
