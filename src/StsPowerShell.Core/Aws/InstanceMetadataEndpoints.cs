using System;
using System.Net;

namespace StsPowerShell.Core.Aws
{
    /// <summary>
    /// Where EC2 instance metadata is asked for credentials and the region, and whether through an IMDSv2
    /// session: the AWS tools' layout under one endpoint, or the URLs an aws1 credential source names.
    /// </summary>
    internal sealed class InstanceMetadataEndpoints
    {
        private static readonly IPAddress[] AwsAddresses = { IPAddress.Parse("169.254.169.254"), IPAddress.Parse("fd00:ec2::254") };

        private InstanceMetadataEndpoints(string name, Uri? sessionTokenUrl, bool fallBackToImdsV1, Uri? securityCredentialsUrl, Uri? regionUrl, Uri? availabilityZoneUrl)
        {
            Name = name;
            SessionTokenUrl = sessionTokenUrl;
            FallBackToImdsV1 = fallBackToImdsV1;
            SecurityCredentialsUrl = securityCredentialsUrl;
            RegionUrl = regionUrl;
            AvailabilityZoneUrl = availabilityZoneUrl;
        }

        /// <summary>How messages name this metadata service.</summary>
        public string Name { get; }

        /// <summary>Where the IMDSv2 session token is asked for (PUT); null for IMDSv1.</summary>
        public Uri? SessionTokenUrl { get; }

        /// <summary>Whether a session token refused with 403, 404 or 405 means going on with IMDSv1, as the AWS SDKs do.</summary>
        public bool FallBackToImdsV1 { get; }

        /// <summary>Lists the instance profile's role; the role's credentials are at this URL plus /role.</summary>
        public Uri? SecurityCredentialsUrl { get; }

        /// <summary>Answers with the region.</summary>
        public Uri? RegionUrl { get; }

        /// <summary>Answers with the availability zone, which is the region plus one letter.</summary>
        public Uri? AvailabilityZoneUrl { get; }

        /// <summary>The AWS SDKs' paths under <paramref name="endpoint"/>: IMDSv2 first, IMDSv1 when the session token is refused.</summary>
        public static InstanceMetadataEndpoints AwsDefaults(Uri endpoint)
        {
            var root = endpoint.AbsoluteUri.TrimEnd('/');
            return new InstanceMetadataEndpoints(
                $"instance metadata at {root}",
                new Uri(root + "/latest/api/token"),
                fallBackToImdsV1: true,
                new Uri(root + "/latest/meta-data/iam/security-credentials/"),
                new Uri(root + "/latest/meta-data/placement/region"),
                new Uri(root + "/latest/meta-data/placement/availability-zone"));
        }

        /// <summary>
        /// An aws1 credential source's url, region_url and imdsv2_session_token_url, as Google's libraries use them:
        /// IMDSv2 only when the session token URL is named, and then without falling back.
        /// </summary>
        public static InstanceMetadataEndpoints Configured(Uri? url, Uri? regionUrl, Uri? sessionTokenUrl) =>
            new InstanceMetadataEndpoints("instance metadata", sessionTokenUrl, fallBackToImdsV1: false, url, null, regionUrl);

        /// <summary>True for plain http to the EC2 instance metadata service's own addresses.</summary>
        public static bool IsAwsMetadataService(Uri uri) =>
            uri.Scheme == Uri.UriSchemeHttp && IPAddress.TryParse(uri.DnsSafeHost, out var address) && Array.Exists(AwsAddresses, a => a.Equals(address));
    }
}
