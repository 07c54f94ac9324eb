using System;
using System.Collections.Generic;
using System.Globalization;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using StsPowerShell.Core.Exchange;
using StsPowerShell.Core.Processes;

using StsPowerShell.Core.Http;

namespace StsPowerShell.Core.Google
{
    /// <summary>
    /// credential_source.executable: a program that prints Google's executable-sourced credential response.
    /// Runs only when GOOGLE_EXTERNAL_ACCOUNT_ALLOW_EXECUTABLES=1; a still-valid response in output_file is
    /// used without running it.
    /// </summary>
    public sealed class ExecutableCredentialSource : CredentialSource
    {
        /// <summary>The variable that must be 1 before any executable runs.</summary>
        public const string AllowVariable = "GOOGLE_EXTERNAL_ACCOUNT_ALLOW_EXECUTABLES";

        private readonly ExternalAccountConfiguration configuration;

        private ExecutableCredentialSource(string command, TimeSpan timeout, string? outputFile, ExternalAccountConfiguration configuration)
        {
            Command = command;
            Timeout = timeout;
            OutputFile = outputFile;
            this.configuration = configuration;
        }

        /// <inheritdoc />
        public override string Kind => "executable";

        /// <summary>The command line.</summary>
        public string Command { get; }

        /// <summary>timeout_millis (5–120 s; 30 s when absent).</summary>
        public TimeSpan Timeout { get; }

        /// <summary>Where the executable caches its response, if anywhere.</summary>
        public string? OutputFile { get; }

        /// <inheritdoc />
        public override async Task<string> GetSubjectTokenAsync(SubjectTokenContext context, CancellationToken cancellationToken)
        {
            if (EnvironmentVariables.Get(context.Environment, AllowVariable) != "1")
            {
                throw new SubjectTokenSourceException(Kind, $"running executables is off: set {AllowVariable}=1 to allow '{Command}' to run.");
            }

            var now = context.HttpOptions.Clock();
            if (OutputFile != null)
            {
                var cached = await TryReadCachedAsync(now, cancellationToken).ConfigureAwait(false);
                if (cached != null)
                {
                    context.HttpOptions.Logger?.Verbose($"Using the unexpired executable response cached in {OutputFile}.");
                    return cached;
                }
            }

            context.HttpOptions.Logger?.Verbose($"Running the credential executable (timeout {Timeout.TotalSeconds:0.###} s).");
            int exitCode;
            string output;
            try
            {
                (exitCode, output) = await ProcessRunner.RunAsync(Command, Variables(), Timeout, cancellationToken).ConfigureAwait(false);
            }
            catch (UnusableInputException e)
            {
                throw new SubjectTokenSourceException(Kind, e.Message);
            }

            if (exitCode != 0)
            {
                throw new SubjectTokenSourceException(Kind, $"it exited with code {exitCode.ToString(CultureInfo.InvariantCulture)}.");
            }

            return ReadResponse(output, now, "its output");
        }

        internal static ExecutableCredentialSource Parse(JsonFields source, ExternalAccountConfiguration configuration)
        {
            var executable = source.OptionalObject("executable")!;
            executable.OnlyKnown("command", "timeout_millis", "output_file");
            var milliseconds = executable.OptionalInteger("timeout_millis", 5000, 120000) ?? 30000;
            return new ExecutableCredentialSource(executable.RequiredString("command"), TimeSpan.FromMilliseconds(milliseconds), executable.OptionalString("output_file"), configuration);
        }

        private Dictionary<string, string> Variables()
        {
            var variables = new Dictionary<string, string>
            {
                ["GOOGLE_EXTERNAL_ACCOUNT_AUDIENCE"] = configuration.Audience,
                ["GOOGLE_EXTERNAL_ACCOUNT_TOKEN_TYPE"] = configuration.SubjectTokenType,
                ["GOOGLE_EXTERNAL_ACCOUNT_INTERACTIVE"] = "0",
            };
            if (configuration.ServiceAccountEmail != null)
            {
                variables["GOOGLE_EXTERNAL_ACCOUNT_IMPERSONATED_EMAIL"] = configuration.ServiceAccountEmail;
            }

            if (OutputFile != null)
            {
                variables["GOOGLE_EXTERNAL_ACCOUNT_OUTPUT_FILE"] = OutputFile;
            }

            return variables;
        }

