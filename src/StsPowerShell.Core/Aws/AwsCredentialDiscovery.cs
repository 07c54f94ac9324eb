using System;
using System.Collections.Generic;
using System.Globalization;
using System.Threading;
using System.Threading.Tasks;

namespace StsPowerShell.Core.Aws
{
    /// <summary>
    /// Finds AWS credentials and the region the way the AWS tools do. Credentials: environment variables,
    /// the shared credentials and config files (static keys, then credential_process), container
    /// credentials, EC2 instance metadata. Region: AWS_REGION, AWS_DEFAULT_REGION, the profile, instance
    /// metadata. One instance serves one lookup, so both share one IMDSv2 session. Instance metadata follows
    /// the policy written on <see cref="AwsDiscoveryOptions"/>.
    /// </summary>
    public sealed class AwsCredentialDiscovery
    {
        private readonly AwsDiscoveryOptions options;
        private InstanceMetadataClient? metadata;

        /// <summary>Creates a discovery over <paramref name="options"/>.</summary>
        public AwsCredentialDiscovery(AwsDiscoveryOptions options)
        {
            this.options = options;
        }

        /// <summary>The first usable, unexpired credentials.</summary>
        /// <exception cref="AwsDiscoveryException">None were found; the message lists every source tried.</exception>
        public async Task<AwsCredentials> FindCredentialsAsync(CancellationToken cancellationToken = default)
        {
            var tried = new List<string>();
            var found = FromEnvironment(tried);
            if (found == null && options.UseSharedFilesAndContainers)
            {
                found = await FromProfileAsync(tried, cancellationToken).ConfigureAwait(false)
                    ?? await FromContainerAsync(tried, cancellationToken).ConfigureAwait(false);
            }

            found ??= await FromInstanceMetadataAsync(tried, cancellationToken).ConfigureAwait(false);
            if (found == null)
            {
                throw new AwsDiscoveryException(AwsDiscoveryTarget.Credentials, "No AWS credentials were found.", tried);
            }

            options.Logger?.Verbose($"Using AWS credentials {found.AccessKeyId} from {found.Source}.");
            return found;
        }

        /// <summary>The region to sign for.</summary>
        /// <exception cref="AwsDiscoveryException">None was found; the message lists every source tried.</exception>
        public async Task<string> FindRegionAsync(CancellationToken cancellationToken = default)
        {
            var tried = new List<string>();
            foreach (var variable in new[] { "AWS_REGION", "AWS_DEFAULT_REGION" })
            {
                var value = options.Variable(variable);
                if (value != null)
                {
                    return Found(value, variable);
                }

                tried.Add($"{variable}: not set");
            }

            if (options.UseSharedFilesAndContainers)
            {
                var profile = await AwsSharedConfig.ReadProfileAsync(options.CredentialsFile, options.ConfigFile, options.EffectiveProfile, cancellationToken).ConfigureAwait(false);
                if (profile != null && profile.TryGetValue("region", out var profileRegion) && !string.IsNullOrWhiteSpace(profileRegion))
                {
                    return Found(profileRegion, $"profile '{options.EffectiveProfile}'");
                }

                tried.Add($"profile '{options.EffectiveProfile}' in {options.ConfigFile}: no region");
            }

            var client = Metadata(tried);
            if (client != null && await RegionFromInstanceMetadataAsync(client, tried, cancellationToken).ConfigureAwait(false) is string region)
            {
                return Found(region, client.Endpoints.Name);
            }

            throw new AwsDiscoveryException(AwsDiscoveryTarget.Region, "No AWS region was found; give -Region or set AWS_REGION.", tried);
        }

        private static async Task<string?> RegionFromInstanceMetadataAsync(InstanceMetadataClient client, List<string> tried, CancellationToken cancellationToken)
        {
            var name = client.Endpoints.Name;
            if (client.Endpoints.RegionUrl == null && client.Endpoints.AvailabilityZoneUrl == null)
            {
                tried.Add($"{name}: credential_source names no region_url");
                return null;
            }

            try
            {
                var region = await client.GetRegionAsync(cancellationToken).ConfigureAwait(false);
                if (region == null)
                {
                    tried.Add($"{name}: no placement region or availability zone");
                }

                return region;
            }
            catch (UnusableInputException e)
            {
                tried.Add($"{name}: {e.Message}");
                return null;
            }
        }

        private string Found(string region, string source)
        {
            options.Logger?.Verbose($"Using AWS region {region.Trim()} from {source}.");
            return region.Trim();
        }

        private AwsCredentials? FromEnvironment(List<string> tried)
        {
            var keyId = options.Variable("AWS_ACCESS_KEY_ID");
            var secret = options.Variable("AWS_SECRET_ACCESS_KEY");
            if (keyId != null && secret != null)
            {
                return new AwsCredentials(keyId, secret, options.Variable("AWS_SESSION_TOKEN"), null, "environment variables");
            }

            if (keyId != null || secret != null)
            {
                throw new AwsDiscoveryException(AwsDiscoveryTarget.Credentials, $"The environment sets {(keyId != null ? "AWS_ACCESS_KEY_ID but not AWS_SECRET_ACCESS_KEY" : "AWS_SECRET_ACCESS_KEY but not AWS_ACCESS_KEY_ID")}; set both or neither.", Array.Empty<string>());
            }

            tried.Add("environment variables AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY: not set");
            return null;
        }

