using System;
using System.Net;
using System.Security.Cryptography;
using System.Text;

namespace StsPowerShell.Core.Http.Proxies
{
    /// <summary>How a request reaches its server.</summary>
    public enum ProxyRouteKind
    {
        /// <summary>A direct connection.</summary>
        Direct,

        /// <summary>Through a proxy the module chose (a parameter, a proxy variable, the Azure Pipelines agent).</summary>
        Proxy,

        /// <summary>As the system's proxy settings say (WinINet on Windows, including PAC scripts).</summary>
        System,
    }

    /// <summary>The way one request goes, and why: what <see cref="ProxySelector"/> decided.</summary>
    public sealed class ProxyRoute
    {
        private static readonly byte[] ProcessKey = NewProcessKey();

        // For the system route the reason asks the system settings what they choose, which only a message needs:
        // it is found when first read, not on every request.
        private readonly Uri? systemTarget;
        private string? reason;

        private ProxyRoute(ProxyRouteKind kind, Uri? proxy, NetworkCredential? credential, bool useDefaultCredentials, string? reason, Uri? systemTarget = null)
        {
            Kind = kind;
            Proxy = proxy;
            Credential = credential;
            UseDefaultCredentials = useDefaultCredentials;
            this.reason = reason;
            this.systemTarget = systemTarget;
        }

        /// <summary>Direct, through a proxy, or by the system settings.</summary>
        public ProxyRouteKind Kind { get; }

        /// <summary>The proxy's scheme, host and port (never credentials); null unless <see cref="Kind"/> is <see cref="ProxyRouteKind.Proxy"/>.</summary>
        public Uri? Proxy { get; }

        /// <summary>Why: the parameter, variable, entry or rule that decided.</summary>
        public string Reason => reason ??= "no proxy parameter or variable applies; " + SystemProxyFor(systemTarget!);

        internal NetworkCredential? Credential { get; }

        internal bool UseDefaultCredentials { get; }

        /// <summary>True when some proxy may carry the request, so a 407 can be its answer.</summary>
        internal bool MayUseProxy => Kind != ProxyRouteKind.Direct;

        /// <summary>
        /// Which pooled client serves this route: one per distinct proxy and credentials. A password enters it as a
        /// keyed hash, with a key made per process, so the key strings reveal nothing that could be guessed offline
        /// (the pooled handler itself holds the credential, as it must to answer the proxy's challenges).
        /// </summary>
        internal string ClientKey
        {
            get
            {
                switch (Kind)
                {
                    case ProxyRouteKind.Direct:
                        return "direct";
                    default:
                        var credentials = UseDefaultCredentials ? "default" : Credential == null ? "none" : Hash(Credential.Domain) + "\n" + Hash(Credential.UserName) + "\n" + Hash(Credential.Password);
                        return Kind + "\n" + Proxy + "\n" + credentials;
                }
            }
        }

        private static byte[] NewProcessKey()
        {
            var key = new byte[32];
            using (var random = RandomNumberGenerator.Create())
            {
                random.GetBytes(key);
            }

            return key;
        }

        internal static ProxyRoute Direct(string reason) => new ProxyRoute(ProxyRouteKind.Direct, null, null, false, reason);

        internal static ProxyRoute Through(Uri proxy, NetworkCredential? credential, bool useDefaultCredentials, string reason) =>
            new ProxyRoute(ProxyRouteKind.Proxy, proxy, credential, useDefaultCredentials, reason);

        internal static ProxyRoute BySystem(Uri target, NetworkCredential? credential, bool useDefaultCredentials) =>
            new ProxyRoute(ProxyRouteKind.System, null, credential, useDefaultCredentials, null, target);

        /// <summary>For verbose output: for example "through proxy http://proxy:3128 (HTTPS_PROXY)" or "directly (loopback address)".</summary>
        public override string ToString()
        {
            switch (Kind)
            {
                case ProxyRouteKind.Direct:
                    return $"directly ({Reason})";
                case ProxyRouteKind.Proxy:
                    return $"through proxy {ProxyAddress.Display(Proxy!)} ({Reason})";
                default:
                    return $"as the system proxy settings say ({Reason})";
            }
        }

        // What the system settings (WinINet and PAC on Windows) choose for the target, for the verbose line only:
        // the handler asks them again itself.
        private static string SystemProxyFor(Uri target)
        {
            try
            {
                var system = WebRequest.DefaultWebProxy;
                var proxy = system == null || system.IsBypassed(target) ? null : system.GetProxy(target);
                return proxy == null || proxy == target ? "they name no proxy for this host" : "they name " + ProxyAddress.Display(proxy);
            }
            catch (Exception e) when (e is PlatformNotSupportedException || e is InvalidOperationException || e is WebException)
            {
                return "they could not be read (" + e.GetType().Name + ")";
            }
        }

        private static string Hash(string value)
        {
            using (var hmac = new HMACSHA256(ProcessKey))
            {
                return Convert.ToBase64String(hmac.ComputeHash(Encoding.UTF8.GetBytes(value)));
            }
        }
    }
}