        private async Task<string?> TryReadCachedAsync(DateTimeOffset now, CancellationToken cancellationToken)
        {
            try
            {
                // Bounded like the executable's own output, and within its timeout: the file may be a FIFO or never end.
                var text = await LocalFile.ReadTextAsync(OutputFile!, ProcessRunner.MaximumOutputBytes, Timeout, cancellationToken).ConfigureAwait(false);
                return text == null ? null : ReadResponse(text, now, OutputFile!);
            }
            catch (Exception e) when (e is SubjectTokenSourceException || e is UnusableInputException)
            {
                // A missing, unusable or expired cache means running the executable, as Google's libraries do.
                return null;
            }
        }

        // version 1; success; token_type as configured; expiration_time in the future (required with output_file);
        // id_token for JWT types, saml_response for SAML.
        internal string ReadResponse(string text, DateTimeOffset now, string where)
        {
            JsonDocument document;
            try
            {
                document = JsonText.Parse(text);
            }
            catch (JsonException)
            {
                throw new SubjectTokenSourceException(Kind, $"{where} is not JSON.");
            }

            using (document)
            {
                var root = document.RootElement;
                if (root.ValueKind != JsonValueKind.Object)
                {
                    throw new SubjectTokenSourceException(Kind, $"{where} is not a JSON object.");
                }

                if (!root.TryGetProperty("version", out var version) || version.ValueKind != JsonValueKind.Number || !version.TryGetInt32(out var number) || number != 1)
                {
                    throw new SubjectTokenSourceException(Kind, $"{where} has no version 1.");
                }

                if (!root.TryGetProperty("success", out var success) || (success.ValueKind != JsonValueKind.True && success.ValueKind != JsonValueKind.False))
                {
                    throw new SubjectTokenSourceException(Kind, $"{where} has no boolean success.");
                }

                if (success.ValueKind == JsonValueKind.False)
                {
                    throw new SubjectTokenSourceException(Kind, $"the executable reported failure {JsonText.StringOrNumber(root, "code") ?? "(no code)"}: {JsonText.StringOrNumber(root, "message") ?? "(no message)"}");
                }

                var tokenType = JsonText.StringOrNumber(root, "token_type");
                if (tokenType != configuration.SubjectTokenType)
                {
                    throw new SubjectTokenSourceException(Kind, $"{where} has token_type '{tokenType}', but the configuration's subject_token_type is {configuration.SubjectTokenType}.");
                }

                if (root.TryGetProperty("expiration_time", out var expiration))
                {
                    if (expiration.ValueKind != JsonValueKind.Number || !expiration.TryGetInt64(out var seconds) || seconds < 0 || seconds > 253402300799)
                    {
                        throw new SubjectTokenSourceException(Kind, $"{where} has an expiration_time that is not a number of seconds.");
                    }

                    if (DateTimeOffset.FromUnixTimeSeconds(seconds) <= now)
                    {
                        throw new SubjectTokenSourceException(Kind, $"{where} holds a token that expired at {DateTimeOffset.FromUnixTimeSeconds(seconds).ToString("u", CultureInfo.InvariantCulture)}.");
                    }
                }
                else if (OutputFile != null)
                {
                    throw new SubjectTokenSourceException(Kind, $"{where} has no expiration_time, which output_file requires.");
                }

                var field = tokenType == TokenTypes.Saml2 ? "saml_response" : "id_token";
                var token = JsonText.StringOrNumber(root, field);
                return string.IsNullOrEmpty(token) ? throw new SubjectTokenSourceException(Kind, $"{where} has no {field}.") : token!;
            }
        }

    }
}