        private async Task<AwsCredentials?> FromProfileAsync(List<string> tried, CancellationToken cancellationToken)
        {
            var name = options.EffectiveProfile;
            var where = $"profile '{name}' in {options.CredentialsFile} and {options.ConfigFile}";
            var profile = await AwsSharedConfig.ReadProfileAsync(options.CredentialsFile, options.ConfigFile, name, cancellationToken).ConfigureAwait(false);
            if (profile == null)
            {
                if (options.ProfileWasNamed)
                {
                    throw new AwsDiscoveryException(AwsDiscoveryTarget.Credentials, $"The AWS profile '{name}' was asked for but is in neither {options.CredentialsFile} nor {options.ConfigFile}.", Array.Empty<string>());
                }

                tried.Add($"{where}: not found");
                return null;
            }

            profile.TryGetValue("aws_access_key_id", out var keyId);
            profile.TryGetValue("aws_secret_access_key", out var secret);
            if (!string.IsNullOrEmpty(keyId) && !string.IsNullOrEmpty(secret))
            {
                profile.TryGetValue("aws_session_token", out var sessionToken);
                return new AwsCredentials(keyId!, secret!, sessionToken, null, $"profile '{name}'");
            }

            if (profile.TryGetValue("credential_process", out var command) && !string.IsNullOrWhiteSpace(command))
            {
                options.Logger?.Verbose($"Running the credential_process of profile '{name}'.");
                try
                {
                    return Unexpired(await CredentialProcess.RunAsync(command, $"credential_process of profile '{name}'", options.ProcessTimeout, cancellationToken).ConfigureAwait(false));
                }
                catch (UnusableInputException e)
                {
                    tried.Add($"credential_process of profile '{name}': {e.Message}");
                    return null;
                }
            }

            tried.Add($"{where}: no aws_access_key_id and aws_secret_access_key, and no credential_process");
            return null;
        }

        private async Task<AwsCredentials?> FromContainerAsync(List<string> tried, CancellationToken cancellationToken)
        {
            try
            {
                var uri = ContainerCredentials.CredentialsUri(options);
                if (uri == null)
                {
                    tried.Add("container credentials: AWS_CONTAINER_CREDENTIALS_RELATIVE_URI and AWS_CONTAINER_CREDENTIALS_FULL_URI not set");
                    return null;
                }

                options.Logger?.Verbose($"Asking for container credentials at {Http.EndpointPolicy.Display(uri)}.");
                return Unexpired(await ContainerCredentials.FetchAsync(uri, options, cancellationToken).ConfigureAwait(false));
            }
            catch (UnusableInputException e)
            {
                tried.Add($"container credentials: {e.Message}");
                return null;
            }
        }

        private async Task<AwsCredentials?> FromInstanceMetadataAsync(List<string> tried, CancellationToken cancellationToken)
        {
            var client = Metadata(tried);
            if (client == null)
            {
                return null;
            }

            var url = client.Endpoints.SecurityCredentialsUrl;
            if (url == null)
            {
                tried.Add($"{client.Endpoints.Name}: credential_source names no url");
                return null;
            }

            try
            {
                return Unexpired(await client.GetCredentialsAsync(url, cancellationToken).ConfigureAwait(false));
            }
            catch (UnusableInputException e)
            {
                tried.Add($"{client.Endpoints.Name}: {e.Message}");
                return null;
            }
        }

        // The one place AWS_EC2_METADATA_DISABLED is read, for both entry points. Only an aws1 credential source's
        // endpoints (options.InstanceMetadata) can leave a URL out.
        private InstanceMetadataClient? Metadata(List<string> tried)
        {
            if (string.Equals(options.Variable("AWS_EC2_METADATA_DISABLED"), "true", StringComparison.OrdinalIgnoreCase))
            {
                tried.Add("instance metadata: disabled by AWS_EC2_METADATA_DISABLED");
                return null;
            }

            if (metadata == null)
            {
                var endpoints = options.InstanceMetadata;
                if (endpoints == null)
                {
                    var endpoint = options.Variable("AWS_EC2_METADATA_SERVICE_ENDPOINT")
                        ?? (string.Equals(options.Variable("AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE"), "IPv6", StringComparison.OrdinalIgnoreCase)
                            ? AwsDiscoveryOptions.DefaultMetadataEndpointIPv6
                            : AwsDiscoveryOptions.DefaultMetadataEndpoint);
                    if (!Uri.TryCreate(endpoint, UriKind.Absolute, out var root))
                    {
                        tried.Add("instance metadata: AWS_EC2_METADATA_SERVICE_ENDPOINT is not an absolute URL");
                        return null;
                    }

                    endpoints = InstanceMetadataEndpoints.AwsDefaults(root);
                }

                metadata = new InstanceMetadataClient(endpoints, options);
            }

            return metadata;
        }

        private AwsCredentials Unexpired(AwsCredentials credentials)
        {
            if (credentials.Expiration is DateTimeOffset expiration && expiration <= options.Clock())
            {
                throw new UnusableInputException($"the credentials {credentials.AccessKeyId} expired at {expiration.ToString("u", CultureInfo.InvariantCulture)}");
            }

            return credentials;
        }
    }
}
