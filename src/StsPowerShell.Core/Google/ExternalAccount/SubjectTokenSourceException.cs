using StsPowerShell.Core.Http;

namespace StsPowerShell.Core.Google
{
    /// <summary>A credential source of an external_account configuration yielded no subject token.</summary>
    public sealed class SubjectTokenSourceException : StsException
    {
        /// <summary>Creates the exception.</summary>
        public SubjectTokenSourceException(string kind, string message)
            : base($"The {kind} credential source yielded no subject token: {message}")
        {
            Kind = kind;
        }

        /// <summary>file, url, aws1 or executable.</summary>
        public string Kind { get; }
    }
}
