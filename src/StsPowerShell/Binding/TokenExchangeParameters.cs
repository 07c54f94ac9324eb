using System;
using System.Collections;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Security;
using StsPowerShell.Core.Exchange;
using StsPowerShell.Core.Google;
using StsPowerShell.Core.Http;
using System.Threading;
using System.Threading.Tasks;

namespace StsPowerShell.Binding
{
    /// <summary>
    /// The values Invoke-StsTokenExchange was given, already unwrapped from PSObject, and their mapping to
    /// the core's request, client and options. Every error names the cmdlet parameter at fault.
    /// </summary>
    internal sealed class TokenExchangeParameters
    {
        private static readonly Dictionary<string, string> ParameterByRequestProperty = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            [nameof(TokenExchangeRequest.GrantType)] = "GrantType",
            [nameof(TokenExchangeRequest.SubjectToken)] = "SubjectToken",
            [nameof(TokenExchangeRequest.SubjectTokenType)] = "SubjectTokenType",
            [nameof(TokenExchangeRequest.ActorToken)] = "ActorToken",
            [nameof(TokenExchangeRequest.ActorTokenType)] = "ActorTokenType",
            [nameof(TokenExchangeRequest.Audiences)] = "Audience",
            [nameof(TokenExchangeRequest.Resources)] = "Resource",
            [nameof(TokenExchangeRequest.Scopes)] = "Scope",
            [nameof(TokenExchangeRequest.RequestedTokenType)] = "RequestedTokenType",
            [nameof(TokenExchangeRequest.Options)] = "Options",
            [nameof(TokenExchangeRequest.AdditionalHeaders)] = "AdditionalHeader",
        };

        public string TokenEndpoint { get; set; } = GoogleSts.DefaultTokenEndpoint;

        public object? SubjectToken { get; set; }

        public string? SubjectTokenType { get; set; }

        public object? ActorToken { get; set; }

        public string? ActorTokenType { get; set; }

        public string[]? Audience { get; set; }

        public string[]? Resource { get; set; }

        public string[]? Scope { get; set; }

        public string? RequestedTokenType { get; set; } = TokenTypes.AccessToken;

        /// <summary>A dictionary (serialized to JSON) or a JSON string.</summary>
        public object? Options { get; set; }

        public IDictionary? AdditionalHeader { get; set; }

        public string GrantType { get; set; } = TokenTypes.TokenExchangeGrantType;

        public string? ClientId { get; set; }

        public SecureString? ClientSecret { get; set; }

        public ClientAuthenticationMethod ClientAuthentication { get; set; } = ClientAuthenticationMethod.Basic;

        /// <summary>The project billed for a workforce pool exchange without client credentials (Google's userProject).</summary>
        public string? WorkforcePoolUserProject { get; set; }

        /// <summary>What the mapping decided that a person should hear about, for -Verbose.</summary>
        public IList<string> Notes { get; } = new List<string>();

        public int TimeoutSec { get; set; } = 30;

        /// <summary>Reuse a session token from an identical earlier exchange while it is fresh.</summary>
        public bool ReuseToken { get; set; }

        /// <summary>With ReuseToken: get a fresh token regardless.</summary>
        public bool Force { get; set; }

        public int MaximumRetryCount { get; set; } = 3;

        public int RetryIntervalSec { get; set; } = 1;

        /// <summary>The token endpoint, checked against the HTTPS-or-loopback rule.</summary>
        public Uri ToEndpoint() => EndpointPolicy.Parse(TokenEndpoint, "TokenEndpoint");

        /// <summary>The validated request.</summary>
        /// <exception cref="ArgumentException">A value is missing or malformed; ParamName is the cmdlet parameter.</exception>
        public TokenExchangeRequest ToRequest()
        {
            var request = new TokenExchangeRequest
            {
                GrantType = GrantType,
                SubjectToken = SecretText.FromParameter(SubjectToken, "SubjectToken"),
                SubjectTokenType = SubjectTokenType,
                ActorToken = SecretText.FromParameter(ActorToken, "ActorToken"),
                ActorTokenType = ActorTokenType,
                RequestedTokenType = RequestedTokenType,
                Options = OptionsJson(),
            };
            AddAll(request.Audiences, Audience);
            AddAll(request.Resources, Resource);
            AddAll(request.Scopes, Scope);
            ExpandGoogleScopes(request);
            if (AdditionalHeader != null)
            {
                foreach (DictionaryEntry header in AdditionalHeader)
                {
                    var name = Convert.ToString(header.Key, CultureInfo.InvariantCulture) ?? string.Empty;
                    request.AdditionalHeaders[name] = header.Value == null ? null! : Convert.ToString(header.Value, CultureInfo.InvariantCulture)!;
                }
            }

            ApplyWorkforcePoolUserProject(request);
            try
            {
                request.Validate();
            }
            catch (ArgumentException e) when (e.ParamName != null && ParameterByRequestProperty.TryGetValue(e.ParamName, out var parameter))
            {
                throw ParameterNames.Rename(e, parameter);
            }

            return request;
        }

