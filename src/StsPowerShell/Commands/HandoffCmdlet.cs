using System;
using System.Collections.Generic;
using System.Management.Automation;
using System.Threading.Tasks;
using StsPowerShell.Core;
using StsPowerShell.Core.Handoff;
using StsPowerShell.Parameters;
using StsPowerShell.Pipeline;

namespace StsPowerShell.Commands
{
    /// <summary>
    /// The base of the cmdlets that hand an identity on to the job's next steps: where the files go, the project for
    /// the next steps, and whether the variables are set; each writes one export and reports it.
    /// </summary>
    public abstract class HandoffCmdlet : StsCmdlet
    {
        /// <summary>The Google Cloud project for the next steps: sets CLOUDSDK_CORE_PROJECT, GOOGLE_CLOUD_PROJECT and the like.</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? ProjectId { get; set; }

        /// <summary>The folder to create the export's own folder in (0700 on Unix); the temporary folder when not given. On Unix a folder every user may write in is refused unless it has the sticky bit, as /tmp has.</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? Path { get; set; }

        /// <summary>Writes the files without setting any variable.</summary>
        [Parameter]
        public SwitchParameter NoEnvironmentVariable { get; set; }

        /// <summary>
        /// Runs <paramref name="export"/> (given the folder under -Path and the process environment) on the pipeline thread, then sets its variables
        /// (unless -NoEnvironmentVariable) for this process and the next steps, and writes what it did.
        /// </summary>
        private protected Func<Task> Hand(PipelineHandle pipe, Func<string, IReadOnlyDictionary<string, string?>, ExportedFiles> export)
        {
            var parent = Path == null ? System.IO.Path.GetTempPath() : ProviderPath.ResolveFolder(this, Path, nameof(Path));
            var environment = EnvironmentVariables.FromProcess();
            var exported = export(parent, environment);
            var noVariables = NoEnvironmentVariable.IsPresent;
            return () =>
            {
                StepHost? host = noVariables ? null : StepVariables.Export(exported.Variables, environment, pipe.WriteHostLine);
                pipe.WriteObject(GoogleCredentialExport.From(exported, host));
                return Task.CompletedTask;
            };
        }
    }
}
