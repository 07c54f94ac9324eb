using StsPowerShell.Core.Google;
using StsPowerShell.Pipeline;
using System.Threading.Tasks;
using System;
using System.Management.Automation;
using StsPowerShell.Core.Http;

namespace StsPowerShell.Commands
{
    /// <summary>
    /// <para type="synopsis">Gets an OIDC ID token for a Google service account by impersonation (IAM Credentials generateIdToken), authorized by a federated token.</para>
    /// <para type="description">Calls the IAM Credentials API's generateIdToken for -ServiceAccount and -Audience with the federated token piped from Invoke-StsTokenExchange (or given with -AccessToken), and writes the ID token as an StsPowerShell.StsToken whose IssuedTokenType is urn:ietf:params:oauth:token-type:id_token.</para>
    /// </summary>
    /// <example title="Call a Cloud Run service">
    /// <code>
    /// $id = $federated | New-GoogleServiceAccountIdToken -ServiceAccount invoker@p.iam.gserviceaccount.com -Audience https://svc-abc.a.run.app
    /// Invoke-RestMethod https://svc-abc.a.run.app/ -Authentication Bearer -Token $id.AccessToken
    /// </code>
    /// <para>The ID token authenticates to a service that checks Google-signed ID tokens.</para>
    /// </example>
    /// <example title="With the email claim">
    /// <code>
    /// $federated | New-GoogleServiceAccountIdToken -ServiceAccount invoker@p.iam.gserviceaccount.com -Audience my-client-id -IncludeEmail -AsPlainText
    /// </code>
    /// <para>Adds email and email_verified to the token.</para>
    /// </example>
    /// <seealso href="https://cloud.google.com/iam/docs/reference/credentials/rest/v1/projects.serviceAccounts/generateIdToken">generateIdToken</seealso>
    [Cmdlet(VerbsCommon.New, "GoogleServiceAccountIdToken", DefaultParameterSetName = "FederatedToken")]
    [OutputType(typeof(StsToken))]
    public sealed class NewGoogleServiceAccountIdTokenCommand : ServiceAccountImpersonationCmdlet
    {
        /// <summary>The audience of the ID token: the URL or client id of the service that will receive it.</summary>
        [Parameter(Mandatory = true)]
        [ValidateNotNullOrEmpty]
        public string Audience { get; set; } = string.Empty;

        /// <summary>Adds the email and email_verified claims.</summary>
        [Parameter]
        public SwitchParameter IncludeEmail { get; set; }

        private protected override Func<Task> Prepare(PipelineHandle pipe)
        {
            var bearer = ActingToken();
            var client = Client(pipe);
            var asPlainText = AsPlainText.IsPresent;
            return async () =>
            {
                var token = await client.GenerateIdTokenAsync(bearer, ServiceAccount, Audience, IncludeEmail.IsPresent, Delegate, Cancellation).ConfigureAwait(false);
                pipe.WriteObject(StsToken.FromIssued(token, asPlainText));
            };
        }
    }
}
