using System;
using System.Management.Automation;
using StsPowerShell.Core.Http;
using StsPowerShell.Core.Http.Proxies;
using StsPowerShell.Pipeline;

namespace StsPowerShell.Commands
{
    /// <summary>
    /// The base of every cmdlet that calls a server: the same timeout, retry and proxy parameters, with the same
    /// meaning, defaults and ranges, as Invoke-RestMethod names them.
    /// </summary>
    public abstract class NetworkCmdlet : StsCmdlet
    {
        private ProxySettings proxySettings = ProxySettings.Automatic;

        /// <summary>Seconds allowed for each attempt of each request.</summary>
        /// <value>30</value>
        [Parameter]
        [ValidateRange(1, 3600)]
        public int TimeoutSec { get; set; } = 30;

        /// <summary>How many times a transient failure (a connection error, HTTP 408, 429, 500, 502, 503 or 504) is retried.</summary>
        /// <value>3</value>
        [Parameter]
        [ValidateRange(0, 10)]
        public int MaximumRetryCount { get; set; } = 3;

        /// <summary>Seconds before the first retry, doubled each time, with jitter; a Retry-After answer takes precedence.</summary>
        /// <value>1</value>
        [Parameter]
        [ValidateRange(0, 60)]
        public int RetryIntervalSec { get; set; } = 1;

        /// <summary>
        /// A proxy (http://host:port) for every request, loopback included; cloud metadata and local identity endpoints
        /// are still reached directly. Without it the proxy comes from HTTPS_PROXY/HTTP_PROXY/ALL_PROXY and NO_PROXY, then
        /// the Azure Pipelines agent's proxy, then the system settings. Credentials in the URL (percent-encoded) are used
        /// and never shown.
        /// </summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? Proxy { get; set; }

        /// <summary>Credentials for the proxy, whichever one is used, for the scheme it asks for (Basic, Digest, NTLM or Negotiate).</summary>
        [Parameter]
        [Credential]
        [ValidateNotNull]
        public PSCredential? ProxyCredential { get; set; }

        /// <summary>Sends the current account's credentials to the proxy (Windows integrated authentication). Off unless asked for.</summary>
        [Parameter]
        public SwitchParameter ProxyUseDefaultCredentials { get; set; }

        /// <summary>Connects directly, whatever the proxy variables or the system settings say.</summary>
        [Parameter]
        public SwitchParameter NoProxy { get; set; }

        /// <summary>Checks the proxy parameters once for the whole call: a wrong combination is no input's fault.</summary>
        protected override void BeginProcessing()
        {
            if (Proxy == null && ProxyCredential == null && !ProxyUseDefaultCredentials && !NoProxy)
            {
                return;
            }

            try
            {
                proxySettings = new ProxySettings(Proxy, ProxyCredential?.GetNetworkCredential(), ProxyUseDefaultCredentials, NoProxy);
            }
            catch (ArgumentException e)
            {
                ThrowTerminating(e);
            }
        }

        /// <summary>The HTTP settings of this call, logging through <paramref name="pipe"/> when anyone listens.</summary>
        private protected StsHttpOptions HttpOptions(PipelineHandle pipe) => new StsHttpOptions
        {
            Timeout = TimeSpan.FromSeconds(TimeoutSec),
            Retry = new RetryPolicy { MaximumRetryCount = MaximumRetryCount, RetryInterval = TimeSpan.FromSeconds(RetryIntervalSec) },
            Proxy = proxySettings,
            Logger = Logger(pipe),
        };
    }
}
