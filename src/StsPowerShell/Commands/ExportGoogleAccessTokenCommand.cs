using System;
using System.Management.Automation;
using System.Threading.Tasks;
using StsPowerShell.Core;
using StsPowerShell.Core.Handoff;
using StsPowerShell.Parameters;
using StsPowerShell.Pipeline;

namespace StsPowerShell.Commands
{
    /// <summary>
    /// <para type="synopsis">Hands a Google access token to tools that take nothing else: gcloud through a file, Terraform through a secret variable.</para>
    /// <para type="description">Writes the token into a new folder only the current user can read, then sets CLOUDSDK_AUTH_ACCESS_TOKEN_FILE (gcloud) to that file and GOOGLE_OAUTH_ACCESS_TOKEN (Terraform's Google provider) to the token, for this process and for the job's next steps (Azure Pipelines marks it issecret=true, GitHub Actions masks it). The token expires: hand on a credential configuration (Export-GoogleCredentialConfiguration) where the tools can refresh it themselves. Remove-GoogleCredentialConfiguration removes the file.</para>
    /// </summary>
    /// <example title="A service account token for the next steps">
    /// <code>
    /// Get-AzurePipelinesIdToken | Invoke-StsTokenExchange -Audience $provider -Scope cloud-platform |
    ///     New-GoogleServiceAccountAccessToken -ServiceAccount deployer@my-project.iam.gserviceaccount.com | Export-GoogleAccessToken
    /// </code>
    /// <para>gcloud and terraform in later steps act as the service account until the token expires.</para>
    /// </example>
    /// <example title="This process only">
    /// <code>
    /// $token | Export-GoogleAccessToken -NoEnvironmentVariable | Remove-GoogleCredentialConfiguration
    /// </code>
    /// <para>Writes the file and removes it again.</para>
    /// </example>
    /// <seealso href="https://cloud.google.com/sdk/gcloud/reference/config/set#auth/access_token_file">gcloud auth/access_token_file</seealso>
    [Cmdlet(VerbsData.Export, "GoogleAccessToken")]
    [OutputType(typeof(GoogleCredentialExport))]
    public sealed class ExportGoogleAccessTokenCommand : HandoffCmdlet
    {
        /// <summary>The access token (string or SecureString); binds from an StsToken's AccessToken.</summary>
        [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
        [SecretTransformation]
        [ValidateNotNull]
        public object AccessToken { get; set; } = string.Empty;

        private protected override Func<Task> Prepare(PipelineHandle pipe)
        {
            var token = EnvironmentVariables.Present(SecretText.FromParameter(AccessToken, nameof(AccessToken)))
                ?? throw new ArgumentException("The access token is empty.", nameof(AccessToken));
            return Hand(pipe, (parent, _) => CredentialConfigurationExport.WithAccessToken(parent, token, ProjectId));
        }
    }
}
