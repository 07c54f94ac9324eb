using System.Threading;
using System.Threading.Tasks;

namespace StsPowerShell.Core.Google
{
    /// <summary>Where an external_account configuration's subject token comes from.</summary>
    public abstract class CredentialSource
    {
        /// <summary>file, url, aws1, executable or certificate.</summary>
        public abstract string Kind { get; }

        /// <summary>Gets a fresh subject token.</summary>
        /// <exception cref="SubjectTokenSourceException">The source yielded none.</exception>
        public abstract Task<string> GetSubjectTokenAsync(SubjectTokenContext context, CancellationToken cancellationToken);

        internal static CredentialSource Read(JsonFields source, ExternalAccountConfiguration configuration)
        {
            source.OnlyKnown("file", "url", "headers", "format", "environment_id", "region_url", "regional_cred_verification_url", "imdsv2_session_token_url", "executable", "certificate");
            if (source.Has("certificate"))
            {
                var others = System.Array.FindAll(new[] { "file", "url", "executable", "environment_id" }, source.Has);
                return others.Length == 0
                    ? CertificateCredentialSource.Parse(source.OptionalObject("certificate")!)
                    : throw source.Error(string.Empty, $"names certificate and {string.Join(" and ", others)}; exactly one source is allowed.");
            }

            // An aws1 source names its metadata URL in 'url' too, so environment_id decides first.
            if (source.Has("environment_id"))
            {
                return AwsCredentialSource.Parse(source, configuration);
            }

            var kinds = new[] { "file", "url", "executable" };
            var present = System.Array.FindAll(kinds, source.Has);
            if (present.Length != 1)
            {
                throw source.Error(string.Empty, present.Length == 0
                    ? "needs one of file, url, environment_id (aws1) or executable."
                    : $"names {string.Join(" and ", present)}; exactly one source is allowed.");
            }

            switch (present[0])
            {
                case "file":
                    return FileCredentialSource.Parse(source);
                case "url":
                    return UrlCredentialSource.Parse(source);
                default:
                    return ExecutableCredentialSource.Parse(source, configuration);
            }
        }
    }
}
