using System;
using System.Management.Automation;
using StsPowerShell.Core.Google;
using StsPowerShell.Core.Http;
using StsPowerShell.Pipeline;

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
        [ValidateNotNull]
        public string[] Delegate { get; set; } = new string[0];

        /// <summary>The IAM Credentials API endpoint (another universe domain, or an emulator). A token piped from an X.509 (mutual TLS) exchange goes to https://iamcredentials.mtls.googleapis.com unless this is given, presenting the same certificate.</summary>
        /// <value>https://iamcredentials.googleapis.com (https://iamcredentials.mtls.googleapis.com for a token bound to a certificate)</value>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string IamCredentialsEndpoint { get; set; } = IamCredentialsClient.DefaultEndpoint;

        private Uri? endpoint;

        /// <summary>The endpoint is the same for every input: a malformed one stops the call.</summary>
        protected override void BeginProcessing()
        {
            base.BeginProcessing();
            try
            {
                endpoint = EndpointPolicy.Parse(IamCredentialsEndpoint, nameof(IamCredentialsEndpoint));
            }
            catch (ArgumentException e)
            {
                ThrowTerminating(e);
            }
        }

        /// <summary>The client for this record; warns first when the piped token's scope cannot impersonate.</summary>
        private protected IamCredentialsClient Client(PipelineHandle pipe)
        {
            var warning = IamCredentialsClient.ScopeWarning(FederatedToken?.Scope);
            if (warning != null)
            {
                pipe.WriteWarning(warning);
            }

            // A token from an X.509 exchange is bound to its certificate: it is presented again, at the mTLS endpoint by default.
            var certificate = FederatedToken?.ClientCertificate;
            var options = HttpOptions(pipe);
            options.ClientCertificate = certificate;
            var target = certificate != null && !MyInvocation.BoundParameters.ContainsKey(nameof(IamCredentialsEndpoint)) ? IamCredentialsClient.DefaultEndpointFor(mutualTls: true) : endpoint!;
            return new IamCredentialsClient(target, options);
        }
    }
}
