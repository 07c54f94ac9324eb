using System.Linq;
using StsPowerShell.Core.Handoff;

namespace StsPowerShell
{
    /// <summary>
    /// Files an export wrote, and the variables it set for this process and the job's next steps. Files and Folder
    /// bind by name to Remove-GoogleCredentialConfiguration.
    /// </summary>
    public sealed class GoogleCredentialExport
    {
        /// <summary>The file the variables name: the credential configuration, or the access token file.</summary>
        public string Path { get; set; } = string.Empty;

        /// <summary>The folder of its own the files are in, readable by the current user only.</summary>
        public string Folder { get; set; } = string.Empty;

        /// <summary>Every file written.</summary>
        public string[] Files { get; set; } = new string[0];

        /// <summary>file, url, executable or aws1; access_token for an access token file.</summary>
        public string CredentialSource { get; set; } = string.Empty;

        /// <summary>The names of the variables set (their values are not kept here: some are secrets).</summary>
        public string[] Variables { get; set; } = new string[0];

        /// <summary>Where the variables went: Process, AzurePipelines or GitHubActions.</summary>
        public string StepHost { get; set; } = string.Empty;

        /// <summary>The configuration or token file.</summary>
        public override string ToString() => Path;

        internal static GoogleCredentialExport From(ExportedFiles files, StepHost? host) => new GoogleCredentialExport
        {
            Path = files.Path,
            Folder = files.Folder,
            Files = files.Files.ToArray(),
            CredentialSource = files.Kind,
            Variables = host == null ? new string[0] : files.Variables.Select(v => v.Name).ToArray(),
            StepHost = host?.ToString() ?? "none",
        };
    }
}
