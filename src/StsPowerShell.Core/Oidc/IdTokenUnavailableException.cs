using StsPowerShell.Core.Http;

namespace StsPowerShell.Core.Oidc
{
    /// <summary>The CI system's OIDC token could not be had: a variable is missing, or its service refused.</summary>
    public sealed class IdTokenUnavailableException : StsException
    {
        /// <summary>Creates the exception.</summary>
        public IdTokenUnavailableException(string source, string message, int? statusCode = null)
            : base(message)
        {
            Source = source;
            StatusCode = statusCode;
        }

        /// <summary><c>AzurePipelines</c> or <c>GitHubActions</c>.</summary>
        public new string Source { get; }

        /// <summary>The HTTP status the token service answered with, when it answered.</summary>
        public int? StatusCode { get; }
    }
}
