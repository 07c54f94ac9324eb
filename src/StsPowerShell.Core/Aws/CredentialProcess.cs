using System;
using System.Globalization;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using StsPowerShell.Core.Processes;

using StsPowerShell.Core.Http;

namespace StsPowerShell.Core.Aws
{
    /// <summary>Runs a profile's <c>credential_process</c> and reads the Version 1 JSON it prints.</summary>
    internal static class CredentialProcess
    {
        public static async Task<AwsCredentials> RunAsync(string command, string source, TimeSpan timeout, CancellationToken cancellationToken)
        {
            var (exitCode, text) = await ProcessRunner.RunAsync(command, null, timeout, cancellationToken).ConfigureAwait(false);
            if (exitCode != 0)
            {
                throw new UnusableInputException($"it exited with code {exitCode.ToString(CultureInfo.InvariantCulture)}");
            }

            CheckVersion(text);
            return AwsCredentialsJson.Parse(text, source, "SessionToken");
        }

        private static void CheckVersion(string text)
        {
            try
            {
                using var document = JsonText.Parse(text);
                if (document.RootElement.ValueKind != JsonValueKind.Object
                    || !document.RootElement.TryGetProperty("Version", out var version)
                    || version.ValueKind != JsonValueKind.Number
                    || !version.TryGetInt32(out var number)
                    || number != 1)
                {
                    throw new UnusableInputException("its output is not a Version 1 credentials document");
                }
            }
            catch (JsonException)
            {
                throw new UnusableInputException("its output is not JSON");
            }
        }
    }
}
