using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Management.Automation;
using System.Runtime.InteropServices;
using System.Threading.Tasks;
using StsPowerShell.Core;
using StsPowerShell.Core.Google;
using StsPowerShell.Core.Handoff;
using StsPowerShell.Core.Http;
using StsPowerShell.Parameters;
using StsPowerShell.Pipeline;

namespace StsPowerShell.Commands
{
    /// <summary>
    /// <para type="synopsis">Writes an external_account credential configuration file for gcloud, Terraform and Google's client libraries, and points the job's next steps at it.</para>
    /// <para type="description">Writes, into a new folder only the current user can read, the file gcloud iam workload-identity-pools create-cred-config would write (universe_domain, type, audience, subject_token_type, token_url, credential_source, and service_account_impersonation_url with its token lifetime, or token_info_url), then sets GOOGLE_APPLICATION_CREDENTIALS and CLOUDSDK_AUTH_CREDENTIAL_FILE_OVERRIDE (and with -ProjectId the project variables) the way google-github-actions/auth does: for this process, and for the next steps through Azure Pipelines' setvariable logging command or GitHub Actions' GITHUB_ENV. -NoEnvironmentVariable writes the files only.</para>
    /// <para type="description">The subject token comes from: -AzurePipelines and -AzureManagedIdentity, an executable source whose command runs this module in PowerShell and prints Google's executable response (the file holds no secret: SYSTEM_ACCESSTOKEN and the identity endpoints are read from the environment when it runs; GOOGLE_EXTERNAL_ACCOUNT_ALLOW_EXECUTABLES=1 is set with it); -GitHubActions, a url source as google-github-actions/auth writes it (it names the job's ACTIONS_ID_TOKEN_REQUEST_TOKEN, valid while the job runs); -Aws, an aws1 source as gcloud writes it; a subject token piped in or given, a file source with the token in a file of its own.</para>
    /// <para type="description">For X.509 federation (-CertificateFile with -PrivateKeyFile, -CertificateConfigLocation or -UseDefaultCertificateConfig), a certificate source as gcloud writes it, with Google's mutual TLS endpoints; the key stays where it is and only its path is written.</para>
    /// <para type="description">Remove-GoogleCredentialConfiguration removes what was written: self-hosted agents keep their temporary folders.</para>
    /// </summary>
    /// <example title="Azure Pipelines: gcloud and Terraform in the next steps">
    /// <code>
    /// Export-GoogleCredentialConfiguration -AzurePipelines -Audience $provider -ServiceAccount deployer@my-project.iam.gserviceaccount.com -ProjectId my-project
    /// </code>
    /// <para>In a PowerShell task with SYSTEM_ACCESSTOKEN mapped: later tasks run gcloud or terraform as the service account, each token fetched fresh when needed.</para>
    /// </example>
    /// <example title="A token already in hand">
    /// <code>
    /// Get-GitHubActionsIdToken -Audience "https:$provider" | Export-GoogleCredentialConfiguration -Audience $provider -NoEnvironmentVariable
    /// </code>
    /// <para>Writes the token to a file only the current user can read and a configuration naming it.</para>
    /// </example>
    /// <example title="Clean up">
    /// <code>
    /// $export = Export-GoogleCredentialConfiguration -AzureManagedIdentity -Audience $provider
    /// # ... gcloud, terraform ...
    /// $export | Remove-GoogleCredentialConfiguration
    /// </code>
    /// <para>Removes every file the export wrote, and its folder.</para>
    /// </example>
    /// <seealso href="https://cloud.google.com/sdk/gcloud/reference/iam/workload-identity-pools/create-cred-config">gcloud iam workload-identity-pools create-cred-config</seealso>
    [Cmdlet(VerbsData.Export, "GoogleCredentialConfiguration", DefaultParameterSetName = SubjectTokenSet)]
    [OutputType(typeof(GoogleCredentialExport))]
    public sealed class ExportGoogleCredentialConfigurationCommand : HandoffCmdlet
    {
        private const string SubjectTokenSet = "SubjectToken";
        private const string AzurePipelinesSet = "AzurePipelines";
        private const string ManagedIdentitySet = "AzureManagedIdentity";
        private const string GitHubActionsSet = "GitHubActions";
        private const string AwsSet = "Aws";
        private const string CertificateFilesSet = "CertificateFiles";
        private const string CertificateConfigSet = "CertificateConfig";
        private const string DefaultCertificateConfigSet = "DefaultCertificateConfig";

