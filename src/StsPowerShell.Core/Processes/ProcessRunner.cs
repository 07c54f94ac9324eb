using System;
using System.Collections.Generic;
using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Text;
using System.Threading;
using System.Threading.Tasks;

namespace StsPowerShell.Core.Processes
{
    /// <summary>
    /// Runs a credential helper (AWS credential_process, Google's executable source) without a shell: the first
    /// word, or quoted string, is the program and the rest its arguments. One deadline covers the whole run; when it
    /// passes, on cancellation, or when the output passes its limit, the helper's whole process tree is killed at once.
    /// Standard error is drained and dropped, since a helper may print secrets there.
    /// </summary>
    public static class ProcessRunner
    {
        /// <summary>The largest standard output read.</summary>
        public const int MaximumOutputBytes = 64 * 1024;

        // How long, once the helper has exited, its streams may take to end before what holds them open is killed,
        // and again before they are abandoned. Output written before the exit is already in the pipe.
        private static readonly TimeSpan ExitGrace = TimeSpan.FromMilliseconds(250);

        /// <summary>Runs <paramref name="command"/> and returns its exit code and standard output.</summary>
        /// <exception cref="UnusableInputException">It could not start, outlived <paramref name="timeout"/>, or wrote too much.</exception>
        /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled; the helper was killed.</exception>
        public static async Task<(int ExitCode, string Output)> RunAsync(string command, IReadOnlyDictionary<string, string>? environment, TimeSpan timeout, CancellationToken cancellationToken)
        {
            var (program, arguments) = Split(command);
            var startInfo = new ProcessStartInfo(program, arguments)
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                RedirectStandardInput = true,
                UseShellExecute = false,
                CreateNoWindow = true,
            };
            if (environment != null)
            {
                foreach (var variable in environment)
                {
                    startInfo.Environment[variable.Key] = variable.Value;
                }
            }

            var tree = new HelperProcessTree(startInfo);
            using var process = new Process { StartInfo = startInfo, EnableRaisingEvents = true };
            var exited = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
            process.Exited += (_, _) => exited.TrySetResult(true);
            using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            deadline.CancelAfter(timeout);
            try
            {
                process.Start();
            }
            catch (Exception e) when (e is Win32Exception || e is InvalidOperationException)
            {
                throw new UnusableInputException($"its program '{program}' could not be started ({e.Message})");
            }

            // Ends the reads that are still waiting when the run ends, whichever way it ends.
            using var reading = new CancellationTokenSource();
            try
            {
                process.StandardInput.Close();
                var output = new StreamDrain(process.StandardOutput.BaseStream, MaximumOutputBytes, reading.Token);
                var errors = new StreamDrain(process.StandardError.BaseStream, 0, reading.Token);
                var stopped = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
                using var registration = deadline.Token.Register(() => stopped.TrySetResult(true));

                // The output ends before the exit (its end, or its limit) or with it; a helper that closed its output
                // is still waited for.
                if (await Task.WhenAny(exited.Task, output.Completion, stopped.Task).ConfigureAwait(false) == output.Completion && !output.TooLarge)
                {
                    await Task.WhenAny(exited.Task, stopped.Task).ConfigureAwait(false);
                }

                if (output.TooLarge)
                {
                    tree.Kill(process);
                    throw TooLarge();
                }

                if (!exited.Task.IsCompleted)
                {
                    tree.Kill(process);
                    cancellationToken.ThrowIfCancellationRequested();
                    throw new UnusableInputException($"it did not finish within {timeout.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture)} s and was stopped");
                }

                // It has exited. Its streams end with it unless a process it left behind holds them: that one is
                // killed, and they are waited for no longer than the grace and the deadline allow.
                var drained = Task.WhenAll(output.Completion, errors.Completion);
                if (!await EndsWithinAsync(drained, deadline.Token).ConfigureAwait(false))
                {
                    tree.KillLeftovers();
                    await EndsWithinAsync(drained, deadline.Token).ConfigureAwait(false);
                }

                cancellationToken.ThrowIfCancellationRequested();
                if (output.TooLarge)
                {
                    throw TooLarge();
                }

                return (process.ExitCode, output.Text());
            }
            finally
            {
                reading.Cancel();
            }
        }

        private static UnusableInputException TooLarge() => new UnusableInputException($"its output is larger than {MaximumOutputBytes} bytes");

        private static async Task<bool> EndsWithinAsync(Task task, CancellationToken deadline)
        {
            using var wait = CancellationTokenSource.CreateLinkedTokenSource(deadline);
            var ended = await Task.WhenAny(task, Task.Delay(ExitGrace, wait.Token)).ConfigureAwait(false) == task;
            wait.Cancel();
            return ended;
        }

        private static (string Program, string Arguments) Split(string command)
        {
            var trimmed = command.Trim();
            if (trimmed.StartsWith("\"", StringComparison.Ordinal))
            {
                var close = trimmed.IndexOf('"', 1);
                if (close > 0)
                {
                    return (trimmed.Substring(1, close - 1), trimmed.Substring(close + 1).Trim());
                }
            }

            var space = trimmed.IndexOfAny(new[] { ' ', '\t' });
            return space < 0 ? (trimmed, string.Empty) : (trimmed.Substring(0, space), trimmed.Substring(space + 1).Trim());
        }

        /// <summary>
        /// Reads a helper's stream as it comes, so the helper never blocks on a full pipe: keeps at most a limit
        /// (nothing, for standard error) and stops at the limit. Its completion never faults.
        /// </summary>
        private sealed class StreamDrain
        {
            private readonly object gate = new object();
            private readonly MemoryStream kept = new MemoryStream();
            private readonly int limit;

            public StreamDrain(Stream stream, int limit, CancellationToken stop)
            {
                this.limit = limit;
                Completion = DrainAsync(stream, stop);
            }

            public Task Completion { get; }

            /// <summary>More than the limit came; reading stopped there.</summary>
            public bool TooLarge { get; private set; }

            public string Text()
            {
                lock (gate)
                {
                    return Encoding.UTF8.GetString(kept.GetBuffer(), 0, (int)kept.Length);
                }
            }

            private async Task DrainAsync(Stream stream, CancellationToken stop)
            {
                var chunk = new byte[16 * 1024];
                try
                {
                    int read;
                    while ((read = await stream.ReadAsync(chunk, 0, chunk.Length, stop).ConfigureAwait(false)) > 0)
                    {
                        if (limit == 0)
                        {
                            continue;
                        }

                        lock (gate)
                        {
                            if (kept.Length + read > limit)
                            {
                                TooLarge = true;
                                return;
                            }

                            kept.Write(chunk, 0, read);
                        }
                    }
                }
                catch (Exception e) when (e is OperationCanceledException || e is IOException || e is ObjectDisposedException)
                {
                    // The run ended, or the pipe broke: what was read stands.
                }
            }
        }
    }
}
