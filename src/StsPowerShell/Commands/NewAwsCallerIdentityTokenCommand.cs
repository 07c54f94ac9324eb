using StsPowerShell.Core.Http;
using StsPowerShell.Parameters;
using StsPowerShell.Pipeline;
using System.Threading.Tasks;
using System;
using System.Management.Automation;
using StsPowerShell.Completion;
using StsPowerShell.Core.Aws;

namespace StsPowerShell.Commands
{
    /// <summary>
    /// <para type="synopsis">Signs an AWS GetCallerIdentity request as a subject token for Google's STS (workload identity federation from AWS).</para>
    /// <para type="description">Builds the POST https://sts.&lt;region&gt;.amazonaws.com?Action=GetCallerIdentity&amp;Version=2011-06-15 request Google's STS expects, signs it with AWS Signature Version 4 (host, x-amz-date, x-amz-security-token for temporary credentials, and x-goog-cloud-target-resource naming -Audience), and writes it URL-encoded as an StsPowerShell.AwsSubjectToken that pipes into Invoke-StsTokenExchange.</para>
    /// <para type="description">Credentials come from -AccessKey/-SecretKey/-SessionToken or -Credential, else, as the AWS tools find them: AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, the shared credentials and config files (static keys or credential_process), ECS/EKS container credentials, then EC2 instance metadata with IMDSv2. The region comes from -Region, AWS_REGION, AWS_DEFAULT_REGION, the profile, then instance metadata. When nothing yields credentials the error lists every source tried.</para>
    /// </summary>
    /// <example title="From an EC2 instance, ECS task or Lambda to a Google access token">
    /// <code>
    /// New-AwsCallerIdentityToken -Audience //iam.googleapis.com/projects/123/locations/global/workloadIdentityPools/aws/providers/aws |
    ///     Invoke-StsTokenExchange -Scope cloud-platform
    /// </code>
    /// <para>Finds the instance's role credentials and region, signs, and exchanges the token at Google's STS.</para>
    /// </example>
    /// <example title="With a named profile, from a runbook">
    /// <code>
    /// New-AwsCallerIdentityToken -Audience $provider -ProfileName build -Region eu-west-1 -Verbose
    /// </code>
    /// <para>Verbose output says which source the credentials came from, never the secret.</para>
    /// </example>
    /// <example title="With AWS.Tools credentials">
    /// <code>
    /// New-AwsCallerIdentityToken -Audience $provider -Credential (Get-AWSCredential -ProfileName build) -Region us-east-1
    /// </code>
    /// <para>Any object with GetCredentials(), such as AWS.Tools' credentials, or a PSCredential holding the key id and secret.</para>
    /// </example>
    /// <seealso href="https://github.com/StsPowerShell/StsPowerShell/blob/main/README.md">StsPowerShell README</seealso>
    /// <seealso href="https://cloud.google.com/iam/docs/workload-identity-federation-with-other-clouds">Workload identity federation with AWS</seealso>
    [Cmdlet(VerbsCommon.New, "AwsCallerIdentityToken", DefaultParameterSetName = DiscoverySet)]
    [OutputType(typeof(AwsSubjectToken))]
    public sealed class NewAwsCallerIdentityTokenCommand : NetworkCmdlet
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
        [SecretTransformation]
        [ValidateNotNull]
        public object? SecretKey { get; set; }

        /// <summary>The session token of temporary credentials, as a string or SecureString.</summary>
        [Parameter(ParameterSetName = AccessKeySet)]
        [Parameter(ParameterSetName = CredentialSet)]
        [SecretTransformation]
        public object? SessionToken { get; set; }

        /// <summary>A PSCredential (key id as user name, secret key as password) or an AWS.Tools credentials object.</summary>
        [Parameter(Mandatory = true, ParameterSetName = CredentialSet)]
        [SecretTransformation]
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
        private protected override object? CurrentTarget => Audience;

        private protected override Func<Task> Prepare(PipelineHandle pipe)
        {
            var credentials = ExplicitCredentials();
            var endpoint = string.IsNullOrWhiteSpace(StsEndpoint) ? null : EndpointPolicy.Parse(StsEndpoint!, nameof(StsEndpoint));
            var discovery = AwsDiscoveryOptions.FromProcessEnvironment();
            discovery.ProfileName = ProfileName;
            discovery.ProfileLocation = ProfileLocation == null ? null : ProviderPath.ResolveFile(this, ProfileLocation, nameof(ProfileLocation));
            discovery.Logger = Logger(pipe);
            discovery.ProcessTimeout = TimeSpan.FromSeconds(TimeoutSec);

            // Off EC2, instance metadata must fail fast: AWS's tools allow it 1 s and one retry unless told otherwise.
            if (MyInvocation.BoundParameters.ContainsKey(nameof(TimeoutSec)))
            {
                discovery.MetadataTimeout = TimeSpan.FromSeconds(TimeoutSec);
            }

            if (MyInvocation.BoundParameters.ContainsKey(nameof(MaximumRetryCount)) || MyInvocation.BoundParameters.ContainsKey(nameof(RetryIntervalSec)))
            {
                discovery.MetadataRetry = HttpOptions(pipe).Retry;
            }

            var asPlainText = AsPlainText.IsPresent;
            return async () =>
            {
                var token = await CallerIdentityToken.CreateAsync(credentials, Region, Audience, endpoint, discovery, Cancellation).ConfigureAwait(false);
                pipe.WriteObject(AwsSubjectToken.FromToken(token, asPlainText));
            };
        }

        // Keys given as parameters, a PSCredential or an AWS.Tools credentials object; null means discover.
        private AwsCredentials? ExplicitCredentials()
        {
            var sessionToken = SecretText.FromParameter(SessionToken, nameof(SessionToken));
            if (!string.IsNullOrEmpty(AccessKey))
            {
                return new AwsCredentials(AccessKey!, SecretText.FromParameter(SecretKey, nameof(SecretKey)) ?? string.Empty, sessionToken, null, "parameters");
            }

            switch (Credential)
            {
                case null:
                    return null;
                case PSCredential credential:
                    try
                    {
                        return new AwsCredentials(credential.UserName, SecretText.ToPlainText(credential.Password), sessionToken, null, "-Credential");
                    }
                    catch (ArgumentException e) when (e.ParamName != nameof(SessionToken))
                    {
                        throw new ArgumentException("The PSCredential's user name must hold the AWS access key id and its password the secret access key.", nameof(Credential), e);
                    }

                default:
                    return AwsSdkCredentials.Read(Credential, nameof(Credential));
            }
        }
    }
}
