using System;
using StsPowerShell.Core.Http.Proxies;

namespace StsPowerShell.Core.Http
{
    /// <summary>How one remote call behaves: its timeout, retries, response limit, log and clock.</summary>
    public sealed class StsHttpOptions
    {
        private TimeSpan timeout = TimeSpan.FromSeconds(30);
        private int maximumResponseBytes = 1024 * 1024;

        /// <summary>The time allowed for each attempt, from sending to the last byte of the answer (default 30 s).</summary>
        public TimeSpan Timeout
        {
            get => timeout;
            set => timeout = value > TimeSpan.Zero ? value : throw new ArgumentOutOfRangeException(nameof(Timeout), value, "Expected a positive timeout.");
        }

        /// <summary>The retry policy.</summary>
        public RetryPolicy Retry { get; set; } = new RetryPolicy();

        /// <summary>The largest response body read (default 1 MiB); a larger one is refused, unread.</summary>
        public int MaximumResponseBytes
        {
            get => maximumResponseBytes;
            set => maximumResponseBytes = value > 0 ? value : throw new ArgumentOutOfRangeException(nameof(MaximumResponseBytes), value, "Expected a positive size.");
        }

        /// <summary>Which proxy, if any, requests go through; automatic selection unless set (see <see cref="ProxySelector"/>).</summary>
        public ProxySettings Proxy { get; set; } = ProxySettings.Automatic;

        /// <summary>True for calls to a cloud metadata or local identity endpoint, which never go through a proxy.</summary>
        public bool LocalIdentityEndpoint { get; set; }

        /// <summary>
        /// The SHA-1 thumbprint (hex) the server's certificate must have, instead of a chain to a trusted root: for
        /// a local identity endpoint that serves a self-signed certificate and says which (Service Fabric).
        /// </summary>
        public string? ServerCertificateThumbprint { get; set; }

        /// <summary>
        /// The certificate (with its private key) presented to the server in TLS, for mutual TLS (X.509 workload identity
        /// federation); none when null. Requests with one go through a client of their own.
        /// </summary>
        public System.Security.Cryptography.X509Certificates.X509Certificate2? ClientCertificate { get; set; }

        /// <summary>Where verbose and debug messages go; none when null.</summary>
        public IStsLogger? Logger { get; set; }

        /// <summary>The clock that stamps responses; replaceable for tests.</summary>
        public Func<DateTimeOffset> Clock { get; set; } = () => DateTimeOffset.UtcNow;

        /// <summary>A copy of these options that presents <paramref name="certificate"/> in TLS.</summary>
        public StsHttpOptions WithClientCertificate(System.Security.Cryptography.X509Certificates.X509Certificate2? certificate)
        {
            var copy = (StsHttpOptions)MemberwiseClone();
            copy.ClientCertificate = certificate;
            return copy;
        }
    }
}
