using System;
using System.Net;
using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;
using StsPowerShell.Core.Http;

namespace StsPowerShell.Core.Aws
{
    /// <summary>
    /// ECS and EKS Pod Identity container credentials: AWS_CONTAINER_CREDENTIALS_RELATIVE_URI (against the ECS
    /// host) or AWS_CONTAINER_CREDENTIALS_FULL_URI, with AWS_CONTAINER_AUTHORIZATION_TOKEN(_FILE).
    /// </summary>
    internal static class ContainerCredentials
    {
        private const int MaximumTokenFileBytes = 64 * 1024;

        // The addresses the AWS SDKs allow a plain-http full URI to name, besides loopback.
        private static readonly IPAddress[] ContainerAddresses =
        {
            IPAddress.Parse("169.254.170.2"),
            IPAddress.Parse("169.254.170.23"),
            IPAddress.Parse("fd00:ec2::23"),
        };

        /// <summary>The credentials URI the environment names, or null when it names none.</summary>
        /// <exception cref="UnusableInputException">The full URI is not one the AWS SDKs allow.</exception>
        public static Uri? CredentialsUri(AwsDiscoveryOptions options)
        {
            var relative = options.Variable("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI");
            if (relative != null)
            {
                return new Uri(options.ContainerHost.TrimEnd('/') + "/" + relative.TrimStart('/'));
            }

            var full = options.Variable("AWS_CONTAINER_CREDENTIALS_FULL_URI");
            if (full == null)
            {
                return null;
            }

            if (!Uri.TryCreate(full, UriKind.Absolute, out var uri))
            {
                throw new UnusableInputException("AWS_CONTAINER_CREDENTIALS_FULL_URI is not an absolute URL");
            }

            var allowed = uri.Scheme == Uri.UriSchemeHttps
                || (uri.Scheme == Uri.UriSchemeHttp && (EndpointPolicy.IsLoopback(uri) || (IPAddress.TryParse(uri.DnsSafeHost, out var address) && Array.Exists(ContainerAddresses, a => a.Equals(address)))));
            if (!allowed)
            {
                throw new UnusableInputException($"AWS_CONTAINER_CREDENTIALS_FULL_URI names {EndpointPolicy.Display(uri)}, which is neither https, loopback nor an ECS/EKS container address");
            }

            return uri;
        }

        public static async Task<AwsCredentials> FetchAsync(Uri uri, AwsDiscoveryOptions options, CancellationToken cancellationToken)
        {
            var authorization = await AuthorizationAsync(options, cancellationToken).ConfigureAwait(false);
            HttpResult result;
            try
            {
                result = await HttpSender.SendAsync(() =>
                {
                    var request = new HttpRequestMessage(HttpMethod.Get, uri);
                    if (authorization != null)
                    {
                        request.Headers.TryAddWithoutValidation("Authorization", authorization);
                    }

                    return request;
                }, options.MetadataHttpOptions(), cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is StsTimeoutException || e is StsConnectionException)
            {
                throw new UnusableInputException("the endpoint did not answer");
            }

            if (!result.IsSuccess)
            {
                throw new UnusableInputException($"the endpoint answered HTTP {result.StatusCode}");
            }

            return AwsCredentialsJson.Parse(result.Body, $"container credentials at {EndpointPolicy.Display(uri)}", "Token");
        }

        private static async Task<string?> AuthorizationAsync(AwsDiscoveryOptions options, CancellationToken cancellationToken)
        {
            var file = options.Variable("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE");
            if (file != null)
            {
                // Read within the time a request to the endpoint has, and bounded, whatever the file is.
                string? token;
                try
                {
                    token = await LocalFile.ReadTextAsync(file, MaximumTokenFileBytes, options.MetadataTimeout, cancellationToken).ConfigureAwait(false);
                }
                catch (UnusableInputException e)
                {
                    throw new UnusableInputException($"AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE {e.Message}");
                }

                return token?.Trim() ?? throw new UnusableInputException($"AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE {file} does not exist");
            }

            return options.Variable("AWS_CONTAINER_AUTHORIZATION_TOKEN");
        }
    }
}
