using System;
using StsPowerShell.Core.Http;

namespace StsPowerShell.Core
{
    /// <summary>
    /// What the module needed from outside itself — a token, a server's answer, a helper process's output, a
    /// file, an environment variable — is malformed, missing, expired or did not come in time. Callers that try
    /// several sources record the message and go on; others wrap it in their own error. The message says what is
    /// wrong with the input, never what it holds.
    /// </summary>
    public sealed class UnusableInputException : StsException
    {
        /// <summary>Creates the exception.</summary>
        public UnusableInputException(string message, Exception? innerException = null)
            : base(message, innerException)
        {
        }
    }
}
