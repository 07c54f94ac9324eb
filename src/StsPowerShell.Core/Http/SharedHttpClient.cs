using System;
using System.Collections.Concurrent;
using System.Net;
using System.Net.Http;
using System.Runtime.InteropServices;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using StsPowerShell.Core.Http.Proxies;

namespace StsPowerShell.Core.Http
{
    /// <summary>
    /// The HttpClients of the process, one per distinct route (direct, the system settings, each proxy with its
    /// credentials), each created once, so connections are pooled and sockets are not exhausted.
    /// </summary>
    public static class SharedHttpClient
    {
        // More distinct proxies and credentials than this in one process is a script creating them in a loop: the
        // pool starts over rather than grow without bound (clients in use stay alive until their requests end).
        private const int MaximumClients = 32;

        // Not Lazy<T>: it would keep a failed creation's exception (a TLS setting a 4.7.1 runtime refuses) and
        // throw it from every network cmdlet until the session restarts.
        private static readonly ConcurrentDictionary<string, CreatedOnce<HttpClient>> Clients = new ConcurrentDictionary<string, CreatedOnce<HttpClient>>(StringComparer.Ordinal);

        /// <summary>
        /// The User-Agent of every request, which <see cref="HttpSender"/> adds as text: default request headers
        /// would be copied and re-serialized for each request.
        /// </summary>
        internal static readonly string UserAgent = $"StsPowerShell/{typeof(SharedHttpClient).Assembly.GetName().Version?.ToString(3)}";

        /// <summary>
        /// The shared client for <paramref name="route"/>, trusting only a server certificate with
        /// <paramref name="pinnedThumbprint"/> when one is given, and presenting <paramref name="clientCertificate"/> in TLS
        /// when one is given. Timeouts are per call (see <see cref="StsHttpOptions.Timeout"/>), so its own is infinite.
        /// </summary>
        /// <remarks>
        /// A client certificate gets a handler of its own, keyed by its thumbprint and whether its key came with it, so
        /// the shared handlers never offer a certificate to a server that asks and connections are never shared across
        /// identities.
        /// </remarks>
        public static HttpClient For(ProxyRoute route, string? pinnedThumbprint = null, X509Certificate2? clientCertificate = null)
        {
            var key = pinnedThumbprint == null ? route.ClientKey : route.ClientKey + "\npinned " + pinnedThumbprint.ToUpperInvariant();
            if (clientCertificate != null)
            {
                key += "\nclient " + clientCertificate.Thumbprint + (clientCertificate.HasPrivateKey ? " with key" : " without key");
            }
            if (!Clients.TryGetValue(key, out var client))
            {
                if (Clients.Count >= MaximumClients)
                {
                    Clients.Clear();
                }

                client = Clients.GetOrAdd(key, _ => new CreatedOnce<HttpClient>(() => Create(route, pinnedThumbprint, clientCertificate)));
            }

            return client.Value;
        }

        /// <summary>
        /// True on .NET Framework when the process would not offer TLS 1.2 (Windows PowerShell 5.1 on an
        /// unpatched or old configuration); the module then asks for TLS 1.2 on its own handler only.
        /// </summary>
        public static bool NeedsTls12(string frameworkDescription, SecurityProtocolType processProtocols) =>
            frameworkDescription.StartsWith(".NET Framework", StringComparison.Ordinal)
            && (int)processProtocols != 0
            && (processProtocols & SecurityProtocolType.Tls12) == 0;

        private static HttpClient Create(ProxyRoute route, string? pinnedThumbprint, X509Certificate2? clientCertificate)
        {
            var handler = new HttpClientHandler
            {
                // Credentials must never follow a redirect to another address.
                AllowAutoRedirect = false,
                UseCookies = false,

                // No Accept-Encoding: token answers are a few hundred bytes, and decompression costs every request.
                AutomaticDecompression = DecompressionMethods.None,
            };

            switch (route.Kind)
            {
                case ProxyRouteKind.Direct:
                    handler.UseProxy = false;
                    break;
                case ProxyRouteKind.Proxy:
                    handler.UseProxy = true;
                    handler.Proxy = new FixedProxy(route.Proxy!, ProxyCredentials(route));
                    break;
                default:
                    handler.UseProxy = true;
                    handler.DefaultProxyCredentials = ProxyCredentials(route);
                    break;
            }

            if (pinnedThumbprint != null)
            {
                // The endpoint's own certificate, named by the platform, replaces chain validation.
                handler.ServerCertificateCustomValidationCallback = (_, certificate, _, _) =>
                    certificate != null && string.Equals(certificate.GetCertHashString(), pinnedThumbprint, StringComparison.OrdinalIgnoreCase);
            }

            if (clientCertificate != null)
            {
                // A copy: the pooled handler outlives the caller's object, which a script may dispose.
                handler.ClientCertificateOptions = ClientCertificateOption.Manual;
                handler.ClientCertificates.Add(new X509Certificate2(clientCertificate));
            }

            if (NeedsTls12(RuntimeInformation.FrameworkDescription, ServicePointManager.SecurityProtocol))
            {
                handler.SslProtocols = SslProtocols.Tls12;
            }

            return new HttpClient(handler) { Timeout = System.Threading.Timeout.InfiniteTimeSpan };
        }

        // The account's own credentials only when asked for: sending them to a proxy is the caller's choice.
        private static ICredentials? ProxyCredentials(ProxyRoute route) =>
            route.UseDefaultCredentials ? CredentialCache.DefaultCredentials : route.Credential;

        /// <summary>
        /// One proxy for every request of its client: the selector has already decided, so none of WebProxy's own
        /// bypass rules (local addresses, its list) may decide again.
        /// </summary>
        private sealed class FixedProxy : IWebProxy
        {
            private readonly Uri address;

            public FixedProxy(Uri address, ICredentials? credentials)
            {
                this.address = address;
                Credentials = credentials;
            }

            public ICredentials? Credentials { get; set; }

            public Uri GetProxy(Uri destination) => address;

            public bool IsBypassed(Uri host) => false;
        }
    }

    /// <summary>A value created on first use, once, by one thread; a failed creation is not kept, so the next use tries again.</summary>
    internal sealed class CreatedOnce<T>
        where T : class
    {
        private readonly Func<T> create;
        private readonly object gate = new object();
        private volatile T? value;

        public CreatedOnce(Func<T> create) => this.create = create;

        public T Value
        {
            get
            {
                var current = value;
                if (current != null)
                {
                    return current;
                }

                lock (gate)
                {
                    return value ??= create();
                }
            }
        }
    }
}
