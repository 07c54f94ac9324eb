using System;
using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Text;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;

namespace StsPowerShell.Core.Aws
{
    /// <summary>
    /// Runs a profile's <c>credential_process</c> and reads the version-1 JSON it prints. The command runs
    /// without a shell: the first word (or quoted string) is the program, the rest its arguments.
    /// </summary>
    internal static class CredentialProcess
    {
        private const int MaximumOutputBytes = 64 * 1024;

        public static async Task<AwsCredentials> RunAsync(string command, string source, TimeSpan timeout, CancellationToken cancellationToken)
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
            using var process = new Process { StartInfo = startInfo, EnableRaisingEvents = true };
            var exited = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
            process.Exited += (_, _) => exited.TrySetResult(true);
            try
            {
                process.Start();
            }
            catch (Exception e) when (e is Win32Exception || e is InvalidOperationException)
            {
                throw new FormatException($"its program '{program}' could not be started ({e.Message})");
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
                    throw new FormatException($"it did not finish within {timeout.TotalSeconds:0.###} s and was stopped");
                }
            }

            var text = await output.ConfigureAwait(false);
            await errors.ConfigureAwait(false);
            if (process.ExitCode != 0)
            {
                throw new FormatException($"it exited with code {process.ExitCode.ToString(CultureInfo.InvariantCulture)}");
            }

            CheckVersion(text);
            return AwsCredentialsJson.Parse(text, source, "SessionToken");
        }

        private static void CheckVersion(string text)
        {
            try
            {
                using var document = JsonDocument.Parse(text);
                if (document.RootElement.ValueKind != JsonValueKind.Object
                    || !document.RootElement.TryGetProperty("Version", out var version)
                    || version.ValueKind != JsonValueKind.Number
                    || version.GetInt32() != 1)
                {
                    throw new FormatException("its output is not a Version 1 credentials document");
                }
            }
            catch (JsonException)
            {
                throw new FormatException("its output is not JSON");
            }
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
                    throw new FormatException($"its output is larger than {MaximumOutputBytes} bytes");
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
