using System;
using System.Globalization;
using System.IO;
using System.Text;
using System.Threading;
using System.Threading.Tasks;

namespace StsPowerShell.Core
{
    /// <summary>
    /// Reads a local file that configuration or the environment names, whatever it turns out to be: at most a given
    /// number of bytes, whatever size the file reports (a FIFO, /dev/zero or a procfs file reports 0), and within a
    /// time limit even when opening or reading blocks (a FIFO without a writer; on Windows, a share that does not answer).
    /// </summary>
    internal static class LocalFile
    {
        /// <summary>The file's text (a byte order mark chooses the encoding, UTF-8 otherwise), or null when it does not exist.</summary>
        /// <exception cref="UnusableInputException">It is larger than <paramref name="maximumBytes"/>, was not read within <paramref name="timeout"/>, or cannot be read; the message starts with the path.</exception>
        /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
        public static async Task<string?> ReadTextAsync(string path, int maximumBytes, TimeSpan timeout, CancellationToken cancellationToken)
        {
            cancellationToken.ThrowIfCancellationRequested();

            // Nothing interrupts an open or a read that blocks, so they run on a thread of their own that is abandoned,
            // still blocked, when the time is up or the caller cancels; it ends when the file does (a writer comes, the
            // share answers). Its own thread, so an abandoned read never holds one of the pool's.
            var read = Task.Factory.StartNew(() => Read(path, maximumBytes), CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
            using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            deadline.CancelAfter(timeout);
            var stopped = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
            using (deadline.Token.Register(() => stopped.TrySetResult(true)))
            {
                if (await Task.WhenAny(read, stopped.Task).ConfigureAwait(false) != read)
                {
                    // Whatever the abandoned read ends with is of no interest; observing it keeps it from being reported as unobserved.
                    _ = read.ContinueWith(t => t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
                    cancellationToken.ThrowIfCancellationRequested();
                    throw new UnusableInputException($"{path} could not be read within {timeout.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture)} s");
                }
            }

            return await read.ConfigureAwait(false);
        }

        /// <summary>As <see cref="ReadTextAsync"/>, for callers that cannot wait asynchronously.</summary>
        public static string? ReadText(string path, int maximumBytes, TimeSpan timeout) =>
            ReadTextAsync(path, maximumBytes, timeout, CancellationToken.None).GetAwaiter().GetResult();

        private static string? Read(string path, int maximumBytes)
        {
            try
            {
                using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1);
                using var content = new MemoryStream();
                var chunk = new byte[Math.Min(maximumBytes + 1, 81920)];
                int read;
                while ((read = stream.Read(chunk, 0, chunk.Length)) > 0)
                {
                    if (content.Length + read > maximumBytes)
                    {
                        throw new UnusableInputException($"{path} is larger than {maximumBytes.ToString(CultureInfo.InvariantCulture)} bytes");
                    }

                    content.Write(chunk, 0, read);
                }

                content.Position = 0;
                using var reader = new StreamReader(content, Encoding.UTF8, detectEncodingFromByteOrderMarks: true);
                return reader.ReadToEnd();
            }
            catch (Exception e) when (e is FileNotFoundException || e is DirectoryNotFoundException)
            {
                return null;
            }
            catch (Exception e) when (e is IOException || e is UnauthorizedAccessException || e is NotSupportedException || e is ArgumentException)
            {
                // The cause stays inner, so a caller can say what access is missing.
                throw new UnusableInputException($"{path} cannot be read ({e.GetType().Name})", e);
            }
        }
    }
}
