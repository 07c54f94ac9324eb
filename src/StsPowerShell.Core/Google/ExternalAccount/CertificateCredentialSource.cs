using System;
using System.Collections.Generic;
using System.IO;
using System.Runtime.InteropServices;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using StsPowerShell.Core.Certificates;

namespace StsPowerShell.Core.Google
{
    /// <summary>
    /// credential_source.certificate: X.509 workload identity federation. The certificate and key named by a
    /// <c>certificate_config.json</c> are presented in mutual TLS, and the certificate with the chain of
    /// <c>trust_chain_path</c> is the subject token, as google-auth does it.
    /// </summary>
    public sealed class CertificateCredentialSource : CredentialSource
    {
        /// <summary>The variable that names the certificate configuration, as google-auth reads it.</summary>
        public const string ConfigurationVariable = "GOOGLE_API_CERTIFICATE_CONFIG";

        private const string ConfigurationFileName = "certificate_config.json";
        private const string ParameterName = "ConfigurationFile";
        private const int MaximumConfigurationBytes = 64 * 1024;

        private CertificateCredentialSource(string? configurationLocation, string? trustChainPath)
        {
            ConfigurationLocation = configurationLocation;
            TrustChainPath = trustChainPath;
        }

        /// <inheritdoc />
        public override string Kind => "certificate";

        /// <summary>certificate_config_location; null with use_default_certificate_config.</summary>
        public string? ConfigurationLocation { get; }

        /// <summary>trust_chain_path, a PEM file of the chain after the leaf (it may start with the leaf); null when absent.</summary>
        public string? TrustChainPath { get; }

        /// <summary>Whether the platform is Windows, for where gcloud keeps its configuration; replaceable for tests.</summary>
        internal static Func<bool> IsWindows { get; set; } = () => RuntimeInformation.IsOSPlatform(OSPlatform.Windows);

        /// <inheritdoc />
        public override async Task<string> GetSubjectTokenAsync(SubjectTokenContext context, CancellationToken cancellationToken) =>
            (await LoadAsync(context, cancellationToken).ConfigureAwait(false)).SubjectToken;

        /// <summary>The certificate, its key and chain, checked at the context's time.</summary>
        /// <exception cref="SubjectTokenSourceException">No certificate configuration is found, or it is malformed.</exception>
        /// <exception cref="CertificateUnusableException">A certificate or key file is unusable, or the certificate is.</exception>
        public async Task<WorkloadCertificate> LoadAsync(SubjectTokenContext context, CancellationToken cancellationToken)
        {
            var configurationPath = Locate(ConfigurationLocation, context.Environment);
            string? text;
            try
            {
                text = await LocalFile.ReadTextAsync(configurationPath, MaximumConfigurationBytes, context.HttpOptions.Timeout, cancellationToken).ConfigureAwait(false);
            }
            catch (UnusableInputException e)
            {
                throw new SubjectTokenSourceException(Kind, e.Message + ".");
            }

            if (text == null)
            {
                throw new SubjectTokenSourceException(Kind, $"the certificate configuration {configurationPath} does not exist.");
            }

            var (certificatePath, keyPath) = ReadWorkloadPaths(text, configurationPath);
            context.HttpOptions.Logger?.Verbose($"Reading the workload certificate {certificatePath} named by {configurationPath}.");
            var certificate = CertificateLoader.FromPem(certificatePath, keyPath, ParameterName);
            var chain = string.IsNullOrEmpty(TrustChainPath) ? Array.Empty<X509Certificate2>() : CertificateLoader.ReadChain(TrustChainPath!, ParameterName);
            return WorkloadCertificate.Create(certificate, chain, context.HttpOptions.Clock(), ParameterName);
        }

