using System;
using System.Collections.Generic;
using System.IO;
using StsPowerShell.Core.Http;

namespace StsPowerShell.Core.Aws
{
    /// <summary>
    /// What credential and region discovery reads: an environment (a snapshot, so tests never touch the
    /// process's), the profile to use, and where the metadata services are.
    /// </summary>
    /// <remarks>
    /// One AWS_EC2_METADATA_DISABLED policy serves New-AwsCallerIdentityToken and the aws1 credential source
    /// alike: <c>true</c> (any case) turns EC2 instance metadata off, so only the other sources are tried.
    /// Otherwise New-AwsCallerIdentityToken asks the service at AWS_EC2_METADATA_SERVICE_ENDPOINT (or the
    /// default address for AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE), and an aws1 source asks at the URLs its
    /// configuration file names, as written; neither variable moves those.
    /// </remarks>
    public sealed class AwsDiscoveryOptions
    {
        /// <summary>The EC2 instance metadata endpoint when AWS_EC2_METADATA_SERVICE_ENDPOINT is not set.</summary>
        public const string DefaultMetadataEndpoint = "http://169.254.169.254";

        /// <summary>The IPv6 EC2 instance metadata endpoint (AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE=IPv6).</summary>
        public const string DefaultMetadataEndpointIPv6 = "http://[fd00:ec2::254]";

        /// <summary>The ECS container credentials host for AWS_CONTAINER_CREDENTIALS_RELATIVE_URI.</summary>
        public const string DefaultContainerHost = "http://169.254.170.2";

        /// <summary>Creates options over a copy of <paramref name="environment"/>.</summary>
        public AwsDiscoveryOptions(IEnumerable<KeyValuePair<string, string?>> environment)
        {
            var copy = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
            foreach (var variable in environment)
            {
                copy[variable.Key] = variable.Value;
            }

            Environment = copy;
        }

        /// <summary>The environment variables discovery reads.</summary>
        public IReadOnlyDictionary<string, string?> Environment { get; }

        /// <summary>The profile (-ProfileName); AWS_PROFILE or 'default' when null.</summary>
        public string? ProfileName { get; set; }

        /// <summary>The shared credentials file (-ProfileLocation); AWS_SHARED_CREDENTIALS_FILE or ~/.aws/credentials when null.</summary>
        public string? ProfileLocation { get; set; }

        /// <summary>
        /// Whether the shared files and container credentials are sources (true, as the AWS tools do). Google's
        /// aws1 credential source reads only the environment and instance metadata, and sets this false.
        /// </summary>
        public bool UseSharedFilesAndContainers { get; set; } = true;

        /// <summary>The URLs an aws1 credential source names; null for the AWS tools' paths under the metadata endpoint.</summary>
        internal InstanceMetadataEndpoints? InstanceMetadata { get; set; }

        /// <summary>The host that AWS_CONTAINER_CREDENTIALS_RELATIVE_URI is relative to.</summary>
        public string ContainerHost { get; set; } = DefaultContainerHost;

        /// <summary>The time allowed each metadata or container request (default 1 s: these services answer at once or not at all).</summary>
        public TimeSpan MetadataTimeout { get; set; } = TimeSpan.FromSeconds(1);

        /// <summary>The time allowed a credential_process (default 30 s).</summary>
        public TimeSpan ProcessTimeout { get; set; } = TimeSpan.FromSeconds(30);

        /// <summary>Where verbose and debug messages go.</summary>
        public IStsLogger? Logger { get; set; }

        /// <summary>The clock that decides whether credentials have expired.</summary>
        public Func<DateTimeOffset> Clock { get; set; } = () => DateTimeOffset.UtcNow;

        /// <summary>Options over the current process environment.</summary>
        public static AwsDiscoveryOptions FromProcessEnvironment() => new AwsDiscoveryOptions(EnvironmentVariables.FromProcess());

        /// <summary>An environment variable's value; empty counts as unset.</summary>
        public string? Variable(string name) => EnvironmentVariables.Get(Environment, name);

        /// <summary>The user's home folder, as the AWS tools find it.</summary>
        internal string HomeDirectory => HomeDirectoryOf(System.Runtime.InteropServices.RuntimeInformation.IsOSPlatform(System.Runtime.InteropServices.OSPlatform.Windows), Variable);

        /// <summary>
        /// The folder holding .aws, as AWS's tools find it: on Windows USERPROFILE first (a HOME that Git Bash or
        /// Cygwin set is not the user's profile), elsewhere HOME first.
        /// </summary>
        internal static string HomeDirectoryOf(bool windows, Func<string, string?> variable)
        {
            var profile = variable("USERPROFILE");
            var home = variable("HOME");
            return (windows ? profile ?? home : home ?? profile) ?? ((variable("HOMEDRIVE") ?? string.Empty) + (variable("HOMEPATH") ?? string.Empty));
        }

        /// <summary>The shared credentials file discovery reads.</summary>
        public string CredentialsFile => ProfileLocation ?? Variable("AWS_SHARED_CREDENTIALS_FILE") ?? Path.Combine(HomeDirectory, ".aws", "credentials");

        /// <summary>Retries of instance metadata and container credential requests: one after 200 ms, as AWS's tools do, unless set.</summary>
        public RetryPolicy MetadataRetry { get; set; } = new RetryPolicy { MaximumRetryCount = 1, RetryInterval = TimeSpan.FromMilliseconds(200) };

        /// <summary>The shared config file discovery reads.</summary>
        public string ConfigFile => Variable("AWS_CONFIG_FILE") ?? Path.Combine(HomeDirectory, ".aws", "config");

        internal string EffectiveProfile => string.IsNullOrWhiteSpace(ProfileName) ? Variable("AWS_PROFILE") ?? "default" : ProfileName!.Trim();

        internal bool ProfileWasNamed => !string.IsNullOrWhiteSpace(ProfileName) || Variable("AWS_PROFILE") != null;

        internal StsHttpOptions MetadataHttpOptions() => new StsHttpOptions
        {
            Timeout = MetadataTimeout,
            Retry = MetadataRetry,
            MaximumResponseBytes = 64 * 1024,
            LocalIdentityEndpoint = true,
            Logger = Logger,
            Clock = Clock,
        };
    }
}
