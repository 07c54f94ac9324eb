using StsPowerShell.Parameters;
using StsPowerShell.Pipeline;
using System.Threading.Tasks;
using System;
using System.Management.Automation;
using StsPowerShell.Core;
using StsPowerShell.Core.Http;
using StsPowerShell.Core.Oidc;

namespace StsPowerShell.Commands
{
    /// <summary>
    /// <para type="synopsis">Gets the OIDC token Azure DevOps issues to the running pipeline job: for a workload identity federation service connection, or for the pipeline itself.</para>
    /// <para type="description">POSTs to SYSTEM_OIDCREQUESTURI with api-version 7.1 and, when given, the service connection id, authorized by the job's System.AccessToken, and writes the JWT as an StsPowerShell.OidcSubjectToken: the token as a SecureString, with its issuer, subject, audience and expiry shown. It pipes into Invoke-StsTokenExchange.</para>
    /// <para type="description">Without -ServiceConnectionId the token speaks for the pipeline (subject p://&lt;organization&gt;/&lt;project&gt;/&lt;pipeline&gt;), so reaching Google needs no Azure Resource Manager service connection. Without SYSTEM_OIDCREQUESTURI the URL is built from SYSTEM_TEAMFOUNDATIONCOLLECTIONURI, SYSTEM_TEAMPROJECTID, SYSTEM_HOSTTYPE, SYSTEM_PLANID and SYSTEM_JOBID. The token lives 10 minutes: request it right before the exchange.</para>
    /// <para type="description">The pipeline must map System.AccessToken into the task's environment (env: SYSTEM_ACCESSTOKEN: $(System.AccessToken)); the error says so when it is missing.</para>
    /// </summary>
    /// <example title="Azure Pipelines to a Google service account">
    /// <code>
    /// Get-AzurePipelinesIdToken -ServiceConnectionId $env:SERVICE_CONNECTION_ID |
    ///     Invoke-StsTokenExchange -Audience $provider -Scope cloud-platform |
    ///     New-GoogleServiceAccountAccessToken -ServiceAccount deployer@my-project.iam.gserviceaccount.com
    /// </code>
    /// <para>The whole chain, in one pipeline.</para>
    /// </example>
    /// <example title="The pipeline's own token, no service connection">
    /// <code>
    /// Get-AzurePipelinesIdToken | Invoke-StsTokenExchange -Audience $provider -Scope cloud-platform
    /// </code>
    /// <para>The Google provider's issuer is https://vstoken.dev.azure.com/&lt;organization id&gt; and the subject p://&lt;organization&gt;/&lt;project&gt;/&lt;pipeline&gt;.</para>
    /// </example>
    /// <example title="See what the token says">
    /// <code>
    /// Get-AzurePipelinesIdToken -ServiceConnectionId 6b2a1d3e-8c4f-4b7a-9e0d-1f2a3b4c5d6e | Format-List
    /// </code>
    /// <para>Shows the issuer, subject (sc://org/project/connection) and audience to configure the Google provider with.</para>
    /// </example>
    /// <seealso href="https://github.com/StsPowerShell/StsPowerShell/blob/main/examples/azure-pipelines.yml">Azure Pipelines example</seealso>
    [Cmdlet(VerbsCommon.Get, "AzurePipelinesIdToken")]
    [OutputType(typeof(OidcSubjectToken))]
    public sealed class GetAzurePipelinesIdTokenCommand : NetworkCmdlet
    {
        /// <summary>The id (GUID) of a workload identity federation service connection; without it, the token is the pipeline's own.</summary>
        [Parameter(Position = 0, ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        public string? ServiceConnectionId { get; set; }

        /// <summary>The job's System.AccessToken (string or SecureString); SYSTEM_ACCESSTOKEN when not given.</summary>
        [Parameter]
        [SecretTransformation]
        public object? SystemAccessToken { get; set; }

        /// <summary>The job's OIDC request URL; SYSTEM_OIDCREQUESTURI when not given.</summary>
        [Parameter]
        public string? OidcRequestUri { get; set; }

        /// <summary>Returns the token as a plain string instead of SecureString.</summary>
        [Parameter]
        public SwitchParameter AsPlainText { get; set; }

        /// <inheritdoc />
        private protected override object? CurrentTarget => ServiceConnectionId;

        private protected override Func<Task> Prepare(PipelineHandle pipe)
        {
            var accessToken = SecretText.FromParameter(SystemAccessToken, nameof(SystemAccessToken));
            var options = HttpOptions(pipe);
            var asPlainText = AsPlainText.IsPresent;
            return async () =>
            {
                var token = await AzurePipelinesIdToken.RequestAsync(ServiceConnectionId, OidcRequestUri, accessToken, EnvironmentVariables.FromProcess(), options, Cancellation).ConfigureAwait(false);
                pipe.WriteObject(OidcSubjectToken.FromToken(token, asPlainText));
            };
        }
    }
}
