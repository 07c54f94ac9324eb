using System;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using StsPowerShell.Core.Exchange;
using StsPowerShell.Core.Google;
using StsPowerShell.Core.Http;

namespace StsPowerShell.Binding
{
    /// <summary>
    /// The values the service-account impersonation cmdlets were given, and the calls they drive. Every input
    /// error names the cmdlet parameter.
    /// </summary>
    internal sealed class ImpersonationParameters
    {
        private static readonly string[] ImpersonationScopes = { GoogleSts.CloudPlatformScope, "https://www.googleapis.com/auth/iam" };

        public string ServiceAccount { get; set; } = string.Empty;

        /// <summary>The federated access token: a string or SecureString.</summary>
        public object? AccessToken { get; set; }

        /// <summary>The scope the federated token was issued with, when it came from an exchange.</summary>
        public string? AccessTokenScope { get; set; }

        public string[] Scope { get; set; } = { GoogleSts.CloudPlatformScope };

        public int? LifetimeSec { get; set; }

        public string[] Delegate { get; set; } = Array.Empty<string>();

        public string IamCredentialsEndpoint { get; set; } = IamCredentialsClient.DefaultEndpoint;

        public Uri ToEndpoint() => EndpointPolicy.Parse(IamCredentialsEndpoint, "IamCredentialsEndpoint");

        /// <summary>A warning when the federated token's scope cannot call the IAM Credentials API, else null.</summary>
        public string? ScopeWarning()
        {
            if (string.IsNullOrWhiteSpace(AccessTokenScope))
            {
                return null;
            }

            var scopes = AccessTokenScope!.Split(new[] { ' ' }, StringSplitOptions.RemoveEmptyEntries);
            return scopes.Any(s => ImpersonationScopes.Contains(s))
                ? null
                : $"The federated token's scope is '{AccessTokenScope}'; the IAM Credentials API needs {string.Join(" or ", ImpersonationScopes)}, so expect PERMISSION_DENIED. Exchange with -Scope {GoogleSts.CloudPlatformScope}.";
        }

        public async Task<StsToken> GenerateAccessTokenAsync(StsHttpOptions options, bool asPlainText, CancellationToken cancellationToken)
        {
            var endpoint = ToEndpoint();
            var bearer = Bearer();
            var client = new IamCredentialsClient(endpoint, options);
            var scopes = Scope.Select(GoogleScopes.Expand).ToArray();
            var issued = await Rename(() => client.GenerateAccessTokenAsync(bearer, ServiceAccount, scopes, LifetimeSec is int seconds ? TimeSpan.FromSeconds(seconds) : (TimeSpan?)null, Delegate, cancellationToken)).ConfigureAwait(false);
            return StsToken.FromServiceAccountToken(issued, TokenTypes.AccessToken, "Bearer", string.Join(" ", scopes), endpoint, asPlainText);
        }

        public async Task<StsToken> GenerateIdTokenAsync(string audience, bool includeEmail, StsHttpOptions options, bool asPlainText, CancellationToken cancellationToken)
        {
            var endpoint = ToEndpoint();
            var bearer = Bearer();
            var client = new IamCredentialsClient(endpoint, options);
            var issued = await Rename(() => client.GenerateIdTokenAsync(bearer, ServiceAccount, audience, includeEmail, Delegate, cancellationToken)).ConfigureAwait(false);
            return StsToken.FromServiceAccountToken(issued, TokenTypes.IdToken, "N_A", null, endpoint, asPlainText);
        }

        private string Bearer()
        {
            var token = SecretText.FromParameter(AccessToken, "AccessToken");
            return string.IsNullOrEmpty(token) ? throw new ArgumentException("A federated access token is required: pipe Invoke-StsTokenExchange's output in, or pass -AccessToken.", "AccessToken") : token!;
        }

        private static async Task<ServiceAccountToken> Rename(Func<Task<ServiceAccountToken>> call)
        {
            try
            {
                return await call().ConfigureAwait(false);
            }
            catch (ArgumentException e) when (e.ParamName is "serviceAccount" or "scopes" or "lifetime" or "delegates" or "audience")
            {
                throw ParameterNames.Rename(e, e.ParamName switch
                {
                    "serviceAccount" => "ServiceAccount",
                    "scopes" => "Scope",
                    "lifetime" => "LifetimeSec",
                    "delegates" => "Delegate",
                    _ => "Audience",
                });
            }
        }
    }
}
