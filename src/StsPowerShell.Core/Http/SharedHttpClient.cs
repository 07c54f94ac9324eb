using System;
using System.Net;
using System.Net.Http;
using System.Runtime.InteropServices;
using System.Security.Authentication;

namespace StsPowerShell.Core.Http
{
    /// <summary>The one HttpClient of the process, so connections are pooled and sockets are not exhausted.</summary>
    public static class SharedHttpClient
    {
        // Not Lazy<T>: it would keep a failed creation's exception (a TLS setting a 4.7.1 runtime refuses) and
        // throw it from every network cmdlet until the session restarts.
        private static readonly CreatedOnce<HttpClient> Client = new CreatedOnce<HttpClient>(Create);

        /// <summary>
        /// The User-Agent of every request, which <see cref="HttpSender"/> adds as text: default request headers
        /// would be copied and re-serialized for each request.
        /// </summary>
        internal static readonly string UserAgent = $"StsPowerShell/{typeof(SharedHttpClient).Assembly.GetName().Version?.ToString(3)}";

        /// <summary>The shared client. Timeouts are per call (see <see cref="StsHttpOptions.Timeout"/>), so its own is infinite.</summary>
        public static HttpClient Instance => Client.Value;

        /// <summary>
        /// True on .NET Framework when the process would not offer TLS 1.2 (Windows PowerShell 5.1 on an
        /// unpatched or old configuration); the module then asks for TLS 1.2 on its own handler only.
        /// </summary>
        public static bool NeedsTls12(string frameworkDescription, SecurityProtocolType processProtocols) =>
            frameworkDescription.StartsWith(".NET Framework", StringComparison.Ordinal)
            && (int)processProtocols != 0
            && (processProtocols & SecurityProtocolType.Tls12) == 0;

        private static HttpClient Create()
        {
            var handler = new HttpClientHandler
            {
                // Credentials must never follow a redirect to another address.
                AllowAutoRedirect = false,
                UseCookies = false,

                // No Accept-Encoding: token answers are a few hundred bytes, and decompression costs every request.
                AutomaticDecompression = DecompressionMethods.None,
            };

            if (NeedsTls12(RuntimeInformation.FrameworkDescription, ServicePointManager.SecurityProtocol))
            {
                handler.SslProtocols = SslProtocols.Tls12;
            }

            return new HttpClient(handler) { Timeout = System.Threading.Timeout.InfiniteTimeSpan };
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
