using System;
using System.Linq;
using System.Management.Automation;
using System.Threading.Tasks;
using StsPowerShell.Core.Google;
using StsPowerShell.Core.Oidc;
using StsPowerShell.Parameters;
using StsPowerShell.Pipeline;

namespace StsPowerShell.Commands
{
    /// <summary>
    /// <para type="synopsis">Turns a subject token, or an error, into the JSON an executable credential source prints for Google's tools.</para>
    /// <para type="description">Writes Google's executable response (version 1): for a token, success true, its token_type, the token as id_token (saml_response for SAML) and expiration_time (from -ExpiresOn, else the JWT's exp; a token already expired is refused, as Google's libraries would refuse the answer); for an error, success false with its ErrorId as code and its message. The token objects of Get-AzurePipelinesIdToken, Get-GitHubActionsIdToken and Get-AzureManagedIdentityToken pipe in. Use it to write an executable of your own for an external_account file's executable source; gcloud and Google's client libraries run it when GOOGLE_EXTERNAL_ACCOUNT_ALLOW_EXECUTABLES is 1.</para>
    /// <para type="description">The output holds the token in plain text, as the executable must print it: write it to standard output, nowhere else.</para>
    /// </summary>
    /// <example title="An executable for an Azure Pipelines job">
    /// <code>
    /// try { Get-AzurePipelinesIdToken | ConvertTo-GoogleExecutableResponse }
    /// catch { ConvertTo-GoogleExecutableResponse -ErrorRecord $_; exit 1 }
    /// </code>
    /// <para>Prints {"version":1,"success":true,"token_type":"urn:ietf:params:oauth:token-type:jwt","id_token":"eyJ…","expiration_time":…}, or the failure.</para>
    /// </example>
    /// <example title="A token from a file">
    /// <code>
    /// ConvertTo-GoogleExecutableResponse -SubjectToken (Get-Content ./oidc.jwt -Raw) -SubjectTokenType id_token
    /// </code>
    /// <para>The expiration time is read from the JWT.</para>
    /// </example>
    /// <returns>The executable response: one line of JSON.</returns>
    /// <seealso href="https://cloud.google.com/iam/docs/workload-identity-federation-with-other-providers#executable-sourced-credentials">Executable-sourced credentials</seealso>
    [Cmdlet(VerbsData.ConvertTo, "GoogleExecutableResponse", DefaultParameterSetName = TokenSet)]
    [OutputType(typeof(string))]
    public sealed class ConvertToGoogleExecutableResponseCommand : StsCmdlet
    {
        private const string TokenSet = "Token";
        private const string ErrorSet = "Error";

        /// <summary>The subject token (string or SecureString).</summary>
        [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true, ParameterSetName = TokenSet)]
        [SecretTransformation]
        [ValidateNotNull]
        public object SubjectToken { get; set; } = string.Empty;

        /// <summary>jwt, id_token or saml2 (or their URNs).</summary>
        /// <value>jwt</value>
        [Parameter(ValueFromPipelineByPropertyName = true, ParameterSetName = TokenSet)]
        [ValidateNotNullOrEmpty]
        public string SubjectTokenType { get; set; } = "jwt";

        /// <summary>When the token expires; read from a JWT's exp when not given.</summary>
        [Parameter(ValueFromPipelineByPropertyName = true, ParameterSetName = TokenSet)]
        public DateTimeOffset? ExpiresOn { get; set; }

        /// <summary>The error to report instead: its ErrorId becomes the code, its message the message.</summary>
        [Parameter(Mandatory = true, ParameterSetName = ErrorSet)]
        [ValidateNotNull]
        public ErrorRecord ErrorRecord { get; set; } = null!;

        private protected override Func<Task> Prepare(PipelineHandle pipe)
        {
            string json;
            if (ParameterSetName == ErrorSet)
            {
                var id = ErrorRecord.FullyQualifiedErrorId ?? string.Empty;
                var comma = id.IndexOf(',');
                var code = comma > 0 ? id.Substring(0, comma) : id;
                // A plain 'throw "text"' makes the text its ErrorId: the exception's type is the code then.
                if (code.Length == 0 || code.Length > 64 || code.Any(char.IsWhiteSpace))
                {
                    code = ErrorRecord.Exception?.GetType().Name ?? "Error";
                }

                json = ExecutableResponse.Failure(code, ErrorRecord.Exception?.Message ?? ErrorRecord.ToString());
            }
            else
            {
                var token = SecretText.FromParameter(SubjectToken, nameof(SubjectToken))?.Trim();
                if (string.IsNullOrEmpty(token))
                {
                    throw new ArgumentException("The subject token is empty.", nameof(SubjectToken));
                }

                var expires = ExpiresOn ?? (token!.Split('.').Length == 3 ? JwtClaims.Decode(token).ExpiresOn : null);
                if (expires <= DateTimeOffset.UtcNow)
                {
                    // Google's client libraries refuse an expired answer with a message that does not say whose token it was.
                    throw new ArgumentException($"The token expired at {expires.Value.UtcDateTime:u}: an executable must answer with a token that is still valid.", ExpiresOn == null ? nameof(SubjectToken) : nameof(ExpiresOn));
                }

                json = ExecutableResponse.Success(token!, SubjectTokenType, expires);
            }

            return () =>
            {
                pipe.WriteObject(json);
                return Task.CompletedTask;
            };
        }
    }
}
