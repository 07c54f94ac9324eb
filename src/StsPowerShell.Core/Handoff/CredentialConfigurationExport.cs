using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using StsPowerShell.Core.Google;

namespace StsPowerShell.Core.Handoff
{
    /// <summary>What an export wrote and which variables point at it.</summary>
    public sealed class ExportedFiles
    {
        internal ExportedFiles(string folder, string path, IReadOnlyList<string> files, IReadOnlyList<StepVariable> variables, string kind)
        {
            Folder = folder;
            Path = path;
            Files = files;
            Variables = variables;
            Kind = kind;
        }

        /// <summary>The folder of its own the files are in.</summary>
        public string Folder { get; }

        /// <summary>The file the variables name: the credential configuration, or the access token file.</summary>
        public string Path { get; }

        /// <summary>Every file written, for removal.</summary>
        public IReadOnlyList<string> Files { get; }

        /// <summary>The variables for the next steps.</summary>
        public IReadOnlyList<StepVariable> Variables { get; }

        /// <summary>The credential source (file, url, executable, aws1), or access_token.</summary>
        public string Kind { get; }
    }

    /// <summary>
    /// Writes credential configuration files, and access token files, into a folder of their own that only the current
    /// user can read, with the variables google-github-actions/auth sets for them.
    /// </summary>
    public static class CredentialConfigurationExport
    {
        private const string ConfigurationName = "credential-configuration.json";
        private const string SubjectTokenName = "subject-token";
        private const string AccessTokenName = "access-token";
        private const string CertificateConfigurationName = "certificate_config.json";

        // What an export folder is called (OwnerOnlyFiles.CreateFolder), and what an export may write in it: removal
        // touches nothing else, whatever paths it is given.
        private static readonly System.Text.RegularExpressions.Regex ExportFolder = new System.Text.RegularExpressions.Regex("^sts-[0-9a-f]{12}$", System.Text.RegularExpressions.RegexOptions.CultureInvariant);

        /// <summary>The subject token in a file of its own, named by a file source.</summary>
        public static ExportedFiles WithSubjectTokenFile(string parent, CredentialConfigurationWriter writer, string subjectToken, string subjectTokenType, string? projectId) =>
            InFolder(parent, folder =>
            {
                var tokenFile = System.IO.Path.Combine(folder, SubjectTokenName);
                OwnerOnlyFiles.Write(tokenFile, subjectToken);
                return Finish(folder, writer, subjectTokenType, CredentialSourceJson.File(tokenFile), projectId, new[] { tokenFile }, executable: false);
            });

        /// <summary>A command that prints the subject token when a consumer runs it; <paramref name="script"/> is written beside the configuration as <paramref name="scriptName"/>.</summary>
        /// <exception cref="ArgumentException">The command line would not survive Google's tools splitting it; names PowerShellPath.</exception>
        public static ExportedFiles WithExecutable(string parent, CredentialConfigurationWriter writer, string subjectTokenType, IReadOnlyList<string> launcher, string scriptName, string script, int timeoutMillis, string? projectId) =>
            InFolder(parent, folder =>
            {
                var scriptFile = System.IO.Path.Combine(folder, scriptName);
                var command = CommandLine(launcher.Concat(new[] { scriptFile }));
                OwnerOnlyFiles.Write(scriptFile, script);
                return Finish(folder, writer, subjectTokenType, CredentialSourceJson.Executable(command, timeoutMillis), projectId, new[] { scriptFile }, executable: true);
            });

        /// <summary>
        /// A client certificate named by a certificate_config.json written beside the configuration
        /// (cert_configs.workload.cert_path and key_path, as gcloud writes it): the files stay where they are.
        /// </summary>
        public static ExportedFiles WithCertificateFiles(string parent, CredentialConfigurationWriter writer, string certificatePath, string privateKeyPath, string? trustChainPath, string? projectId) =>
            InFolder(parent, folder =>
            {
                var certificateConfiguration = System.IO.Path.Combine(folder, CertificateConfigurationName);
                OwnerOnlyFiles.Write(certificateConfiguration, CertificateConfiguration(certificatePath, privateKeyPath));
                return Finish(folder, writer, "mtls", CredentialSourceJson.Certificate(certificateConfiguration, trustChainPath), projectId, new[] { certificateConfiguration }, executable: false);
            });

        /// <summary>A source that names only endpoints or existing files (url, aws1, certificate).</summary>
        public static ExportedFiles WithSource(string parent, CredentialConfigurationWriter writer, string subjectTokenType, CredentialSourceJson source, string? projectId) =>
            InFolder(parent, folder => Finish(folder, writer, subjectTokenType, source, projectId, new string[0], executable: false));

        /// <summary>
        /// An access token for tools that take nothing else: in a file for gcloud (CLOUDSDK_AUTH_ACCESS_TOKEN_FILE), and
        /// as the value Terraform reads (GOOGLE_OAUTH_ACCESS_TOKEN, a secret).
        /// </summary>
        public static ExportedFiles WithAccessToken(string parent, string accessToken, string? projectId) =>
            InFolder(parent, folder =>
            {
                var file = System.IO.Path.Combine(folder, AccessTokenName);
                OwnerOnlyFiles.Write(file, accessToken);
                var variables = new List<StepVariable>
                {
                    new StepVariable("CLOUDSDK_AUTH_ACCESS_TOKEN_FILE", file),
                    new StepVariable("GOOGLE_OAUTH_ACCESS_TOKEN", accessToken, isSecret: true),
                };
                variables.AddRange(ProjectVariables(projectId));
                return new ExportedFiles(folder, file, new[] { file }, variables, "access_token");
            });

