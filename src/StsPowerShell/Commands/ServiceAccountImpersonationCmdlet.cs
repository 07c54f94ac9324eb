using System.Management.Automation;
using StsPowerShell.Binding;
using StsPowerShell.Core.Google;

namespace StsPowerShell.Commands
{
    /// <summary>
    /// What the impersonation cmdlets share: the service account, the federated token (piped from
    /// Invoke-StsTokenExchange or given), delegates and the IAM Credentials endpoint.
    /// </summary>
    public abstract class ServiceAccountImpersonationCmdlet : StsCmdlet
    {
        private const string FederatedTokenSet = "FederatedToken";
        private const string AccessTokenSet = "AccessToken";

        /// <summary>The service account to impersonate: its email or unique id.</summary>
        [Parameter(Mandatory = true, Position = 0)]
        [ValidateNotNullOrEmpty]
        public string ServiceAccount { get; set; } = string.Empty;

        /// <summary>The federated token, from Invoke-StsTokenExchange.</summary>
        [Parameter(Mandatory = true, ValueFromPipeline = true, ParameterSetName = FederatedTokenSet)]
        [ValidateNotNull]
        public StsToken? FederatedToken { get; set; }

        /// <summary>A Google access token to authorize with (string or SecureString), instead of a piped token.</summary>
        [Parameter(Mandatory = true, ParameterSetName = AccessTokenSet)]
        [ValidateNotNull]
        public object? AccessToken { get; set; }

        /// <summary>Service accounts in the delegation chain, each granting the next the Service Account Token Creator role.</summary>
        [Parameter]
        public string[] Delegate { get; set; } = new string[0];

        /// <summary>The IAM Credentials API endpoint (another universe domain, or an emulator).</summary>
        /// <value>https://iamcredentials.googleapis.com</value>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string IamCredentialsEndpoint { get; set; } = IamCredentialsClient.DefaultEndpoint;

        /// <summary>Returns the token as a plain string instead of SecureString.</summary>
        [Parameter]
        public SwitchParameter AsPlainText { get; set; }

        /// <summary>The bound values, with a warning written when the federated token's scope cannot impersonate.</summary>
        private protected ImpersonationParameters BindImpersonation()
        {
            var parameters = new ImpersonationParameters
            {
                ServiceAccount = ServiceAccount,
                AccessToken = FederatedToken?.AccessToken ?? PSObjectValues.Unwrap(AccessToken),
                AccessTokenScope = FederatedToken?.Scope,
                Delegate = Delegate,
                IamCredentialsEndpoint = IamCredentialsEndpoint,
            };
            var warning = parameters.ScopeWarning();
            if (warning != null)
            {
                WriteWarning(warning);
            }

            return parameters;
        }
    }
}
