using System;
using System.Collections.Generic;
using StsPowerShell.Core.Http;

namespace StsPowerShell.Core.Google
{
    /// <summary>What credential sources may use: an environment snapshot, HTTP options, a clock.</summary>
    public sealed class SubjectTokenContext
    {
        /// <summary>Creates a context.</summary>
        public SubjectTokenContext(IReadOnlyDictionary<string, string?> environment, StsHttpOptions httpOptions)
        {
            Environment = environment;
            HttpOptions = httpOptions;
        }

        /// <summary>The environment variables sources read.</summary>
        public IReadOnlyDictionary<string, string?> Environment { get; }

        /// <summary>Timeouts, retries and the log for every call.</summary>
        public StsHttpOptions HttpOptions { get; }

        /// <summary>The time allowed each metadata request of the aws1 source.</summary>
        public TimeSpan MetadataTimeout { get; set; } = TimeSpan.FromSeconds(1);
    }
}