        // A new folder for one export, deleted with whatever was written in it when the export fails (a refused
        // field, a value on several lines): no token file outlives an export nobody got an answer from.
        private static ExportedFiles InFolder(string parent, Func<string, ExportedFiles> export)
        {
            var folder = OwnerOnlyFiles.CreateFolder(parent);
            try
            {
                return export(folder);
            }
            catch
            {
                Directory.Delete(folder, recursive: true);
                throw;
            }
        }

        /// <summary>Deletes <paramref name="files"/>, then <paramref name="folder"/> when nothing else is left in it.</summary>
        /// <returns>The paths deleted.</returns>
        /// <exception cref="ArgumentException">A path an export did not write (not one of its file names in an export folder); nothing is deleted.</exception>
        public static IReadOnlyList<string> Remove(IEnumerable<string> files, string? folder)
        {
            var paths = files.Select(f => System.IO.Path.GetFullPath(f)).ToArray();
            var foreign = paths.FirstOrDefault(p => !IsExportFile(p));
            if (foreign != null)
            {
                throw new ArgumentException($"'{foreign}' was not written by an export (an export writes {ConfigurationName}, {SubjectTokenName}, {AccessTokenName}, {CertificateConfigurationName} or a script, in a folder sts-<12 hex digits> of its own); nothing was removed.", "LiteralPath");
            }

            if (folder != null && !ExportFolder.IsMatch(System.IO.Path.GetFileName(System.IO.Path.GetFullPath(folder).TrimEnd(System.IO.Path.DirectorySeparatorChar))))
            {
                throw new ArgumentException($"'{folder}' is not a folder an export created (sts-<12 hex digits>); nothing was removed.", "Folder");
            }

            var removed = new List<string>();
            foreach (var file in paths.Where(File.Exists))
            {
                File.Delete(file);
                removed.Add(file);
            }

            if (folder != null && Directory.Exists(folder) && !Directory.EnumerateFileSystemEntries(folder).Any())
            {
                Directory.Delete(folder);
                removed.Add(folder);
            }

            return removed;
        }

        private static bool IsExportFile(string path)
        {
            var name = System.IO.Path.GetFileName(path);
            var parent = System.IO.Path.GetFileName(System.IO.Path.GetDirectoryName(path) ?? string.Empty);
            return ExportFolder.IsMatch(parent)
                && (name == ConfigurationName || name == SubjectTokenName || name == AccessTokenName || name == CertificateConfigurationName || name.EndsWith(".ps1", StringComparison.Ordinal));
        }

        /// <summary>
        /// The command line of an executable source. google-auth splits it with shlex (which drops backslashes) and
        /// gcloud's bundled copy on white space, so no part may hold either; Windows takes forward slashes in paths.
        /// </summary>
        /// <exception cref="ArgumentException">A part holds white space or quotes; names PowerShellPath.</exception>
        public static string CommandLine(IEnumerable<string> parts)
        {
            var cleaned = parts.Select(p => p.Replace('\\', '/')).ToArray();
            var bad = cleaned.FirstOrDefault(p => p.Length == 0 || p.Any(c => char.IsWhiteSpace(c) || c == '"' || c == '\''));
            if (bad != null)
            {
                throw new ArgumentException($"'{bad}' holds a space or a quote, which Google's tools split or strip in an executable's command: give -PowerShellPath and -Path without spaces (on Windows an 8.3 short name, or just pwsh.exe to find it on PATH).", "PowerShellPath");
            }

            return string.Join(" ", cleaned);
        }

        private static ExportedFiles Finish(string folder, CredentialConfigurationWriter writer, string subjectTokenType, CredentialSourceJson source, string? projectId, IReadOnlyList<string> written, bool executable)
        {
            var configuration = System.IO.Path.Combine(folder, ConfigurationName);
            OwnerOnlyFiles.Write(configuration, writer.Write(subjectTokenType, source));
            var variables = new List<StepVariable>
            {
                new StepVariable("GOOGLE_APPLICATION_CREDENTIALS", configuration),
                new StepVariable("CLOUDSDK_AUTH_CREDENTIAL_FILE_OVERRIDE", configuration),
                new StepVariable("GOOGLE_GHA_CREDS_PATH", configuration),
            };
            if (executable)
            {
                // Google's tools run executables only when this says they may.
                variables.Add(new StepVariable("GOOGLE_EXTERNAL_ACCOUNT_ALLOW_EXECUTABLES", "1"));
            }

            variables.AddRange(ProjectVariables(projectId));
            return new ExportedFiles(folder, configuration, written.Concat(new[] { configuration }).ToArray(), variables, source.Kind);
        }

        private static string CertificateConfiguration(string certificatePath, string privateKeyPath)
        {
            using var stream = new MemoryStream();
            using (var writer = new System.Text.Json.Utf8JsonWriter(stream, new System.Text.Json.JsonWriterOptions { Indented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
            {
                writer.WriteStartObject();
                writer.WriteStartObject("cert_configs");
                writer.WriteStartObject("workload");
                writer.WriteString("cert_path", certificatePath);
                writer.WriteString("key_path", privateKeyPath);
                writer.WriteEndObject();
                writer.WriteEndObject();
                writer.WriteEndObject();
            }

            return System.Text.Encoding.UTF8.GetString(stream.ToArray()) + "\n";
        }

        // The project variables google-github-actions/auth sets, which gcloud, Terraform and the client libraries read.
        private static IEnumerable<StepVariable> ProjectVariables(string? projectId) =>
            projectId == null
                ? Enumerable.Empty<StepVariable>()
                : new[] { "CLOUDSDK_CORE_PROJECT", "CLOUDSDK_PROJECT", "GCLOUD_PROJECT", "GCP_PROJECT", "GOOGLE_CLOUD_PROJECT" }.Select(name => new StepVariable(name, projectId));
    }
}
