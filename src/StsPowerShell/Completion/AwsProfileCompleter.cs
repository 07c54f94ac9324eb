using System;
using System.Collections;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using StsPowerShell.Core.Aws;

namespace StsPowerShell.Completion
{
    /// <summary>Completes profile names from the shared AWS credentials and config files (honouring -ProfileLocation).</summary>
    public sealed class AwsProfileCompleter : CandidateCompleter
    {
        /// <inheritdoc />
        protected override IEnumerable<string> Candidates(IDictionary fakeBoundParameters)
        {
            var options = AwsDiscoveryOptions.FromProcessEnvironment();
            options.ProfileLocation = FileSystemPath(fakeBoundParameters["ProfileLocation"] as string);
            return AwsSharedConfig.ProfileNames(options.CredentialsFile).Concat(AwsSharedConfig.ProfileNames(options.ConfigFile)).Distinct(StringComparer.Ordinal);
        }

        // As the cmdlet resolves it: relative to the PowerShell location, with ~ and PSDrives. The completer runs
        // inside the pipeline that asked for completion, so it asks the session through a nested one.
        private static string? FileSystemPath(string? path)
        {
            if (string.IsNullOrWhiteSpace(path))
            {
                return path;
            }

            try
            {
                using var shell = PowerShell.Create(RunspaceMode.CurrentRunspace);
                shell.AddScript("param($p) $ExecutionContext.SessionState.Path.GetUnresolvedProviderPathFromPSPath($p)").AddArgument(path);
                var resolved = shell.Invoke();
                return resolved.Count == 1 && resolved[0]?.BaseObject is string text ? text : path;
            }
            catch (Exception e) when (e is RuntimeException || e is PSInvalidOperationException || e is InvalidOperationException)
            {
                return path;
            }
        }
    }
}
