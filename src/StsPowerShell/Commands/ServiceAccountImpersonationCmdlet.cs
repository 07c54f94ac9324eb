using System.Management.Automation;
using StsPowerShell.Binding;
using StsPowerShell.Core.Google;

namespace StsPowerShell.Commands
{
    /// <summary>
    /// What the impersonation cmdlets share: the service account, the federated token (piped from
    /// Invoke-StsTokenExchange or given), delegates and the IAM Credentials endpoint.
    /// </summary>
    public abstract class ServiceAccountImpersonationCmdlet : GoogleTokenConsumerCmdlet
    {
        /// <summary>The service account to impersonate: its email or unique id.</summary>
        [Parameter(Mandatory = true, Position = 0)]
        [ValidateNotNullOrEmpty]
        public string ServiceAccount { get; set; } = string.Empty;

        /// <summary>Service accounts in the delegation chain, each granting the next the Service Account Token Creator role.</summary>
        [Parameter]
        public string[] Delegate { get; set; } = new string[0];

        /// <summary>The IAM Credentials API endpoint (another universe domain, or an emulator).</summary>
        /// <value>https://iamcredentials.googleapis.com</value>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string IamCredentialsEndpoint { get; set; } = IamCredentialsClient.DefaultEndpoint;

        /// <summary>The bound values, with a warning written when the federated token's scope cannot impersonate.</summary>
        private protected ImpersonationParameters BindImpersonation()
        {
            var parameters = new ImpersonationParameters
            {
                ServiceAccount = ServiceAccount,
                AccessToken = ActingToken,
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