        /// <summary>The workload or workforce identity pool provider (//iam.googleapis.com/…/providers/…).</summary>
        [Parameter(Mandatory = true)]
        [ValidateNotNullOrEmpty]
        public string Audience { get; set; } = string.Empty;

        /// <summary>A subject token in hand (string or SecureString): written to a file of its own, named by a file source.</summary>
        [Parameter(Mandatory = true, ValueFromPipelineByPropertyName = true, ParameterSetName = SubjectTokenSet)]
        [SecretTransformation]
        [ValidateNotNull]
        public object SubjectToken { get; set; } = string.Empty;

        /// <summary>The subject token's type (jwt, id_token, saml2, aws4_request, access_token, or a URN).</summary>
        /// <value>jwt</value>
        [Parameter(ValueFromPipelineByPropertyName = true, ParameterSetName = SubjectTokenSet)]
        [ArgumentCompleter(typeof(Completion.TokenTypeCompleter))]
        [ValidateNotNullOrEmpty]
        public string SubjectTokenType { get; set; } = "jwt";

        /// <summary>The Azure Pipelines job's OIDC token, requested by an executable source whenever a tool needs it.</summary>
        [Parameter(Mandatory = true, ParameterSetName = AzurePipelinesSet)]
        public SwitchParameter AzurePipelines { get; set; }

        /// <summary>With -AzurePipelines: the workload identity federation service connection; the pipeline's own token without it.</summary>
        [Parameter(ParameterSetName = AzurePipelinesSet)]
        [ValidateNotNullOrEmpty]
        public string? ServiceConnectionId { get; set; }

        /// <summary>The Azure managed identity's token, requested by an executable source whenever a tool needs it.</summary>
        [Parameter(Mandatory = true, ParameterSetName = ManagedIdentitySet)]
        public SwitchParameter AzureManagedIdentity { get; set; }

        /// <summary>With -AzureManagedIdentity: the application ID URI to ask for; the provider's default audience without it.</summary>
        [Parameter(ParameterSetName = ManagedIdentitySet)]
        [ValidateNotNullOrEmpty]
        public string? Resource { get; set; }

        /// <summary>With -AzureManagedIdentity: a user-assigned identity's client id.</summary>
        [Parameter(ParameterSetName = ManagedIdentitySet)]
        [ValidateNotNullOrEmpty]
        public string? ClientId { get; set; }

        /// <summary>The GitHub Actions job's OIDC token: a url source as google-github-actions/auth writes it.</summary>
        [Parameter(Mandatory = true, ParameterSetName = GitHubActionsSet)]
        public SwitchParameter GitHubActions { get; set; }

        /// <summary>With -GitHubActions: the audience to ask GitHub for; the provider's default audience without it.</summary>
        [Parameter(ParameterSetName = GitHubActionsSet)]
        [ValidateNotNullOrEmpty]
        public string? TokenAudience { get; set; }

        /// <summary>AWS instance metadata: an aws1 source as gcloud writes it.</summary>
        [Parameter(Mandatory = true, ParameterSetName = AwsSet)]
        public SwitchParameter Aws { get; set; }

        /// <summary>With -Aws: ask for an IMDSv2 session token first (gcloud's --enable-imdsv2).</summary>
        [Parameter(ParameterSetName = AwsSet)]
        public SwitchParameter Imdsv2 { get; set; }

        /// <summary>With -Aws: the instance metadata service.</summary>
        /// <value>http://169.254.169.254</value>
        [Parameter(ParameterSetName = AwsSet)]
        [ValidateNotNullOrEmpty]
        public string InstanceMetadataEndpoint { get; set; } = CredentialConfigurationWriter.DefaultAwsMetadataEndpoint;

        /// <summary>X.509 federation: the client certificate (PEM), named with its key in a certificate_config.json written beside the configuration.</summary>
        [Parameter(Mandatory = true, ParameterSetName = CertificateFilesSet)]
        [ValidateNotNullOrEmpty]
        public string? CertificateFile { get; set; }

