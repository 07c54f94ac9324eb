using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using StsPowerShell.Core.Google;
using StsPowerShell.Core.Http;

namespace StsPowerShell.Core.Exchange
{
    /// <summary>Whether an exchange may be answered from the session's <see cref="TokenCache"/>.</summary>
    public enum TokenReuse
    {
        /// <summary>Always exchange; the cache is not touched.</summary>
        None,

        /// <summary>Reuse the token of an identical earlier exchange while it is fresh, and keep a new one.</summary>
        Reuse,

        /// <summary>Exchange even when a fresh token is held, and keep the new one.</summary>
        Refresh,
    }

    /// <summary>
    /// The one token exchange flow every caller uses (Invoke-StsTokenExchange, external_account files,
    /// downscoping): Google's rules applied, the request checked once, sent, reused from the session when asked,
    /// and a refused Google <c>invalid_grant</c> completed with the subject-token checks that fail.
    /// </summary>
    public sealed class TokenExchangeOperation
    {
        private readonly StsClient client;
        private readonly StsHttpOptions options;
        private readonly TokenCache cache;

        /// <summary>Creates the operation for one endpoint and client.</summary>
        /// <exception cref="ArgumentException">The endpoint is not https (or http to loopback).</exception>
        public TokenExchangeOperation(Uri tokenEndpoint, ClientAuthentication? clientAuthentication, StsHttpOptions options, TokenCache? cache = null)
        {
            client = new StsClient(tokenEndpoint, clientAuthentication, options);
            this.options = options;
            this.cache = cache ?? TokenCache.Shared;
        }

        /// <summary>The token endpoint.</summary>
        public Uri TokenEndpoint => client.TokenEndpoint;

        /// <summary>Applies Google's rules when the request goes to Google, and checks the request.</summary>
        /// <exception cref="ArgumentException">A field is missing or malformed; ParamName names it.</exception>
        public TokenExchangeRequest Prepare(TokenExchangeRequestBuilder request, string? workforcePoolUserProject = null)
        {
            GoogleSts.Apply(request, client.TokenEndpoint, client.ClientAuthentication, workforcePoolUserProject, options.Logger);
            return request.Build();
        }

        /// <summary>Exchanges <paramref name="request"/>, through the session cache as <paramref name="reuse"/> says.</summary>
        /// <param name="request">A request from <see cref="Prepare"/>.</param>
        /// <param name="reuse">Whether the session's token may answer.</param>
        /// <param name="fallbackExpiresOn">The expiry to assume when the server states none (a downscoped token lives as long as its source).</param>
        /// <param name="cancellationToken">Cancels the exchange.</param>
        public Task<IssuedToken> ExchangeAsync(TokenExchangeRequest request, TokenReuse reuse, DateTimeOffset? fallbackExpiresOn, CancellationToken cancellationToken)
        {
            if (reuse == TokenReuse.None)
            {
                return SendAsync(request, fallbackExpiresOn, cancellationToken);
            }

            return cache.GetAsync(ReuseKey(request), reuse == TokenReuse.Refresh, options.Logger, ct => SendAsync(request, fallbackExpiresOn, ct), cancellationToken);
        }

        private async Task<IssuedToken> SendAsync(TokenExchangeRequest request, DateTimeOffset? fallbackExpiresOn, CancellationToken cancellationToken)
        {
            try
            {
                var response = await client.ExchangeTokenAsync(request, cancellationToken).ConfigureAwait(false);
                // The requested scope stands in only when the server names none.
                var requestedScope = string.IsNullOrEmpty(response.Scope) && request.Scopes.Count > 0 ? string.Join(" ", request.Scopes) : null;
                return IssuedToken.FromResponse(response, client.TokenEndpoint, requestedScope, fallbackExpiresOn);
            }
            catch (StsOAuthException e) when (e.Error == "invalid_grant" && GoogleScopes.IsGoogleRequest(client.TokenEndpoint, request.Audiences))
            {
                var failed = SubjectTokenChecker.Check(request.SubjectToken, request.SubjectTokenType, request.Audiences.FirstOrDefault(), options.Clock())
                    .Where(c => !c.Passed)
                    .Select(c => c.ToString());
                throw e.WithFailedChecks(failed);
            }
        }

        private string ReuseKey(TokenExchangeRequest request)
        {
            var parts = new List<string?>
            {
                "exchange",
                client.TokenEndpoint.ToString(),
                client.ClientAuthentication?.ClientId,
                client.ClientAuthentication?.ClientSecret,
                client.ClientAuthentication?.Method.ToString(),
            };
            parts.AddRange(request.IdentityParts());
            return TokenCache.Key(parts.ToArray());
        }
    }
}
