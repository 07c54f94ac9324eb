using System.Management.Automation;
using StsPowerShell.Core.Http;

namespace StsPowerShell.Commands
{
    /// <summary>
    /// <para type="synopsis">Gets an OIDC ID token for a Google service account by impersonation (IAM Credentials generateIdToken), authorized by a federated token.</para>
    /// </summary>
    [Cmdlet(VerbsCommon.New, "GoogleServiceAccountIdToken", DefaultParameterSetName = "FederatedToken")]
    [OutputType(typeof(StsToken))]
    public sealed class NewGoogleServiceAccountIdTokenCommand : ServiceAccountImpersonationCmdlet
    {
        /// <summary>The audience of the ID token: the URL or client id of the service that will receive it.</summary>
        [Parameter(Mandatory = true)]
        [ValidateNotNullOrEmpty]
        public string Audience { get; set; } = string.Empty;

        /// <summary>Adds the email and email_verified claims.</summary>
        [Parameter]
        public SwitchParameter IncludeEmail { get; set; }

        /// <inheritdoc />
        protected override void ProcessRecord()
        {
            var parameters = BindImpersonation();
            var options = new StsHttpOptions();
            WriteObject(Run((logger, cancellation) =>
            {
                options.Logger = logger;
                return parameters.GenerateIdTokenAsync(Audience, IncludeEmail.IsPresent, options, AsPlainText.IsPresent, cancellation);
            }));
        }
    }
}