        /// <summary>
        /// The certificate configuration to read: <paramref name="location"/> when the file names one, else
        /// GOOGLE_API_CERTIFICATE_CONFIG, else gcloud's configuration folder. On Windows both %APPDATA%\gcloud (where gcloud
        /// writes) and %USERPROFILE%\.config\gcloud (where google-auth looks) are tried, in that order.
        /// </summary>
        /// <exception cref="SubjectTokenSourceException">None of the places holds the file.</exception>
        public static string Locate(string? location, IReadOnlyDictionary<string, string?> environment)
        {
            if (!string.IsNullOrWhiteSpace(location))
            {
                return ExpandHome(location!.Trim(), environment);
            }

            var fromVariable = EnvironmentVariables.Get(environment, ConfigurationVariable);
            if (fromVariable != null)
            {
                return ExpandHome(fromVariable, environment);
            }

            var candidates = new List<string>();
            if (IsWindows())
            {
                var appData = EnvironmentVariables.Get(environment, "APPDATA");
                if (appData != null)
                {
                    candidates.Add(Path.Combine(appData, "gcloud", ConfigurationFileName));
                }
            }

            var home = Home(environment);
            if (home != null)
            {
                candidates.Add(Path.Combine(home, ".config", "gcloud", ConfigurationFileName));
            }

            foreach (var candidate in candidates)
            {
                if (File.Exists(candidate))
                {
                    return candidate;
                }
            }

            throw new SubjectTokenSourceException("certificate",
                $"no certificate configuration was found: use_default_certificate_config looks in {ConfigurationVariable} (not set), then {(candidates.Count == 0 ? "the home folder (none is set)" : string.Join(" and ", candidates))}. " +
                "Create one with 'gcloud iam workload-identity-pools create-cred-config ... --credential-cert-path ... --credential-cert-private-key-path ...', or set certificate_config_location.");
        }

        internal static CertificateCredentialSource Parse(JsonFields certificate)
        {
            certificate.OnlyKnown("use_default_certificate_config", "certificate_config_location", "trust_chain_path");
            var location = certificate.OptionalString("certificate_config_location");
            var useDefault = certificate.OptionalBoolean("use_default_certificate_config") == true;
            if (!string.IsNullOrWhiteSpace(location) && useDefault)
            {
                throw certificate.Error("certificate_config_location", "cannot be given when use_default_certificate_config is true.");
            }

            if (string.IsNullOrWhiteSpace(location) && !useDefault)
            {
                throw certificate.Error("use_default_certificate_config", "must be true when no certificate_config_location is given.");
            }

            return new CertificateCredentialSource(location, certificate.OptionalString("trust_chain_path"));
        }

        // certificate_config.json: {"cert_configs": {"workload": {"cert_path": "...", "key_path": "..."}}}, as google-auth reads it.
        private (string CertificatePath, string KeyPath) ReadWorkloadPaths(string text, string path)
        {
            try
            {
                using var document = Http.JsonText.Parse(text);
                if (document.RootElement.ValueKind == JsonValueKind.Object
                    && document.RootElement.TryGetProperty("cert_configs", out var configs) && configs.ValueKind == JsonValueKind.Object
                    && configs.TryGetProperty("workload", out var workload) && workload.ValueKind == JsonValueKind.Object)
                {
                    return (PathField(workload, "cert_path", path), PathField(workload, "key_path", path));
                }
            }
            catch (JsonException)
            {
                throw new SubjectTokenSourceException(Kind, $"the certificate configuration {path} is not JSON.");
            }

            throw new SubjectTokenSourceException(Kind, $"the certificate configuration {path} has no cert_configs.workload object.");
        }

        private string PathField(JsonElement workload, string name, string path) =>
            workload.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String && !string.IsNullOrWhiteSpace(value.GetString())
                ? value.GetString()!
                : throw new SubjectTokenSourceException(Kind, $"the certificate configuration {path} has no {name} string in cert_configs.workload.");

        private static string? Home(IReadOnlyDictionary<string, string?> environment) =>
            EnvironmentVariables.Get(environment, IsWindows() ? "USERPROFILE" : "HOME") ?? EnvironmentVariables.Get(environment, "HOME");

        // As Python's os.path.expanduser, which google-auth applies to these paths.
        private static string ExpandHome(string path, IReadOnlyDictionary<string, string?> environment)
        {
            var home = Home(environment);
            return home != null && (path == "~" || path.StartsWith("~/", StringComparison.Ordinal) || path.StartsWith("~\\", StringComparison.Ordinal))
                ? home + path.Substring(1)
                : path;
        }
    }
}
