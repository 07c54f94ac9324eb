using StsPowerShell.Parameters;
using StsPowerShell.Pipeline;
using System.Threading.Tasks;
using System;
using System.Management.Automation;
using StsPowerShell.Core;
using StsPowerShell.Core.Http;
using StsPowerShell.Core.Oidc;

namespace StsPowerShell.Commands
{
    /// <summary>
    /// <para type="synopsis">Gets the OIDC token GitHub Actions issues to the running job (the workflow needs 'permissions: id-token: write').</para>
    /// <para type="description">GETs ACTIONS_ID_TOKEN_REQUEST_URL, with audience=-Audience when given, authorized by ACTIONS_ID_TOKEN_REQUEST_TOKEN, and writes the JWT as an StsPowerShell.OidcSubjectToken that pipes into Invoke-StsTokenExchange. Without those variables the error says the workflow needs 'permissions: id-token: write'.</para>
    /// </summary>
    /// <example title="GitHub Actions to Google">
    /// <code>
    /// Get-GitHubActionsIdToken -Audience "https:$provider" | Invoke-StsTokenExchange -Audience $provider -Scope cloud-platform
    /// </code>
    /// <para>A workload identity pool provider accepts https://iam.googleapis.com/&lt;provider&gt; as audience by default.</para>
    /// </example>
    /// <example title="With impersonation, for an ID token">
    /// <code>
    /// Get-GitHubActionsIdToken -Audience "https:$provider" | Invoke-StsTokenExchange -Audience $provider -Scope cloud-platform |
    ///     New-GoogleServiceAccountIdToken -ServiceAccount runner@my-project.iam.gserviceaccount.com -Audience https://my-service.run.app
    /// </code>
    /// <para>Gets an ID token for a Cloud Run service.</para>
    /// </example>
    /// <seealso href="https://github.com/StsPowerShell/StsPowerShell/blob/main/examples/github-actions.yml">GitHub Actions example</seealso>
    [Cmdlet(VerbsCommon.Get, "GitHubActionsIdToken")]
    [OutputType(typeof(OidcSubjectToken))]
    public sealed class GetGitHubActionsIdTokenCommand : NetworkCmdlet
    {
        /// <summary>The audience (aud) to ask for; GitHub's default (the repository owner's URL) when not given.</summary>
        [Parameter(Position = 0)]
        public string? Audience { get; set; }

        /// <summary>The token request URL; ACTIONS_ID_TOKEN_REQUEST_URL when not given.</summary>
        [Parameter]
        public string? RequestUrl { get; set; }

        /// <summary>The token request bearer token (string or SecureString); ACTIONS_ID_TOKEN_REQUEST_TOKEN when not given.</summary>
        [Parameter]
        [SecretTransformation]
        public object? RequestToken { get; set; }

        /// <summary>Returns the token as a plain string instead of SecureString.</summary>
        [Parameter]
        public SwitchParameter AsPlainText { get; set; }

        /// <inheritdoc />
        private protected override object? CurrentTarget => Audience;

        private protected override Func<Task> Prepare(PipelineHandle pipe)
        {
            var requestToken = SecretText.FromParameter(RequestToken, nameof(RequestToken));
            var options = HttpOptions(pipe);
            var asPlainText = AsPlainText.IsPresent;
            return async () =>
            {
                var token = await GitHubActionsIdToken.RequestAsync(Audience, RequestUrl, requestToken, EnvironmentVariables.FromProcess(), options, Cancellation).ConfigureAwait(false);
                pipe.WriteObject(OidcSubjectToken.FromToken(token, asPlainText));
            };
        }
    }
}
