using System;
using System.Net;

namespace StsPowerShell.Core.Http.Proxies
{
    /// <summary>
    /// What the caller said about proxies for one call: a proxy of its own, credentials for whichever proxy is
    /// used, the account's own credentials (opt-in), or no proxy at all. Nothing said means automatic selection
    /// (<see cref="ProxySelector"/>). The parameter names are those of the cmdlets, as Invoke-RestMethod names them.
    /// </summary>
    public sealed class ProxySettings
    {
        /// <summary>Automatic selection from the process environment and the system settings.</summary>
        public static readonly ProxySettings Automatic = new ProxySettings();

        /// <summary>Checks and keeps the settings.</summary>
        /// <param name="proxy">A proxy URL (or host:port) for every request except cloud metadata endpoints; it may carry percent-encoded credentials.</param>
        /// <param name="proxyCredential">Basic credentials for the proxy, whichever is chosen.</param>
        /// <param name="proxyUseDefaultCredentials">Send the account's own credentials (Windows integrated authentication) to the proxy.</param>
        /// <param name="noProxy">Connect directly, whatever the environment or the system says.</param>
        /// <param name="environment">Reads an environment variable, with the platform's case rules; the process's by default.</param>
        /// <exception cref="ArgumentException">A combination that cannot mean anything, or an unusable proxy URL.</exception>
        public ProxySettings(string? proxy = null, NetworkCredential? proxyCredential = null, bool proxyUseDefaultCredentials = false, bool noProxy = false, Func<string, string?>? environment = null)
        {
            if (noProxy && (proxy != null || proxyCredential != null || proxyUseDefaultCredentials))
            {
                throw new ArgumentException("NoProxy connects directly, so it cannot be combined with Proxy, ProxyCredential or ProxyUseDefaultCredentials.", "NoProxy");
            }

            if (proxyCredential != null && proxyUseDefaultCredentials)
            {
                throw new ArgumentException("ProxyCredential and ProxyUseDefaultCredentials both say which credentials the proxy gets; give one of them.", "ProxyCredential");
            }

            if (proxy != null)
            {
                var (address, credential) = ProxyAddress.ParseVariable(proxy, "Proxy");
                if (credential != null && proxyUseDefaultCredentials)
                {
                    throw new ArgumentException("The Proxy URL carries credentials and ProxyUseDefaultCredentials asks for the account's own; give one of them.", "ProxyUseDefaultCredentials");
                }

                Proxy = address;
                ProxyCredential = proxyCredential ?? credential;
            }
            else
            {
                ProxyCredential = proxyCredential;
            }

            ProxyUseDefaultCredentials = proxyUseDefaultCredentials;
            NoProxy = noProxy;
            Environment = environment ?? System.Environment.GetEnvironmentVariable;
        }

        /// <summary>The caller's own proxy, without credentials; null when none was given.</summary>
        public Uri? Proxy { get; }

        /// <summary>Credentials for the proxy: given, or taken from <see cref="Proxy"/>'s URL.</summary>
        public NetworkCredential? ProxyCredential { get; }

        /// <summary>True when the account's own credentials may go to the proxy.</summary>
        public bool ProxyUseDefaultCredentials { get; }

        /// <summary>True when every request connects directly.</summary>
        public bool NoProxy { get; }

        internal Func<string, string?> Environment { get; }
    }
}
