using System.Threading;
using System.Threading.Tasks;

namespace StsPowerShell.Core.Google
{
    /// <summary>credential_source.file: a token a platform keeps refreshed in a file (Kubernetes, Azure AD workload identity).</summary>
    public sealed class FileCredentialSource : CredentialSource
    {
        private const int MaximumBytes = 1024 * 1024;
        private readonly SubjectTokenFormat format;

        private FileCredentialSource(string file, SubjectTokenFormat format)
        {
            File = file;
            this.format = format;
        }

        /// <inheritdoc />
        public override string Kind => "file";

        /// <summary>The token file.</summary>
        public string File { get; }

        /// <inheritdoc />
        public override async Task<string> GetSubjectTokenAsync(SubjectTokenContext context, CancellationToken cancellationToken)
        {
            string? content;
            try
            {
                // The file may be a FIFO or on a share that does not answer: -TimeoutSec and Ctrl+C hold for it too.
                content = await LocalFile.ReadTextAsync(File, MaximumBytes, context.HttpOptions.Timeout, cancellationToken).ConfigureAwait(false);
            }
            catch (UnusableInputException e)
            {
                throw new SubjectTokenSourceException(Kind, e.Message + ".");
            }

            if (content == null)
            {
                throw new SubjectTokenSourceException(Kind, $"{File} does not exist.");
            }

            context.HttpOptions.Logger?.Verbose($"Read the subject token from {File}.");
            return format.Extract(content, Kind, File);
        }

        internal static FileCredentialSource Parse(JsonFields source) => new FileCredentialSource(source.RequiredString("file"), SubjectTokenFormat.Read(source));
    }
}
