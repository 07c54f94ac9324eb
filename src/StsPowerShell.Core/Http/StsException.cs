using System;

namespace StsPowerShell.Core.Http
{
    /// <summary>The base of every error the module raises about a remote call. Messages never contain a secret.</summary>
    public class StsException : Exception
    {
        /// <summary>Creates the exception.</summary>
        public StsException(string message, Exception? innerException = null)
            : base(message, innerException)
        {
        }

        /// <summary>The endpoint that was called, without query or fragment.</summary>
        public Uri? Endpoint { get; internal set; }

        /// <summary>How many HTTP attempts were made before this error.</summary>
        public int Attempts { get; internal set; }
    }

    /// <summary>No complete answer arrived within the timeout.</summary>
    public sealed class StsTimeoutException : StsException
    {
        /// <summary>Creates the exception.</summary>
        public StsTimeoutException(string message, TimeSpan timeout, Exception? innerException = null)
            : base(message, innerException)
        {
            Timeout = timeout;
        }

        /// <summary>The timeout that elapsed.</summary>
        public TimeSpan Timeout { get; }
    }

    /// <summary>The connection could not be made or broke, on every attempt.</summary>
    public sealed class StsConnectionException : StsException
    {
        /// <summary>Creates the exception.</summary>
        public StsConnectionException(string message, Exception? innerException = null)
            : base(message, innerException)
        {
        }
    }

    /// <summary>The server answered with something the module cannot use: malformed, too large, or a redirect.</summary>
    public sealed class StsResponseException : StsException
    {
        /// <summary>Creates the exception.</summary>
        public StsResponseException(string message, int statusCode, Exception? innerException = null)
            : base(message, innerException)
        {
            StatusCode = statusCode;
        }

        /// <summary>The HTTP status code of the response.</summary>
        public int StatusCode { get; }
    }
}
