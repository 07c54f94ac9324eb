using StsPowerShell.Pipeline;
using System.Threading.Tasks;
using System;
using System.Management.Automation;
using StsPowerShell.Completion;
using StsPowerShell.Core.Google;
using StsPowerShell.Core.Http;

namespace StsPowerShell.Commands
{
    /// <summary>
    /// <para type="synopsis">Gets an access token for a Google service account by impersonation (IAM Credentials generateAccessToken), authorized by a federated token.</para>
    /// <para type="description">Calls the IAM Credentials API's generateAccessToken for -ServiceAccount with the federated token piped from Invoke-StsTokenExchange (or given with -AccessToken), and writes the service account's token as an StsPowerShell.StsToken. The federated principal needs roles/iam.workloadIdentityUser on the service account; a warning tells when the federated token's scope is not cloud-platform or iam.</para>
    /// </summary>
    /// <example title="Federated token to service account token">
    /// <code>
    /// $federated | New-GoogleServiceAccountAccessToken -ServiceAccount deployer@my-project.iam.gserviceaccount.com -LifetimeSec 1800
    /// </code>
    /// <para>A 30-minute cloud-platform token for the service account.</para>
    /// </example>
    /// <example title="Through a delegation chain, with narrower scopes">
    /// <code>
    /// $federated | New-GoogleServiceAccountAccessToken -ServiceAccount target@p.iam.gserviceaccount.com -Delegate middle@p.iam.gserviceaccount.com -Scope devstorage.read_only
    /// </code>
    /// <para>Each delegate holds Service Account Token Creator on the next.</para>
    /// </example>
    /// <seealso href="https://cloud.google.com/iam/docs/reference/credentials/rest/v1/projects.serviceAccounts/generateAccessToken">generateAccessToken</seealso>
    [Cmdlet(VerbsCommon.New, "GoogleServiceAccountAccessToken", DefaultParameterSetName = "FederatedToken")]
    [OutputType(typeof(StsToken))]
    public sealed class NewGoogleServiceAccountAccessTokenCommand : ServiceAccountImpersonationCmdlet
    {
        /// <summary>The scopes of the service account's token.</summary>
        /// <value>https://www.googleapis.com/auth/cloud-platform</value>
        [Parameter]
        [ArgumentCompleter(typeof(ScopeCompleter))]
        [ValidateNotNullOrEmpty]
        public string[] Scope { get; set; } = { GoogleSts.CloudPlatformScope };

        /// <summary>The token's lifetime in seconds (up to 43200; more than 3600 needs the lifetime-extension org policy).</summary>
        /// <value>3600 (the API's default)</value>
        [Parameter]
        [ValidateRange(1, 43200)]
        public int? LifetimeSec { get; set; }

        private protected override Func<Task> Prepare(PipelineHandle pipe)
        {
            var bearer = ActingToken();
            var client = Client(pipe);
            var lifetime = LifetimeSec is int seconds ? TimeSpan.FromSeconds(seconds) : (TimeSpan?)null;
            var asPlainText = AsPlainText.IsPresent;
            return async () =>
            {
                var token = await client.GenerateAccessTokenAsync(bearer, ServiceAccount, Scope, lifetime, Delegate, Cancellation).ConfigureAwait(false);
                pipe.WriteObject(StsToken.FromIssued(token, asPlainText));
            };
        }
    }
}