        /// <summary>With -CertificateFile: the private key (PEM). It stays where it is; only its path is written.</summary>
        [Parameter(Mandatory = true, ParameterSetName = CertificateFilesSet)]
        [ValidateNotNullOrEmpty]
        public string? PrivateKeyFile { get; set; }

        /// <summary>X.509 federation: an existing certificate_config.json (cert_configs.workload.cert_path and key_path).</summary>
        [Parameter(Mandatory = true, ParameterSetName = CertificateConfigSet)]
        [ValidateNotNullOrEmpty]
        public string? CertificateConfigLocation { get; set; }

        /// <summary>X.509 federation: the certificate configuration Google's tools find by default (GOOGLE_API_CERTIFICATE_CONFIG, then gcloud's folder).</summary>
        [Parameter(Mandatory = true, ParameterSetName = DefaultCertificateConfigSet)]
        public SwitchParameter UseDefaultCertificateConfig { get; set; }

        /// <summary>For X.509 federation: a PEM file of the certificate's chain, after the leaf.</summary>
        [Parameter(ParameterSetName = CertificateFilesSet)]
        [Parameter(ParameterSetName = CertificateConfigSet)]
        [Parameter(ParameterSetName = DefaultCertificateConfigSet)]
        [ValidateNotNullOrEmpty]
        public string? TrustChainPath { get; set; }

        /// <summary>The service account the consumers impersonate; none when not given (the federated token is used as is).</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? ServiceAccount { get; set; }

        /// <summary>The impersonated token's lifetime, 600 to 43200 seconds; Google's 3600 when not given.</summary>
        [Parameter]
        [ValidateRange(600, 43200)]
        public int? TokenLifetimeSec { get; set; }

        /// <summary>For a workforce pool provider: the project billed for the exchange.</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? WorkforcePoolUserProject { get; set; }

        /// <summary>The STS token endpoint the file names; Google's mutual TLS one (https://sts.mtls.googleapis.com/v1/token) for a certificate.</summary>
        /// <value>https://sts.googleapis.com/v1/token</value>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? TokenEndpoint { get; set; }

        /// <summary>The token introspection endpoint the file names when no service account is impersonated.</summary>
        /// <value>https://sts.googleapis.com/v1/introspect</value>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string TokenInfoEndpoint { get; set; } = CredentialConfigurationWriter.DefaultTokenInfoEndpoint;

        /// <summary>The IAM Credentials API the impersonation URL names; Google's mutual TLS one for a certificate.</summary>
        /// <value>https://iamcredentials.googleapis.com</value>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? IamCredentialsEndpoint { get; set; }

        /// <summary>For executable sources: the PowerShell to run (a path without spaces); this session's PowerShell when not given.</summary>
        [Parameter(ParameterSetName = AzurePipelinesSet)]
        [Parameter(ParameterSetName = ManagedIdentitySet)]
        [ValidateNotNullOrEmpty]
        public string? PowerShellPath { get; set; }

