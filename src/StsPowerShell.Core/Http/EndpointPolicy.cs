using System;
using System.Net;

namespace StsPowerShell.Core.Http
{
    /// <summary>Where the module may send credentials: HTTPS anywhere, plain HTTP only to this machine.</summary>
    public static class EndpointPolicy
    {
        /// <summary>Parses and checks an endpoint given as text.</summary>
        /// <exception cref="ArgumentException">Not an absolute URI, or not allowed by <see cref="Validate(Uri, string)"/>.</exception>
        public static Uri Parse(string? endpoint, string parameterName)
        {
            if (string.IsNullOrWhiteSpace(endpoint) || !Uri.TryCreate(endpoint!.Trim(), UriKind.Absolute, out var uri))
            {
                throw new ArgumentException($"{MessageText.Quote(endpoint)} is not an absolute URL; expected for example https://sts.googleapis.com/v1/token.", parameterName);
            }

            Validate(uri, parameterName);
            return uri;
        }

        /// <summary>Refuses anything but https, or http to a loopback address; and URLs carrying credentials or a fragment.</summary>
        /// <exception cref="ArgumentException">The endpoint is not allowed.</exception>
        public static void Validate(Uri endpoint, string parameterName)
        {
            if (endpoint == null || !endpoint.IsAbsoluteUri)
            {
                throw new ArgumentException("An absolute URL is required.", parameterName);
            }

            if (!string.IsNullOrEmpty(endpoint.UserInfo))
            {
                throw new ArgumentException($"The URL {Display(endpoint)} carries user information; pass credentials as parameters, never in a URL.", parameterName);
            }

            if (!string.IsNullOrEmpty(endpoint.Fragment))
            {
                throw new ArgumentException($"'{Display(endpoint)}' has a fragment; an endpoint URL must not.", parameterName);
            }

            if (endpoint.Scheme == Uri.UriSchemeHttps)
            {
                return;
            }

            if (endpoint.Scheme == Uri.UriSchemeHttp && IsLoopback(endpoint))
            {
                return;
            }

            throw new ArgumentException($"'{Display(endpoint)}' is not allowed: credentials are sent only over https, or over http to a loopback address (127.0.0.1, ::1, localhost).", parameterName);
        }

        private static readonly IPAddress[] AwsMetadataIPv6 = { IPAddress.Parse("fd00:ec2::254"), IPAddress.Parse("fd00:ec2::23") };

        /// <summary>True for plain http to a link-local cloud metadata address (see <see cref="IsMetadataAddress"/>).</summary>
        public static bool IsLinkLocalMetadata(Uri endpoint) => endpoint.Scheme == Uri.UriSchemeHttp && IsMetadataAddress(endpoint);

        /// <summary>
        /// True when the host is a link-local metadata address, written as such: 169.254.0.0/16 (also IPv4-mapped),
        /// or AWS's fd00:ec2::254 (instance metadata) and fd00:ec2::23 (EKS Pod Identity).
        /// </summary>
        public static bool IsMetadataAddress(Uri endpoint)
        {
            if (!IPAddress.TryParse(endpoint.DnsSafeHost, out var address))
            {
                return false;
            }

            if (address.IsIPv4MappedToIPv6)
            {
                address = address.MapToIPv4();
            }

            var bytes = address.GetAddressBytes();
            return (bytes.Length == 4 && bytes[0] == 169 && bytes[1] == 254) || Array.IndexOf(AwsMetadataIPv6, address) >= 0;
        }

        /// <summary>Scheme, host, port and path only: what messages may show of a URL.</summary>
        public static string Display(Uri endpoint) =>
            endpoint.Scheme + "://" + endpoint.Authority + endpoint.AbsolutePath;

        /// <summary><see cref="Display(Uri)"/> as a URI: <paramref name="endpoint"/> itself when it has nothing more to hide.</summary>
        public static Uri DisplayUri(Uri endpoint) =>
            endpoint.IsAbsoluteUri && endpoint.UserInfo.Length == 0 && endpoint.Query.Length == 0 && endpoint.Fragment.Length == 0
                ? endpoint
                : new Uri(Display(endpoint));

        /// <summary>True when the URL names this machine by a loopback address or 'localhost'.</summary>
        public static bool IsLoopback(Uri endpoint)
        {
            if (endpoint.IsLoopback)
            {
                return true;
            }

            return IPAddress.TryParse(endpoint.DnsSafeHost, out var address) && IPAddress.IsLoopback(address);
        }
    }
}
