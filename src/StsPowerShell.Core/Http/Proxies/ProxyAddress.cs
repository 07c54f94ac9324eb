using System;
using System.Net;
using System.Runtime.InteropServices;

namespace StsPowerShell.Core.Http.Proxies
{
    /// <summary>A proxy URL, parsed the way curl and the proxy variables' other readers take it.</summary>
    internal static class ProxyAddress
    {
        /// <summary>
        /// The proxy's address (scheme, host and port only) and the credentials its URL carried, percent-decoded.
        /// </summary>
        /// <exception cref="ArgumentException">Not an http or https URL of a host, named by <paramref name="source"/>; the credentials are never quoted.</exception>
        public static (Uri Address, NetworkCredential? Credential) Parse(Uri proxy, string source)
        {
            if (!proxy.IsAbsoluteUri || (proxy.Scheme != Uri.UriSchemeHttp && proxy.Scheme != Uri.UriSchemeHttps) || proxy.Host.Length == 0)
            {
                throw new ArgumentException($"{Describe(proxy)} is not a proxy URL; expected http://host:port (or https://host:port).", source);
            }

            if (proxy.AbsolutePath != "/" || proxy.Query.Length > 0 || proxy.Fragment.Length > 0)
            {
                throw new ArgumentException($"{Display(proxy)} has a path, query or fragment; a proxy URL names only a scheme, host and port (percent-encode '@', ':', '/', '#' and '?' in a password).", source);
            }

            if (proxy.Port == 0)
            {
                throw new ArgumentException($"{Display(proxy)} names port 0; expected the proxy's port.", source);
            }

            // .NET Framework's handler speaks to proxies over plain http only.
            if (proxy.Scheme == Uri.UriSchemeHttps && RuntimeInformation.FrameworkDescription.StartsWith(".NET Framework", StringComparison.Ordinal))
            {
                throw new ArgumentException($"{Display(proxy)} is an https proxy, which Windows PowerShell 5.1 cannot use; give its http address, or use PowerShell 7.4 or later.", source);
            }

            NetworkCredential? credential = null;
            if (proxy.UserInfo.Length > 0)
            {
                var separator = proxy.UserInfo.IndexOf(':');
                var user = separator < 0 ? proxy.UserInfo : proxy.UserInfo.Substring(0, separator);
                var password = separator < 0 ? string.Empty : proxy.UserInfo.Substring(separator + 1);
                credential = new NetworkCredential(Uri.UnescapeDataString(user), Uri.UnescapeDataString(password));
            }

            return (new Uri(Display(proxy)), credential);
        }

        /// <summary>A proxy variable's value: a URL, or host:port, which means http.</summary>
        /// <exception cref="ArgumentException">Not usable; <paramref name="variable"/> is named, its value is quoted without credentials.</exception>
        public static (Uri Address, NetworkCredential? Credential) ParseVariable(string value, string variable)
        {
            var text = value.IndexOf("://", StringComparison.Ordinal) < 0 ? "http://" + value : value;
            if (!Uri.TryCreate(text, UriKind.Absolute, out var uri))
            {
                throw new ArgumentException($"{MessageText.Quote(WithoutUserInfo(value))} is not a proxy URL; expected http://host:port.", variable);
            }

            return Parse(uri, variable);
        }

        /// <summary>Scheme, host and port: what messages show of a proxy.</summary>
        public static string Display(Uri proxy) => proxy.Scheme + "://" + proxy.Authority;

        private static string Describe(Uri proxy) =>
            proxy.IsAbsoluteUri ? MessageText.Quote(proxy.Scheme + "://" + proxy.Authority) : MessageText.Quote(WithoutUserInfo(proxy.OriginalString));

        // What could be credentials (everything before the last '@') is left out of any quotation.
        private static string WithoutUserInfo(string value)
        {
            var at = value.LastIndexOf('@');
            return at < 0 ? value : "…" + value.Substring(at);
        }
    }
}