        /// <summary>The client credentials, when a client id was given.</summary>
        public ClientAuthentication? ToClientAuthentication() =>
            string.IsNullOrEmpty(ClientId) ? null : new ClientAuthentication(ClientId!, ClientSecret == null ? null : SecretText.ToPlainText(ClientSecret), ClientAuthentication);

        /// <summary>
        /// Sends the exchange, through the session cache when asked. Google's invalid_grant gets the
        /// subject-token checks that fail appended, so it says what to fix.
        /// </summary>
        public async Task<(IssuedToken Token, bool Reused)> ExchangeAsync(StsClient client, TokenExchangeRequest request, TokenCache cache, Func<DateTimeOffset> clock, CancellationToken cancellationToken)
        {
            async Task<IssuedToken> Exchange(CancellationToken cancellation)
            {
                try
                {
                    var response = await client.ExchangeTokenAsync(request, cancellation).ConfigureAwait(false);
                    var scope = string.IsNullOrEmpty(response.Scope) ? (request.Scopes.Count == 0 ? null : string.Join(" ", request.Scopes)) : response.Scope;
                    return new IssuedToken(response.AccessToken, response.IssuedTokenType, response.TokenType, response.ExpiresOn, scope, client.TokenEndpoint, response);
                }
                catch (StsOAuthException e) when (e.Error == "invalid_grant" && GoogleScopes.IsGoogleRequest(client.TokenEndpoint, request.Audiences))
                {
                    var failed = SubjectTokenChecker.Check(request.SubjectToken!, request.SubjectTokenType!, request.Audiences.FirstOrDefault(), clock()).Where(c => !c.Passed).Select(c => c.ToString());
                    throw e.WithFailedChecks(failed);
                }
            }

            if (!ReuseToken)
            {
                return (await Exchange(cancellationToken).ConfigureAwait(false), false);
            }

            var key = TokenCache.Key(
                "exchange", client.TokenEndpoint.ToString(), client.ClientAuthentication?.ClientId, client.ClientAuthentication?.ClientSecret, request.GrantType,
                request.SubjectToken, request.SubjectTokenType, request.ActorToken, request.ActorTokenType, string.Join(" ", request.Audiences), string.Join(" ", request.Resources),
                string.Join(" ", request.Scopes), request.RequestedTokenType, request.Options, string.Join(";", request.AdditionalHeaders.OrderBy(h => h.Key, StringComparer.OrdinalIgnoreCase).Select(h => h.Key + "=" + h.Value)));
            return await cache.GetAsync(key, Force, Exchange, cancellationToken).ConfigureAwait(false);
        }

        /// <summary>Timeout and retry settings, as Invoke-RestMethod names them.</summary>
        public StsHttpOptions ToHttpOptions() => new StsHttpOptions
        {
            Timeout = TimeSpan.FromSeconds(TimeoutSec),
            Retry = new RetryPolicy { MaximumRetryCount = MaximumRetryCount, RetryInterval = TimeSpan.FromSeconds(RetryIntervalSec) },
        };

        // -Scope cloud-platform means Google's cloud-platform scope, but only in a request that goes to Google.
        private void ExpandGoogleScopes(TokenExchangeRequest request)
        {
            if (!Uri.TryCreate(TokenEndpoint, UriKind.Absolute, out var endpoint) || !GoogleScopes.IsGoogleRequest(endpoint, request.Audiences))
            {
                return;
            }

            for (var i = 0; i < request.Scopes.Count; i++)
            {
                request.Scopes[i] = GoogleScopes.Expand(request.Scopes[i]);
            }
        }

        // As Google's libraries do: userProject only for workforce pools, and only without client credentials
        // (with them, the client's project is billed).
        private void ApplyWorkforcePoolUserProject(TokenExchangeRequest request)
        {
            if (string.IsNullOrWhiteSpace(WorkforcePoolUserProject))
            {
                return;
            }

            if (!request.Audiences.Any(GooglePoolProvider.IsWorkforcePoolProvider))
            {
                throw new ArgumentException("It applies only to workforce pool providers (//iam.googleapis.com/locations/global/workforcePools/<pool>/providers/<provider>); Google refuses userProject for workload identity pools.", "WorkforcePoolUserProject");
            }

            if (!string.IsNullOrEmpty(ClientId))
            {
                Notes.Add("Not sending userProject: with client credentials, Google bills the client's project.");
                return;
            }

            request.Options = GooglePoolProvider.WithUserProject(request.Options, WorkforcePoolUserProject!.Trim());
        }

        private string? OptionsJson()
        {
            switch (Options)
            {
                case null:
                    return null;
                case string json:
                    return json;
                case IDictionary dictionary:
                    return StsOptionsJson.FromDictionary(dictionary, "Options");
                default:
                    throw new ArgumentException($"Expected a hashtable or a JSON string, not a {Options.GetType().FullName}.", "Options");
            }
        }

        private static void AddAll(IList<string> target, string[]? values)
        {
            if (values == null)
            {
                return;
            }

            foreach (var value in values)
            {
                if (!string.IsNullOrWhiteSpace(value))
                {
                    target.Add(value.Trim());
                }
            }
        }
    }
}
