using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using StsPowerShell.Core.Aws;

namespace StsPowerShell.Core.Google
{
    /// <summary>
    /// credential_source.environment_id aws1: AWS keys from the environment or EC2 instance metadata (IMDSv2
    /// first), signed into a GetCallerIdentity token for the configuration's audience.
    /// </summary>
    public sealed class AwsCredentialSource : CredentialSource
    {
        private readonly string audience;

        private AwsCredentialSource(string audience, Uri? credentialsUrl, Uri? regionUrl, string verificationUrl)
        {
            this.audience = audience;
            CredentialsUrl = credentialsUrl;
            RegionUrl = regionUrl;
            RegionalCredVerificationUrl = verificationUrl;
        }

        /// <inheritdoc />
        public override string Kind => "aws1";

        /// <summary>credential_source.url: the instance metadata security-credentials URL.</summary>
        public Uri? CredentialsUrl { get; }

        /// <summary>credential_source.region_url: the instance metadata availability-zone URL.</summary>
        public Uri? RegionUrl { get; }

        /// <summary>The GetCallerIdentity URL, with {region} to fill in.</summary>
        public string RegionalCredVerificationUrl { get; }

        /// <inheritdoc />
        public override async Task<string> GetSubjectTokenAsync(SubjectTokenContext context, CancellationToken cancellationToken)
        {
            try
            {
                var credentials = await new AwsCredentialDiscovery(Options(context, CredentialsUrl)).FindCredentialsAsync(cancellationToken).ConfigureAwait(false);
                var region = await new AwsCredentialDiscovery(Options(context, RegionUrl)).FindRegionAsync(cancellationToken).ConfigureAwait(false);
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

            if (source.Has("imdsv2_session_token_url"))
            {
                // IMDSv2 is always tried first; the URL is checked only so a typo is not silently ignored.
                source.Url("imdsv2_session_token_url", allowMetadataHttp: true);
            }

            return new AwsCredentialSource(
                configuration.Audience,
                source.Has("url") ? source.Url("url", allowMetadataHttp: true) : null,
                source.Has("region_url") ? source.Url("region_url", allowMetadataHttp: true) : null,
                verification);
        }

        // Google's aws1 source reads the environment, then the metadata service the configuration names.
        private AwsDiscoveryOptions Options(SubjectTokenContext context, Uri? metadataUrl)
        {
            var environment = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
            foreach (var variable in context.Environment)
            {
                environment[variable.Key] = variable.Value;
            }

            if (metadataUrl == null)
            {
                environment["AWS_EC2_METADATA_DISABLED"] = "true";
            }
            else
            {
                environment["AWS_EC2_METADATA_SERVICE_ENDPOINT"] = metadataUrl.GetLeftPart(UriPartial.Authority);
                environment.Remove("AWS_EC2_METADATA_DISABLED");
            }

            return new AwsDiscoveryOptions(environment)
            {
                UseSharedFilesAndContainers = false,
                MetadataTimeout = context.MetadataTimeout,
                Logger = context.HttpOptions.Logger,
                Clock = context.HttpOptions.Clock,
            };
        }
    }
}
