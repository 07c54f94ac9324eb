using System;
using System.Threading;
using System.Threading.Tasks;
using StsPowerShell.Core.Aws;
using StsPowerShell.Core.Http;

namespace StsPowerShell.Core.Google
{
    /// <summary>
    /// credential_source.environment_id aws1, read as Google's libraries read it: keys from AWS_ACCESS_KEY_ID and
    /// AWS_SECRET_ACCESS_KEY (with AWS_SESSION_TOKEN), the region from AWS_REGION or AWS_DEFAULT_REGION; otherwise
    /// EC2 instance metadata at the configured URLs as written (the region from region_url's availability zone,
    /// the role from url, its credentials from url/role), through one IMDSv2 session only when
    /// imdsv2_session_token_url is named. AWS_EC2_METADATA_DISABLED=true turns instance metadata off, as for
    /// New-AwsCallerIdentityToken (see <see cref="AwsDiscoveryOptions"/>). The result is a GetCallerIdentity
    /// token signed for the configuration's audience.
    /// </summary>
    public sealed class AwsCredentialSource : CredentialSource
    {
        private readonly string audience;

        private AwsCredentialSource(string audience, Uri? credentialsUrl, Uri? regionUrl, Uri? sessionTokenUrl, string verificationUrl)
        {
            this.audience = audience;
            CredentialsUrl = credentialsUrl;
            RegionUrl = regionUrl;
            SessionTokenUrl = sessionTokenUrl;
            RegionalCredVerificationUrl = verificationUrl;
        }

        /// <inheritdoc />
        public override string Kind => "aws1";

        /// <summary>credential_source.url: the instance metadata security-credentials URL.</summary>
        public Uri? CredentialsUrl { get; }

        /// <summary>credential_source.region_url: the instance metadata availability-zone URL.</summary>
        public Uri? RegionUrl { get; }

        /// <summary>credential_source.imdsv2_session_token_url: where the IMDSv2 session token is asked for; null for IMDSv1.</summary>
        public Uri? SessionTokenUrl { get; }

        /// <summary>The GetCallerIdentity URL, with {region} to fill in.</summary>
        public string RegionalCredVerificationUrl { get; }

        /// <inheritdoc />
        public override async Task<string> GetSubjectTokenAsync(SubjectTokenContext context, CancellationToken cancellationToken)
        {
            // One discovery for both look-ups, so they share one metadata session; the region first, as Google's libraries do.
            var discovery = new AwsCredentialDiscovery(new AwsDiscoveryOptions(context.Environment)
            {
                UseSharedFilesAndContainers = false,
                InstanceMetadata = InstanceMetadataEndpoints.Configured(CredentialsUrl, RegionUrl, SessionTokenUrl),
                MetadataTimeout = context.MetadataTimeout,
                Logger = context.HttpOptions.Logger,
                Clock = context.HttpOptions.Clock,
            });
            try
            {
                var region = await discovery.FindRegionAsync(cancellationToken).ConfigureAwait(false);
                var credentials = await discovery.FindCredentialsAsync(cancellationToken).ConfigureAwait(false);
                var endpoint = new Uri(RegionalCredVerificationUrl.Replace("{region}", region));
                return CallerIdentityToken.Create(credentials, region, audience, context.HttpOptions.Clock(), endpoint).Token;
            }
            catch (AwsDiscoveryException e)
            {
                throw new SubjectTokenSourceException(Kind, e.Message);
            }
        }

        internal static AwsCredentialSource Parse(JsonFields source, ExternalAccountConfiguration configuration)
        {
            var environmentId = source.RequiredString("environment_id");
            if (environmentId != "aws1")
            {
                throw source.Error("environment_id", $"is '{environmentId}'; only aws1 is supported.");
            }

            var verification = source.Has("regional_cred_verification_url")
                ? source.RequiredString("regional_cred_verification_url")
                : "https://sts.{region}.amazonaws.com?Action=GetCallerIdentity&Version=2011-06-15";
            if (verification.IndexOf("{region}", StringComparison.Ordinal) < 0 && !Uri.TryCreate(verification, UriKind.Absolute, out _))
            {
                throw source.Error("regional_cred_verification_url", "is not an absolute URL.");
            }

            return new AwsCredentialSource(
                configuration.Audience,
                MetadataUrl(source, "url"),
                MetadataUrl(source, "region_url"),
                MetadataUrl(source, "imdsv2_session_token_url"),
                verification);
        }

        // Google's libraries accept only the AWS metadata service's addresses here; loopback serves tests and local stand-ins.
        private static Uri? MetadataUrl(JsonFields source, string name)
        {
            if (!source.Has(name))
            {
                return null;
            }

            var text = source.RequiredString(name);
            if (Uri.TryCreate(text, UriKind.Absolute, out var uri)
                && uri.UserInfo.Length == 0
                && uri.Fragment.Length == 0
                && (InstanceMetadataEndpoints.IsAwsMetadataService(uri)
                    || ((uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps) && EndpointPolicy.IsLoopback(uri))))
            {
                return uri;
            }

            throw source.Error(name, "must be an http URL of the AWS instance metadata service (169.254.169.254 or [fd00:ec2::254]), or a URL of this machine.");
        }
    }
}
