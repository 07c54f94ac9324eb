using System.Threading.Tasks;
using System.Threading;
using System;
using System.Collections.Generic;
using System.IO;
using System.Text.Json;
using System.Text.RegularExpressions;
using StsPowerShell.Core.Exchange;

using StsPowerShell.Core.Http;

namespace StsPowerShell.Core.Google
{
    /// <summary>
    /// A Google <c>external_account</c> credential configuration file, as <c>gcloud iam workload-identity-pools
    /// create-cred-config</c> (or the workforce-pool variant) writes it. Parsing is strict: an unknown or
    /// malformed field is an error naming the field and the file.
    /// </summary>
    public sealed class ExternalAccountConfiguration
    {
        /// <summary>The variable that names the default configuration file.</summary>
        public const string ApplicationCredentialsVariable = "GOOGLE_APPLICATION_CREDENTIALS";

        /// <summary>The largest configuration file read.</summary>
        public const int MaximumFileBytes = 64 * 1024;

        // A DNS name: dot-separated labels of letters, digits and inner hyphens, at most 63 characters each.
        private static readonly Regex DnsName = new Regex(@"^(?=.{1,253}\z)[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*\z", RegexOptions.CultureInvariant);
        private static readonly Regex ImpersonationUrl = new Regex(@"/serviceAccounts/(?<account>[^/:]+):generateAccessToken$", RegexOptions.CultureInvariant);

        private ExternalAccountConfiguration(string path)
        {
            Path = path;
        }

        /// <summary>The file it was read from.</summary>
        public string Path { get; }

        /// <summary>The pool provider's full resource name.</summary>
        public string Audience { get; private set; } = string.Empty;

        /// <summary>The type of the subject token the source yields.</summary>
        public string SubjectTokenType { get; private set; } = string.Empty;

        /// <summary>The STS token endpoint.</summary>
        public Uri TokenUrl { get; private set; } = new Uri(GoogleSts.DefaultTokenEndpoint);

        /// <summary>The generateAccessToken URL of the service account to impersonate, if any.</summary>
        public Uri? ServiceAccountImpersonationUrl { get; private set; }

        /// <summary>The impersonated service account's email, taken from its URL.</summary>
        public string? ServiceAccountEmail { get; private set; }

        /// <summary>service_account_impersonation.token_lifetime_seconds (600–43200; 3600 when absent).</summary>
        public int TokenLifetimeSeconds { get; private set; } = 3600;

        /// <summary>The project billed for a workforce pool exchange without client credentials.</summary>
        public string? WorkforcePoolUserProject { get; private set; }

        /// <summary>The universe domain (googleapis.com unless set).</summary>
        public string UniverseDomain { get; private set; } = "googleapis.com";

        /// <summary>The OAuth client, if the file names one.</summary>
        public ClientAuthentication? Client { get; private set; }

        /// <summary>A hash of the file's text: two loads of an unchanged file share cached tokens.</summary>
        public string Fingerprint { get; private set; } = string.Empty;

        /// <summary>Where the subject token comes from.</summary>
        public CredentialSource CredentialSource { get; private set; } = null!;

        /// <summary>
        /// The file to read: <paramref name="path"/> when given, else the one GOOGLE_APPLICATION_CREDENTIALS names (as
        /// Google's libraries read it, relative to the process directory).
        /// </summary>
        /// <exception cref="ArgumentException">Neither names a file; ParamName is ConfigurationFile.</exception>
        public static string ResolvePath(string? path, IReadOnlyDictionary<string, string?> environment) =>
            EnvironmentVariables.Present(path) ?? EnvironmentVariables.Get(environment, ApplicationCredentialsVariable)
            ?? throw new ArgumentException($"Give -ConfigurationFile, or set {ApplicationCredentialsVariable} to the file 'gcloud iam workload-identity-pools create-cred-config' wrote.", "ConfigurationFile");

        /// <summary>Reads and checks the file at <paramref name="path"/>, waiting at most 30 s for it.</summary>
        /// <exception cref="ExternalAccountConfigurationException">The file is missing, too large, unreadable in time, or malformed.</exception>
        public static ExternalAccountConfiguration Load(string path) =>
            LoadAsync(path, TimeSpan.FromSeconds(30), CancellationToken.None).GetAwaiter().GetResult();

        /// <summary>
        /// Reads and checks the file at <paramref name="path"/>: at most <see cref="MaximumFileBytes"/> whatever size
        /// it reports, within <paramref name="timeout"/> even when the file blocks (a pipe, an unresponsive share).
        /// </summary>
        /// <exception cref="ExternalAccountConfigurationException">The file is missing, too large, unreadable in time, or malformed.</exception>
        public static async Task<ExternalAccountConfiguration> LoadAsync(string path, TimeSpan timeout, CancellationToken cancellationToken)
        {
            string full;
            try
            {
                full = System.IO.Path.GetFullPath(path);
            }
            catch (Exception e) when (e is ArgumentException || e is NotSupportedException || e is PathTooLongException)
            {
                throw new ExternalAccountConfigurationException(path, string.Empty, $"is not a usable path ({e.GetType().Name}).");
            }

            string? text;
            try
            {
                text = await LocalFile.ReadTextAsync(full, MaximumFileBytes, timeout, cancellationToken).ConfigureAwait(false);
            }
            catch (UnusableInputException e)
            {
                throw new ExternalAccountConfigurationException(full, string.Empty, e.Message.StartsWith(full, StringComparison.Ordinal) ? e.Message.Substring(full.Length).TrimStart(':', ' ') + "." : e.Message);
            }

            return text == null
                ? throw new ExternalAccountConfigurationException(full, string.Empty, "does not exist.")
                : Parse(text, full);
        }

