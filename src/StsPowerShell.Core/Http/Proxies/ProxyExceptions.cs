using System;

namespace StsPowerShell.Core.Http.Proxies
{
    /// <summary>A proxy failure that every request of the call would meet: the caller stops rather than try each input.</summary>
    public abstract class ProxyException : StsException
    {
        /// <summary>Creates the exception.</summary>
        protected ProxyException(string message, Exception? innerException = null)
            : base(message, innerException)
        {
        }
    }

    /// <summary>A proxy variable (HTTPS_PROXY, AGENT_PROXYURL, …) that cannot be used.</summary>
    public sealed class ProxyConfigurationException : ProxyException
    {
        /// <summary>Creates the exception.</summary>
        public ProxyConfigurationException(string message, string variable)
            : base(message)
        {
            Variable = variable;
        }

        /// <summary>The environment variable at fault.</summary>
        public string Variable { get; }
    }

    /// <summary>The proxy answered 407 Proxy Authentication Required. Never retried: the same credentials would fail again.</summary>
    public sealed class ProxyAuthenticationException : ProxyException
    {
        /// <summary>Creates the exception.</summary>
        public ProxyAuthenticationException(string message, ProxyRoute route, Exception? innerException = null)
            : base(message, innerException)
        {
            Route = route;
        }

        /// <summary>The route that met the refusal: its proxy (without credentials) and why it was chosen.</summary>
        public ProxyRoute Route { get; }
    }
}
