using System;
using System.IO;
using System.Linq;
using System.Management.Automation;
using System.Threading.Tasks;
using StsPowerShell.Core.Handoff;
using StsPowerShell.Pipeline;

namespace StsPowerShell.Commands
{
    /// <summary>
    /// <para type="synopsis">Removes the files Export-GoogleCredentialConfiguration or Export-GoogleAccessToken wrote.</para>
    /// <para type="description">Deletes each file piped in (the export's Files) and then the export's folder when nothing else is left in it, and clears the variables of this process that named those files (and GOOGLE_OAUTH_ACCESS_TOKEN with its token file). It removes only what an export writes: its file names, in a folder sts-&lt;12 hex digits&gt;; any other path is refused and nothing is deleted. Self-hosted agents keep their temporary folders between jobs, so remove what a job wrote before it ends. Supports -WhatIf.</para>
    /// </summary>
    /// <example title="At the end of a job">
    /// <code>
    /// $export | Remove-GoogleCredentialConfiguration
    /// </code>
    /// <para>Removes the configuration, any token or script file beside it, and their folder.</para>
    /// </example>
    /// <example title="See what would go">
    /// <code>
    /// $export | Remove-GoogleCredentialConfiguration -WhatIf
    /// </code>
    /// <para>Lists the files without deleting them.</para>
    /// </example>
    /// <returns>Nothing; -Verbose names each path removed.</returns>
    /// <seealso href="https://github.com/StsPowerShell/StsPowerShell/blob/main/README.md">StsPowerShell README</seealso>
    [Cmdlet(VerbsCommon.Remove, "GoogleCredentialConfiguration", SupportsShouldProcess = true)]
    [OutputType(typeof(void))]
    public sealed class RemoveGoogleCredentialConfigurationCommand : StsCmdlet
    {
        private static readonly string[] FileVariables = { "GOOGLE_APPLICATION_CREDENTIALS", "CLOUDSDK_AUTH_CREDENTIAL_FILE_OVERRIDE", "GOOGLE_GHA_CREDS_PATH", "CLOUDSDK_AUTH_ACCESS_TOKEN_FILE" };
        private const string AccessTokenVariable = "GOOGLE_OAUTH_ACCESS_TOKEN";

        /// <summary>The files to remove: an export's Files.</summary>
        [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
        [Alias("Files")]
        [ValidateNotNull]
        public string[] LiteralPath { get; set; } = new string[0];

        /// <summary>The export's folder, removed when empty afterwards.</summary>
        [Parameter(ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        public string? Folder { get; set; }

        private protected override Func<Task> Prepare(PipelineHandle pipe)
        {
            // As PowerShell resolves a -LiteralPath: from the current location, with PSDrives.
            var resolved = LiteralPath.Select(p => SessionState.Path.GetUnresolvedProviderPathFromPSPath(p)).ToArray();
            var folder = Folder == null ? null : SessionState.Path.GetUnresolvedProviderPathFromPSPath(Folder);
            var files = resolved.Where(f => ShouldProcess(f, "Remove")).ToArray();
            if (files.Length != resolved.Length)
            {
                return () => Task.CompletedTask;
            }

            // The access token's variable holds the token itself: cleared when its file goes.
            var tokenValue = Environment.GetEnvironmentVariable(AccessTokenVariable);
            var clearToken = tokenValue != null && files.Any(f => File.Exists(f) && string.Equals(File.ReadAllText(f), tokenValue, StringComparison.Ordinal));
            var removed = CredentialConfigurationExport.Remove(files, folder);
            foreach (var name in FileVariables)
            {
                var value = Environment.GetEnvironmentVariable(name);
                if (value != null && files.Contains(value, StringComparer.Ordinal))
                {
                    Environment.SetEnvironmentVariable(name, null);
                }
            }

            if (clearToken)
            {
                Environment.SetEnvironmentVariable(AccessTokenVariable, null);
            }

            return () =>
            {
                foreach (var path in removed)
                {
                    pipe.Verbose($"Removed {path}.");
                }

                return Task.CompletedTask;
            };
        }
    }
}