        private protected override Func<Task> Prepare(PipelineHandle pipe)
        {
            // A certificate is presented over mutual TLS, at Google's mTLS endpoints unless others are named.
            var mutualTls = ParameterSetName == CertificateFilesSet || ParameterSetName == CertificateConfigSet || ParameterSetName == DefaultCertificateConfigSet;
            var writer = new CredentialConfigurationWriter(Audience)
            {
                TokenUrl = TokenEndpoint == null ? GoogleSts.DefaultTokenEndpointFor(mutualTls) : EndpointPolicy.Parse(TokenEndpoint, nameof(TokenEndpoint)),
                TokenInfoUrl = EndpointPolicy.Parse(TokenInfoEndpoint, nameof(TokenInfoEndpoint)),
                IamCredentialsEndpoint = IamCredentialsEndpoint == null ? IamCredentialsClient.DefaultEndpointFor(mutualTls) : EndpointPolicy.Parse(IamCredentialsEndpoint, nameof(IamCredentialsEndpoint)),
                ServiceAccount = ServiceAccount,
                TokenLifetimeSeconds = TokenLifetimeSec,
                WorkforcePoolUserProject = WorkforcePoolUserProject,
            };
            CheckExecutableValues();
            return Hand(pipe, (parent, environment) => ParameterSetName switch
            {
                AzurePipelinesSet => Executable(parent, writer, "Get-AzurePipelinesIdToken" + (ServiceConnectionId == null ? string.Empty : " -ServiceConnectionId " + Quote(ServiceConnectionId))),
                ManagedIdentitySet => Executable(parent, writer, "Get-AzureManagedIdentityToken" + (Resource == null ? " -Audience " + Quote(Audience) : " -Resource " + Quote(Resource)) + (ClientId == null ? string.Empty : " -ClientId " + Quote(ClientId))),
                GitHubActionsSet => CredentialConfigurationExport.WithSource(parent, writer, "jwt", GitHubUrlSource(environment), ProjectId),
                AwsSet => CredentialConfigurationExport.WithSource(parent, writer, "aws4_request", CredentialSourceJson.Aws1(AwsMetadataEndpoint(), Imdsv2.IsPresent), ProjectId),
                CertificateFilesSet => CredentialConfigurationExport.WithCertificateFiles(parent, writer, ResolveFile(CertificateFile!, nameof(CertificateFile)), ResolveFile(PrivateKeyFile!, nameof(PrivateKeyFile)), TrustChain(), ProjectId),
                CertificateConfigSet => CredentialConfigurationExport.WithSource(parent, writer, "mtls", CredentialSourceJson.Certificate(ResolveFile(CertificateConfigLocation!, nameof(CertificateConfigLocation)), TrustChain()), ProjectId),
                DefaultCertificateConfigSet => CredentialConfigurationExport.WithSource(parent, writer, "mtls", CredentialSourceJson.Certificate(null, TrustChain()), ProjectId),
                _ => CredentialConfigurationExport.WithSubjectTokenFile(parent, writer, SubjectTokenText(), SubjectTokenType, ProjectId),
            });
        }

        // The script the executable source runs: this module, then the token printed as Google's executable response,
        // or the failure. It holds no secret; the module reads SYSTEM_ACCESSTOKEN and the like when it runs.
        private ExportedFiles Executable(string parent, CredentialConfigurationWriter writer, string tokenCommand)
        {
            var manifest = System.IO.Path.Combine(MyInvocation.MyCommand.Module?.ModuleBase ?? System.IO.Path.GetDirectoryName(typeof(StsCmdlet).Assembly.Location)!, "StsPowerShell.psd1");
            var script = string.Join("\n", new[]
            {
                "# Written by Export-GoogleCredentialConfiguration: prints the subject token as Google's executable response.",
                "$ErrorActionPreference = 'Stop'",
                "try {",
                $"    Import-Module -Name {Quote(manifest)} -WarningAction SilentlyContinue",
                $"    {tokenCommand} | ConvertTo-GoogleExecutableResponse",
                "}",
                "catch {",
                "    ConvertTo-GoogleExecutableResponse -ErrorRecord $_",
                "    exit 1",
                "}",
                string.Empty,
            });
            return CredentialConfigurationExport.WithExecutable(parent, writer, "jwt", Launcher(), "print-subject-token.ps1", script, 30000, ProjectId);
        }

        // This session's PowerShell: pwsh or powershell.exe itself, or pwsh.dll under dotnet (a .NET tool). A Windows
        // path with a space (C:\Program Files\…) becomes the bare program name, found on PATH when the tool runs it.
        private string[] Launcher()
        {
            var arguments = new List<string>();
            if (PowerShellPath != null)
            {
                arguments.Add(PowerShellPath);
            }
            else
            {
                using var process = Process.GetCurrentProcess();
                var program = process.MainModule!.FileName;
                if (string.Equals(System.IO.Path.GetFileNameWithoutExtension(program), "dotnet", StringComparison.OrdinalIgnoreCase))
                {
                    arguments.Add(program);
                    arguments.Add(System.IO.Path.Combine(SessionState.PSVariable.GetValue("PSHOME") as string ?? string.Empty, "pwsh.dll"));
                }
                else
                {
                    arguments.Add(RuntimeInformation.IsOSPlatform(OSPlatform.Windows) && program.IndexOf(' ') >= 0 ? System.IO.Path.GetFileName(program) : program);
                }
            }

            arguments.AddRange(new[] { "-NoLogo", "-NoProfile", "-NonInteractive" });
            if (RuntimeInformation.IsOSPlatform(OSPlatform.Windows))
            {
                // The script is the module's own, written a moment ago; an AllSigned policy would refuse it.
                arguments.AddRange(new[] { "-ExecutionPolicy", "Bypass" });
            }

            arguments.Add("-File");
            return arguments.ToArray();
        }

