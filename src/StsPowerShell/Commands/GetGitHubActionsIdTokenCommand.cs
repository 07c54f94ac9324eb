using System.Management.Automation;
using StsPowerShell.Core;
using StsPowerShell.Core.Http;
using StsPowerShell.Core.Oidc;

namespace StsPowerShell.Commands
{
    /// <summary>
    /// <para type="synopsis">Gets the OIDC token GitHub Actions issues to the running job (the workflow needs 'permissions: id-token: write').</para>
    /// </summary>
    [Cmdlet(VerbsCommon.Get, "GitHubActionsIdToken")]
    [OutputType(typeof(OidcSubjectToken))]
    public sealed class GetGitHubActionsIdTokenCommand : StsCmdlet
    {
        /// <summary>The audience (aud) to ask for; GitHub's default (the repository owner's URL) when not given.</summary>
        [Parameter(Position = 0)]
        public string? Audience { get; set; }

        /// <summary>The token request URL; ACTIONS_ID_TOKEN_REQUEST_URL when not given.</summary>
        [Parameter]
        public string? RequestUrl { get; set; }

        /// <summary>The token request bearer token (string or SecureString); ACTIONS_ID_TOKEN_REQUEST_TOKEN when not given.</summary>
        [Parameter]
        public object? RequestToken { get; set; }

        /// <summary>Returns the token as a plain string instead of SecureString.</summary>
        [Parameter]
        public SwitchParameter AsPlainText { get; set; }

        /// <inheritdoc />
        protected override void ProcessRecord()
        {
            var requestToken = Binding.SecretText.FromParameter(PSObjectValues.Unwrap(RequestToken), nameof(RequestToken));
            var options = new StsHttpOptions();
            var token = Run((logger, cancellation) =>
            {
                options.Logger = logger;
                return GitHubActionsIdToken.RequestAsync(Audience, RequestUrl, requestToken, EnvironmentVariables.FromProcess(), options, cancellation);
            });
            WriteObject(OidcSubjectToken.FromToken(token, AsPlainText.IsPresent));
        }
    }
}
