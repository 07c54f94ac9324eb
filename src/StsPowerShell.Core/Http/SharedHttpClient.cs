using System;
using System.Net;
using System.Net.Http;
using System.Runtime.InteropServices;
using System.Security.Authentication;
using System.Threading;

namespace StsPowerShell.Core.Http
{
    /// <summary>The one HttpClient of the process, so connections are pooled and sockets are not exhausted.</summary>
    public static class SharedHttpClient
    {
        private static readonly Lazy<HttpClient> Client = new Lazy<HttpClient>(Create, LazyThreadSafetyMode.ExecutionAndPublication);

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
}
