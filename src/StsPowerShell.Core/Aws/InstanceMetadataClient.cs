using System;
using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;
using StsPowerShell.Core.Http;

namespace StsPowerShell.Core.Aws
{
    /// <summary>
    /// EC2 instance metadata at the URLs of one <see cref="InstanceMetadataEndpoints"/>. With a session token URL,
    /// one IMDSv2 session token is asked for on first use and sent on every later GET; IMDSv1 follows only where
    /// the endpoints allow it and the token is refused with 403, 404 or 405. A timeout or refused connection means
    /// there is no metadata service. Metadata GETs carry no Content-Type.
    /// </summary>
    internal sealed class InstanceMetadataClient
    {
        private const string TokenHeader = "X-aws-ec2-metadata-token";
        private readonly AwsDiscoveryOptions options;
        private Task<string?>? session;

        public InstanceMetadataClient(InstanceMetadataEndpoints endpoints, AwsDiscoveryOptions options)
        {
            Endpoints = endpoints;
            this.options = options;
        }

        public InstanceMetadataEndpoints Endpoints { get; }

        /// <summary>The role credentials the instance profile grants: the role listed at <paramref name="url"/>, its credentials at url/role.</summary>
        /// <exception cref="UnusableInputException">Why there are none, in words.</exception>
        public async Task<AwsCredentials> GetCredentialsAsync(Uri url, CancellationToken cancellationToken)
        {
            var roles = await GetAsync(url, cancellationToken).ConfigureAwait(false);
            var role = roles?.Split(new[] { '\n', '\r' }, StringSplitOptions.RemoveEmptyEntries) is { Length: > 0 } lines ? lines[0].Trim() : null;
            if (string.IsNullOrEmpty(role))
            {
                throw new UnusableInputException("the instance has no IAM role");
            }

            var roleUrl = new Uri(url.GetLeftPart(UriPartial.Path).TrimEnd('/') + "/" + Uri.EscapeDataString(role));
            var document = await GetAsync(roleUrl, cancellationToken).ConfigureAwait(false)
                ?? throw new UnusableInputException($"the credentials of role '{role}' are not there");
            try
            {
                return AwsCredentialsJson.Parse(document, $"{Endpoints.Name} (role {role})", "Token");
            }
            catch (UnusableInputException e)
            {
                throw new UnusableInputException($"role '{role}': {e.Message}");
            }
        }

        /// <summary>The region at <see cref="InstanceMetadataEndpoints.RegionUrl"/>, else the availability zone minus its last letter; null when neither answers.</summary>
        /// <exception cref="UnusableInputException">The service failed.</exception>
        public async Task<string?> GetRegionAsync(CancellationToken cancellationToken)
        {
            if (Endpoints.RegionUrl != null)
            {
                var region = await GetAsync(Endpoints.RegionUrl, cancellationToken).ConfigureAwait(false);
                if (!string.IsNullOrWhiteSpace(region))
                {
                    return region!.Trim();
                }
            }

            if (Endpoints.AvailabilityZoneUrl == null)
            {
                return null;
            }

            var zone = (await GetAsync(Endpoints.AvailabilityZoneUrl, cancellationToken).ConfigureAwait(false))?.Trim();
            return string.IsNullOrEmpty(zone) || zone!.Length < 2 ? null : zone.Substring(0, zone.Length - 1);
        }

        private async Task<string?> GetAsync(Uri url, CancellationToken cancellationToken)
        {
            session ??= StartSessionAsync(cancellationToken);
            var token = await session.ConfigureAwait(false);
            var result = await SendAsync(url, () =>
            {
                var request = new HttpRequestMessage(HttpMethod.Get, url);
                if (token != null)
                {
                    request.Headers.TryAddWithoutValidation(TokenHeader, token);
                }

                return request;
            }, cancellationToken).ConfigureAwait(false);

            if (result.StatusCode == 404)
            {
                return null;
            }

            if (!result.IsSuccess)
            {
                throw new UnusableInputException($"{EndpointPolicy.Display(url)} answered HTTP {result.StatusCode}");
            }

            return result.Body;
        }

        private async Task<string?> StartSessionAsync(CancellationToken cancellationToken)
        {
            var url = Endpoints.SessionTokenUrl;
            if (url == null)
            {
                return null;
            }

            var result = await SendAsync(url, () =>
            {
                var request = new HttpRequestMessage(HttpMethod.Put, url);
                request.Headers.TryAddWithoutValidation("X-aws-ec2-metadata-token-ttl-seconds", "21600");
                return request;
            }, cancellationToken).ConfigureAwait(false);

            if (result.IsSuccess && !string.IsNullOrWhiteSpace(result.Body))
            {
                options.Logger?.Verbose($"Reading the {Endpoints.Name} using an IMDSv2 session token.");
                return result.Body.Trim();
            }

            if (Endpoints.FallBackToImdsV1 && (result.StatusCode == 403 || result.StatusCode == 404 || result.StatusCode == 405))
            {
                options.Logger?.Verbose($"The {Endpoints.Name} refused an IMDSv2 session token with HTTP {result.StatusCode}; falling back to IMDSv1.");
                return null;
            }

            throw new UnusableInputException($"the IMDSv2 session token request answered HTTP {result.StatusCode}");
        }

        private async Task<HttpResult> SendAsync(Uri url, Func<HttpRequestMessage> create, CancellationToken cancellationToken)
        {
            try
            {
                return await HttpSender.SendAsync(create, options.MetadataHttpOptions(), cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is StsTimeoutException || e is StsConnectionException)
            {
                throw new UnusableInputException($"no metadata service answered at {EndpointPolicy.Display(url)}");
            }
        }
    }
}
