using System;
using System.Management.Automation;
using StsPowerShell.Core.Http;
using StsPowerShell.Pipeline;

namespace StsPowerShell.Commands
{
    /// <summary>
    /// The base of every cmdlet that calls a server: the same timeout and retry parameters, with the same meaning,
    /// defaults and ranges, as Invoke-RestMethod names them. Proxy parameters belong here too.
    /// </summary>
    public abstract class NetworkCmdlet : StsCmdlet
    {
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

        /// <summary>The HTTP settings of this call, logging through <paramref name="pipe"/> when anyone listens.</summary>
        private protected StsHttpOptions HttpOptions(PipelineHandle pipe) => new StsHttpOptions
        {
            Timeout = TimeSpan.FromSeconds(TimeoutSec),
            Retry = new RetryPolicy { MaximumRetryCount = MaximumRetryCount, RetryInterval = TimeSpan.FromSeconds(RetryIntervalSec) },
            Logger = Logger(pipe),
        };
    }
}
