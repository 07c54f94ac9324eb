using System;
using System.Collections;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Security;
using StsPowerShell.Core.Exchange;
using StsPowerShell.Core.Google;
using StsPowerShell.Core.Http;

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
