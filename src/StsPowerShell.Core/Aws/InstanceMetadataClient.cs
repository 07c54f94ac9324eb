using System;
using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;
using StsPowerShell.Core.Http;

namespace StsPowerShell.Core.Aws
{
    /// <summary>
    /// EC2 instance metadata with IMDSv2 session tokens. Falls back to IMDSv1 only when the session-token PUT
    /// is answered 403, 404 or 405; a timeout or refused connection means there is no metadata service.
    /// Metadata GETs carry no Content-Type.
    /// </summary>
    internal sealed class InstanceMetadataClient
    {
        private const string TokenPath = "/latest/api/token";
        private const string TokenHeader = "X-aws-ec2-metadata-token";
        private readonly string endpoint;
        private readonly AwsDiscoveryOptions options;
        private Task<string?>? session;

        public InstanceMetadataClient(string endpoint, AwsDiscoveryOptions options)
        {
            this.endpoint = endpoint.TrimEnd('/');
            this.options = options;
        }

        public string Endpoint => endpoint;

        /// <summary>The role credentials the instance profile grants.</summary>
        /// <exception cref="UnusableInputException">Why there are none, in words.</exception>
        public async Task<AwsCredentials> GetCredentialsAsync(CancellationToken cancellationToken)
        {
            var roles = await GetAsync("/latest/meta-data/iam/security-credentials/", cancellationToken).ConfigureAwait(false);
            var role = roles?.Split(new[] { '\n', '\r' }, StringSplitOptions.RemoveEmptyEntries) is { Length: > 0 } lines ? lines[0].Trim() : null;
            if (string.IsNullOrEmpty(role))
            {
                throw new UnusableInputException("the instance has no IAM role");
            }

            var document = await GetAsync("/latest/meta-data/iam/security-credentials/" + Uri.EscapeDataString(role), cancellationToken).ConfigureAwait(false)
                ?? throw new UnusableInputException($"the credentials of role '{role}' are not there");
            try
            {
                return AwsCredentialsJson.Parse(document, $"instance metadata at {endpoint} (role {role})", "Token");
            }
            catch (UnusableInputException e)
            {
                throw new UnusableInputException($"role '{role}': {e.Message}");
            }
        }

        /// <summary>The instance's region: placement/region, else the availability zone minus its last letter.</summary>
        public async Task<string?> GetRegionAsync(CancellationToken cancellationToken)
        {
            var region = await GetAsync("/latest/meta-data/placement/region", cancellationToken).ConfigureAwait(false);
            if (!string.IsNullOrWhiteSpace(region))
            {
                return region!.Trim();
            }

            var zone = (await GetAsync("/latest/meta-data/placement/availability-zone", cancellationToken).ConfigureAwait(false))?.Trim();
            return string.IsNullOrEmpty(zone) || zone!.Length < 2 ? null : zone.Substring(0, zone.Length - 1);
        }

        private async Task<string?> GetAsync(string path, CancellationToken cancellationToken)
        {
            session ??= StartSessionAsync(cancellationToken);
            var token = await session.ConfigureAwait(false);
            var result = await SendAsync(() =>
            {
                var request = new HttpRequestMessage(HttpMethod.Get, endpoint + path);
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
                throw new UnusableInputException($"{endpoint}{path} answered HTTP {result.StatusCode}");
            }

            return result.Body;
        }

        private async Task<string?> StartSessionAsync(CancellationToken cancellationToken)
        {
            var result = await SendAsync(() =>
            {
                var request = new HttpRequestMessage(HttpMethod.Put, endpoint + TokenPath);
                request.Headers.TryAddWithoutValidation("X-aws-ec2-metadata-token-ttl-seconds", "21600");
                return request;
            }, cancellationToken).ConfigureAwait(false);

            if (result.IsSuccess && !string.IsNullOrWhiteSpace(result.Body))
            {
                options.Logger?.Verbose($"Instance metadata at {endpoint}: using an IMDSv2 session token.");
                return result.Body.Trim();
            }

            if (result.StatusCode == 403 || result.StatusCode == 404 || result.StatusCode == 405)
            {
                options.Logger?.Verbose($"Instance metadata at {endpoint} refused an IMDSv2 session token with HTTP {result.StatusCode}; falling back to IMDSv1.");
                return null;
            }

            throw new UnusableInputException($"the IMDSv2 session token request answered HTTP {result.StatusCode}");
        }

        private async Task<HttpResult> SendAsync(Func<HttpRequestMessage> create, CancellationToken cancellationToken)
        {
            try
            {
                return await HttpSender.SendAsync(create, options.MetadataHttpOptions(), cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is StsTimeoutException || e is StsConnectionException)
            {
                throw new UnusableInputException($"no metadata service answered at {endpoint}");
            }
        }
    }
}
