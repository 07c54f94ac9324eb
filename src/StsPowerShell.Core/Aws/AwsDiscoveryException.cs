using System.Collections.Generic;
using StsPowerShell.Core.Http;

namespace StsPowerShell.Core.Aws
{
    /// <summary>What discovery was looking for.</summary>
    public enum AwsDiscoveryTarget
    {
        /// <summary>Credentials.</summary>
        Credentials,

        /// <summary>The region.</summary>
        Region,
    }

    /// <summary>No usable AWS credentials or region were found; <see cref="Tried"/> says where the module looked.</summary>
    public sealed class AwsDiscoveryException : StsException
    {
        /// <summary>Creates the exception.</summary>
        public AwsDiscoveryException(AwsDiscoveryTarget target, string message, IReadOnlyList<string> tried)
            : base(tried.Count == 0 ? message : message + " Tried: " + string.Join("; ", tried) + ".")
        {
            Target = target;
            Tried = tried;
        }

        /// <summary>What was not found.</summary>
        public AwsDiscoveryTarget Target { get; }

        /// <summary>Each source tried, and why it gave nothing.</summary>
        public IReadOnlyList<string> Tried { get; }
    }
}