        private CredentialSourceJson GitHubUrlSource(IReadOnlyDictionary<string, string?> environment)
        {
            var url = EnvironmentVariables.Get(environment, "ACTIONS_ID_TOKEN_REQUEST_URL")
                ?? throw new ArgumentException("ACTIONS_ID_TOKEN_REQUEST_URL is not set: run this in a GitHub Actions job with permissions: id-token: write.", nameof(GitHubActions));
            var requestToken = EnvironmentVariables.Get(environment, "ACTIONS_ID_TOKEN_REQUEST_TOKEN")
                ?? throw new ArgumentException("ACTIONS_ID_TOKEN_REQUEST_TOKEN is not set: run this in a GitHub Actions job with permissions: id-token: write.", nameof(GitHubActions));
            var baseUrl = EndpointPolicy.Parse(url, "ACTIONS_ID_TOKEN_REQUEST_URL");
            var audience = TokenAudience ?? GooglePoolProvider.DefaultAudience(Audience);
            var withAudience = new Uri(baseUrl.AbsoluteUri + (baseUrl.Query.Length == 0 ? "?" : "&") + "audience=" + Uri.EscapeDataString(audience));
            return CredentialSourceJson.Url(withAudience, new Dictionary<string, string> { ["Authorization"] = "Bearer " + requestToken }, "value");
        }

        private Uri AwsMetadataEndpoint()
        {
            if (!Uri.TryCreate(InstanceMetadataEndpoint, UriKind.Absolute, out var uri) || !(EndpointPolicy.IsLinkLocalMetadata(uri) || (uri.Scheme == Uri.UriSchemeHttp && EndpointPolicy.IsLoopback(uri))))
            {
                throw new ArgumentException($"{MessageText.Quote(InstanceMetadataEndpoint)} is not an instance metadata address: expected http://169.254.169.254, http://[fd00:ec2::254] or a loopback address.", nameof(InstanceMetadataEndpoint));
            }

            return uri;
        }

        // What the executable will pass on is checked now, so a mistake shows at export rather than when a tool runs it.
        private void CheckExecutableValues()
        {
            if (ServiceConnectionId != null && !Guid.TryParse(ServiceConnectionId, out _))
            {
                throw new ArgumentException($"{MessageText.Quote(ServiceConnectionId)} is not a service connection id: expected the GUID shown in the service connection's URL.", nameof(ServiceConnectionId));
            }

            if (ClientId != null && !Guid.TryParse(ClientId, out _))
            {
                throw new ArgumentException($"{MessageText.Quote(ClientId)} is not a GUID; expected the identity's client (application) id.", nameof(ClientId));
            }

            if (Resource != null && !Uri.TryCreate(Resource, UriKind.Absolute, out _))
            {
                throw new ArgumentException($"{MessageText.Quote(Resource)} is not a resource: expected an application ID URI such as api://my-app.", nameof(Resource));
            }
        }

        private string ResolveFile(string path, string parameterName) => ProviderPath.ResolveFile(this, path, parameterName);

        private string? TrustChain() => TrustChainPath == null ? null : ResolveFile(TrustChainPath, nameof(TrustChainPath));

        private string SubjectTokenText() =>
            EnvironmentVariables.Present(SecretText.FromParameter(SubjectToken, nameof(SubjectToken)))
                ?? throw new ArgumentException("The subject token is empty.", nameof(SubjectToken));

        // PowerShell closes a single-quoted string at any of its four single quotes (' ‘ ’ ‚ ‛), not only the ASCII one:
        // its own escaping doubles each, so no value can end the string and run code of its own.
        private static string Quote(string value) => "'" + System.Management.Automation.Language.CodeGeneration.EscapeSingleQuotedStringContent(value) + "'";
    }
}
