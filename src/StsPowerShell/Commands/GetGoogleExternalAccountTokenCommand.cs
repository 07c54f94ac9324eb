using System;
using System.Management.Automation;
using System.Threading.Tasks;
using StsPowerShell.Completion;
using StsPowerShell.Core;
using StsPowerShell.Core.Exchange;
using StsPowerShell.Core.Google;
using StsPowerShell.Parameters;
using StsPowerShell.Pipeline;

namespace StsPowerShell.Commands
{
    /// <summary>
    /// <para type="synopsis">Gets a Google access token from an external_account credential configuration file, as Google's client libraries do.</para>
    /// <para type="description">Reads the file gcloud iam workload-identity-pools create-cred-config (or the workforce-pool variant) wrote, or the one GOOGLE_APPLICATION_CREDENTIALS names; gets the subject token from its credential_source (file, url, aws1, or executable when GOOGLE_EXTERNAL_ACCOUNT_ALLOW_EXECUTABLES=1); exchanges it at the file's token_url; and impersonates the service account of service_account_impersonation_url when there is one. Writes an StsPowerShell.StsToken.</para>
    /// <para type="description">Within the session, a token for the same file and scopes is reused until five minutes before it expires; -Force gets a fresh one. Nothing is written to disk. An unknown or malformed field is an error naming the field and the file.</para>
    /// </summary>
    /// <example title="Migrate from a gcloud credential configuration">
    /// <code>
    /// gcloud iam workload-identity-pools create-cred-config projects/123/locations/global/workloadIdentityPools/p/providers/q --aws --output-file=config.json
    /// $token = Get-GoogleExternalAccountToken -ConfigurationFile ./config.json
    /// Invoke-RestMethod https://storage.googleapis.com/storage/v1/b?project=my-project -Authentication Bearer -Token $token.AccessToken
    /// </code>
    /// <para>The same file Google's libraries read, in one line.</para>
    /// </example>
    /// <example title="Use GOOGLE_APPLICATION_CREDENTIALS, and force a fresh token">
    /// <code>
    /// $env:GOOGLE_APPLICATION_CREDENTIALS = '/etc/gcp/credential-config.json'
    /// Get-GoogleExternalAccountToken -Scope cloud-platform.read-only -Force -Verbose
    /// </code>
    /// <para>Verbose output says whether the token was reused.</para>
    /// </example>
    /// <seealso href="https://google.aip.dev/auth/4117">AIP-4117: external account credentials</seealso>
    /// <seealso href="https://github.com/StsPowerShell/StsPowerShell/blob/main/README.md">StsPowerShell README</seealso>
    [Cmdlet(VerbsCommon.Get, "GoogleExternalAccountToken")]
    [OutputType(typeof(StsToken))]
    public sealed class GetGoogleExternalAccountTokenCommand : NetworkCmdlet
    {
        /// <summary>The external_account configuration file; GOOGLE_APPLICATION_CREDENTIALS when not given. Either, when relative, is relative to the current PowerShell location.</summary>
        [Parameter(Position = 0, ValueFromPipelineByPropertyName = true)]
        [Alias("Path", "FullName")]
        [ValidateNotNullOrEmpty]
        public string? ConfigurationFile { get; set; }

        /// <summary>The scopes of the access token; Google's short names such as cloud-platform are accepted.</summary>
        /// <value>https://www.googleapis.com/auth/cloud-platform</value>
        [Parameter]
        [ArgumentCompleter(typeof(ScopeCompleter))]
        [ValidateNotNullOrEmpty]
        public string[] Scope { get; set; } = { GoogleSts.CloudPlatformScope };

        /// <summary>Gets a fresh token even when the session holds one that is still valid.</summary>
        [Parameter]
        public SwitchParameter Force { get; set; }

        /// <summary>Returns the token as a plain string instead of a SecureString.</summary>
        [Parameter]
        public SwitchParameter AsPlainText { get; set; }

        /// <inheritdoc />
        private protected override object? CurrentTarget => ConfigurationFile;

        private protected override Func<Task> Prepare(PipelineHandle pipe)
        {
            var environment = EnvironmentVariables.FromProcess();
            // A relative path, given or in GOOGLE_APPLICATION_CREDENTIALS, is relative to the PowerShell location.
            var path = ProviderPath.ResolveFile(this, ExternalAccountConfiguration.ResolvePath(ConfigurationFile, environment), nameof(ConfigurationFile));
            var context = new SubjectTokenContext(environment, HttpOptions(pipe));
            var reuse = Force ? TokenReuse.Refresh : TokenReuse.Reuse;
            var asPlainText = AsPlainText.IsPresent;
            return async () =>
            {
                var configuration = await ExternalAccountConfiguration.LoadAsync(path, context.HttpOptions.Timeout, Cancellation).ConfigureAwait(false);
                var credential = new ExternalAccountCredential(configuration, context);
                var token = await credential.GetAccessTokenAsync(Scope, reuse, TokenCache.Shared, Cancellation).ConfigureAwait(false);
                pipe.WriteObject(StsToken.FromIssued(token, asPlainText));
            };
        }
    }
}
