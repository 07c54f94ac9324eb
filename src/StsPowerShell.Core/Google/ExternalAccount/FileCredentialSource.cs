using System;
using System.IO;
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
        public override Task<string> GetSubjectTokenAsync(SubjectTokenContext context, CancellationToken cancellationToken)
        {
            string content;
            try
            {
                var info = new FileInfo(File);
                if (!info.Exists)
                {
                    throw new SubjectTokenSourceException(Kind, $"{File} does not exist.");
                }

                if (info.Length > MaximumBytes)
                {
                    throw new SubjectTokenSourceException(Kind, $"{File} is larger than {MaximumBytes} bytes.");
                }

                content = System.IO.File.ReadAllText(File);
            }
            catch (Exception e) when (e is IOException || e is UnauthorizedAccessException)
            {
                throw new SubjectTokenSourceException(Kind, $"{File} cannot be read ({e.GetType().Name}).");
            }

            context.HttpOptions.Logger?.Verbose($"Read the subject token from {File}.");
            return Task.FromResult(format.Extract(content, Kind, File));
        }

        internal static FileCredentialSource Parse(JsonFields source) => new FileCredentialSource(source.RequiredString("file"), SubjectTokenFormat.Read(source));
    }
}
