using System;

namespace StsPowerShell.Core.Certificates
{
    /// <summary>Why a client certificate cannot be used for X.509 workload identity federation.</summary>
    public enum CertificateProblem
    {
        /// <summary>The certificate has no private key with it.</summary>
        NoPrivateKey,

        /// <summary>The private key exists but the current account may not use it.</summary>
        KeyNotReadable,

        /// <summary>The certificate's validity ended.</summary>
        Expired,

        /// <summary>The certificate's validity has not begun.</summary>
        NotYetValid,

        /// <summary>The chain names the leaf after other certificates.</summary>
        ChainOrder,

        /// <summary>A file is missing, malformed or of a kind this runtime cannot load.</summary>
        Unreadable,
    }

    /// <summary>
    /// A client certificate refused before any request. An <see cref="ArgumentException"/> whose ParamName is the
    /// parameter (or configuration field) the certificate came from; the message never holds key material or a password.
    /// </summary>
    public sealed class CertificateUnusableException : ArgumentException
    {
        /// <summary>Creates the exception.</summary>
        public CertificateUnusableException(CertificateProblem problem, string message, string parameterName, Exception? innerException = null)
            : base(message, parameterName, innerException)
        {
            Problem = problem;
        }

        /// <summary>What is wrong.</summary>
        public CertificateProblem Problem { get; }
    }
}
