using System;
using System.Management.Automation;
using StsPowerShell.Binding;
using StsPowerShell.Completion;
using StsPowerShell.Core.Aws;

namespace StsPowerShell.Commands
{
    /// <summary>
    /// <para type="synopsis">Signs an AWS GetCallerIdentity request as a subject token for Google's STS (workload identity federation from AWS).</para>
    /// </summary>
    [Cmdlet(VerbsCommon.New, "AwsCallerIdentityToken", DefaultParameterSetName = DiscoverySet)]
    [OutputType(typeof(AwsSubjectToken))]
    public sealed class NewAwsCallerIdentityTokenCommand : StsCmdlet
    {
        private const string DiscoverySet = "Discovery";
        private const string AccessKeySet = "AccessKey";
        private const string CredentialSet = "Credential";

        /// <summary>The workload identity pool provider's full resource name; sent and signed as x-goog-cloud-target-resource.</summary>
        [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        public string Audience { get; set; } = string.Empty;

        /// <summary>The AWS region to sign for; found the way the AWS tools find it when not given.</summary>
        [Parameter]
        [ArgumentCompleter(typeof(AwsRegionCompleter))]
        [ValidateNotNullOrEmpty]
        public string? Region { get; set; }

        /// <summary>The AWS STS endpoint to name in the token; the regional one unless given.</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? StsEndpoint { get; set; }

        /// <summary>The AWS access key id.</summary>
        [Parameter(Mandatory = true, ParameterSetName = AccessKeySet)]
        [ValidateNotNullOrEmpty]
        public string? AccessKey { get; set; }

        /// <summary>The AWS secret access key, as a string or SecureString.</summary>
        [Parameter(Mandatory = true, ParameterSetName = AccessKeySet)]
        [ValidateNotNull]
        public object? SecretKey { get; set; }

        /// <summary>The session token of temporary credentials, as a string or SecureString.</summary>
        [Parameter(ParameterSetName = AccessKeySet)]
        [Parameter(ParameterSetName = CredentialSet)]
        public object? SessionToken { get; set; }

        /// <summary>A PSCredential (key id as user name, secret key as password) or an AWS.Tools credentials object.</summary>
        [Parameter(Mandatory = true, ParameterSetName = CredentialSet)]
        [ValidateNotNull]
        public object? Credential { get; set; }

        /// <summary>The profile in the shared credentials and config files; AWS_PROFILE or default when not given.</summary>
        [Parameter(ParameterSetName = DiscoverySet)]
        [ArgumentCompleter(typeof(AwsProfileCompleter))]
        [ValidateNotNullOrEmpty]
        public string? ProfileName { get; set; }

        /// <summary>The shared credentials file; AWS_SHARED_CREDENTIALS_FILE or ~/.aws/credentials when not given.</summary>
        [Parameter(ParameterSetName = DiscoverySet)]
        [ValidateNotNullOrEmpty]
        public string? ProfileLocation { get; set; }

        /// <summary>Returns the token as a plain string instead of SecureString.</summary>
        [Parameter]
        public SwitchParameter AsPlainText { get; set; }

        /// <inheritdoc />
        protected override void ProcessRecord()
        {
            var credential = PSObjectValues.Unwrap(Credential);
            var pscredential = credential as PSCredential;
            var parameters = new AwsCallerIdentityParameters
            {
                Audience = Audience,
                Region = Region,
                StsEndpoint = StsEndpoint,
                AccessKey = AccessKey,
                SecretKey = PSObjectValues.Unwrap(SecretKey),
                SessionToken = PSObjectValues.Unwrap(SessionToken),
                Credential = pscredential == null ? credential : null,
                CredentialUserName = pscredential?.UserName,
                CredentialPassword = pscredential?.Password,
                ProfileName = ProfileName,
                ProfileLocation = ProfileLocation,
            };

            var discovery = AwsDiscoveryOptions.FromProcessEnvironment();
            var token = Run((logger, cancellation) =>
            {
                discovery.Logger = logger;
                return parameters.CreateAsync(discovery, () => DateTimeOffset.UtcNow, cancellation);
            });
            WriteObject(AwsSubjectToken.FromToken(token, AsPlainText.IsPresent));
        }
    }
}
