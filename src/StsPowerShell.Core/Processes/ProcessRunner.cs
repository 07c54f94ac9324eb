using System;
using System.Collections.Generic;
using System.ComponentModel;
using System.Diagnostics;
using System.IO;
using System.Text;
using System.Threading;
using System.Threading.Tasks;

namespace StsPowerShell.Core.Processes
{
    /// <summary>
    /// Runs a credential helper (AWS credential_process, Google's executable source) without a shell: the first
    /// word, or quoted string, is the program and the rest its arguments. Output is bounded; standard error is
    /// read and dropped, since a helper may print secrets there.
    /// </summary>
    public static class ProcessRunner
    {
        /// <summary>The largest standard output read.</summary>
        public const int MaximumOutputBytes = 64 * 1024;

        /// <summary>Runs <paramref name="command"/> and returns its exit code and standard output.</summary>
        /// <exception cref="UnusableInputException">It could not start, outlived <paramref name="timeout"/>, or wrote too much.</exception>
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

            using var process = new Process { StartInfo = startInfo, EnableRaisingEvents = true };
            var exited = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
            process.Exited += (_, _) => exited.TrySetResult(true);
            try
            {
                process.Start();
            }
            catch (Exception e) when (e is Win32Exception || e is InvalidOperationException)
            {
                throw new UnusableInputException($"its program '{program}' could not be started ({e.Message})");
            }

            process.StandardInput.Close();
            var output = ReadBoundedAsync(process.StandardOutput.BaseStream);
            var errors = process.StandardError.ReadToEndAsync();
            using var timer = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timer.CancelAfter(timeout);
            using (timer.Token.Register(() => exited.TrySetCanceled()))
            {
                try
                {
                    await exited.Task.ConfigureAwait(false);
                }
                catch (TaskCanceledException)
                {
                    Kill(process);
                    cancellationToken.ThrowIfCancellationRequested();
                    throw new UnusableInputException($"it did not finish within {timeout.TotalSeconds:0.###} s and was stopped");
                }
            }

            var text = await output.ConfigureAwait(false);
            await errors.ConfigureAwait(false);
            return (process.ExitCode, text);
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

        private static async Task<string> ReadBoundedAsync(Stream stream)
        {
            using var buffer = new MemoryStream();
            var chunk = new byte[8192];
            int read;
            while ((read = await stream.ReadAsync(chunk, 0, chunk.Length).ConfigureAwait(false)) > 0)
            {
                if (buffer.Length + read > MaximumOutputBytes)
                {
                    throw new UnusableInputException($"its output is larger than {MaximumOutputBytes} bytes");
                }

                buffer.Write(chunk, 0, read);
            }

            return Encoding.UTF8.GetString(buffer.ToArray());
        }

        private static void Kill(Process process)
        {
            try
            {
                process.Kill();
            }
            catch (InvalidOperationException)
            {
                // It ended on its own meanwhile.
            }
        }
    }
}