        /// <summary>Parses configuration text; <paramref name="path"/> names it in errors.</summary>
        /// <exception cref="ExternalAccountConfigurationException">The text is malformed.</exception>
        public static ExternalAccountConfiguration Parse(string json, string path)
        {
            JsonDocument document;
            try
            {
                document = JsonText.Parse(json);
            }
            catch (JsonException e)
            {
                throw new ExternalAccountConfigurationException(path, string.Empty, $"is not JSON (line {e.LineNumber + 1}).");
            }

            using (document)
            {
                if (document.RootElement.ValueKind != JsonValueKind.Object)
                {
                    throw new ExternalAccountConfigurationException(path, string.Empty, "is not a JSON object.");
                }

                var fields = new JsonFields(document.RootElement, path, string.Empty);
                fields.OnlyKnown("type", "audience", "subject_token_type", "token_url", "service_account_impersonation_url", "service_account_impersonation",
                    "credential_source", "token_info_url", "client_id", "client_secret", "workforce_pool_user_project", "universe_domain", "quota_project_id");
                var type = fields.RequiredString("type");
                if (type != "external_account")
                {
                    throw fields.Error("type", $"is '{type}'; this cmdlet reads external_account files (workload and workforce identity federation).");
                }

                var configuration = new ExternalAccountConfiguration(path)
                {
                    Fingerprint = TokenCache.Key(json),
                    Audience = fields.RequiredString("audience"),
                    UniverseDomain = ReadUniverseDomain(fields),
                    WorkforcePoolUserProject = fields.OptionalString("workforce_pool_user_project"),
                };
                configuration.SubjectTokenType = ReadTokenType(fields);
                configuration.TokenUrl = fields.Has("token_url") ? fields.Url("token_url", allowMetadataHttp: false) : new Uri($"https://sts.{configuration.UniverseDomain}/v1/token");
                configuration.ReadImpersonation(fields);
                configuration.ReadClient(fields);
                if (configuration.WorkforcePoolUserProject != null && !GooglePoolProvider.IsWorkforcePoolProvider(configuration.Audience))
                {
                    throw fields.Error("workforce_pool_user_project", "applies only to workforce pool audiences (//iam.googleapis.com/locations/…/workforcePools/…).");
                }

                var source = fields.OptionalObject("credential_source") ?? throw fields.Error("credential_source", "is required.");
                configuration.CredentialSource = CredentialSource.Read(source, configuration);
                return configuration;
            }
        }

        // It becomes the host of the default token URL, so nothing but a host name may pass.
        private static string ReadUniverseDomain(JsonFields fields)
        {
            var domain = fields.OptionalString("universe_domain");
            if (domain == null)
            {
                return "googleapis.com";
            }

            return DnsName.IsMatch(domain)
                ? domain
                : throw fields.Error("universe_domain", "is not a DNS name (labels of letters, digits and hyphens, separated by dots), such as googleapis.com.");
        }

        private static string ReadTokenType(JsonFields fields)
        {
            var text = fields.RequiredString("subject_token_type");
            try
            {
                return TokenTypes.Resolve(text, "subject_token_type");
            }
            catch (ArgumentException)
            {
                throw fields.Error("subject_token_type", "is not a token type URN.");
            }
        }

        private void ReadImpersonation(JsonFields fields)
        {
            if (fields.Has("service_account_impersonation_url"))
            {
                ServiceAccountImpersonationUrl = fields.Url("service_account_impersonation_url", allowMetadataHttp: false);
                var match = ImpersonationUrl.Match(Uri.UnescapeDataString(ServiceAccountImpersonationUrl.AbsolutePath));
                if (!match.Success)
                {
                    throw fields.Error("service_account_impersonation_url", "must end in /serviceAccounts/<email>:generateAccessToken.");
                }

                ServiceAccountEmail = match.Groups["account"].Value;
            }

            var impersonation = fields.OptionalObject("service_account_impersonation");
            if (impersonation != null)
            {
                impersonation.OnlyKnown("token_lifetime_seconds");
                TokenLifetimeSeconds = (int)(impersonation.OptionalInteger("token_lifetime_seconds", 600, 43200) ?? 3600);
            }
        }

        private void ReadClient(JsonFields fields)
        {
            var clientId = fields.OptionalString("client_id");
            var clientSecret = fields.OptionalString("client_secret");
            if (clientSecret != null && string.IsNullOrEmpty(clientId))
            {
                throw fields.Error("client_secret", "is given without client_id.");
            }

            Client = string.IsNullOrEmpty(clientId) ? null : new ClientAuthentication(clientId!, clientSecret);
        }
    }
}
