using System.Management.Automation;
using StsPowerShell.Core;
using StsPowerShell.Core.Http;
using StsPowerShell.Core.Oidc;

namespace StsPowerShell.Commands
{
    /// <summary>
    /// <para type="synopsis">Gets the OIDC token Azure DevOps issues to the running pipeline job for a workload identity federation service connection.</para>
    /// </summary>
    [Cmdlet(VerbsCommon.Get, "AzurePipelinesIdToken")]
    [OutputType(typeof(OidcSubjectToken))]
    public sealed class GetAzurePipelinesIdTokenCommand : StsCmdlet
    {
        /// <summary>The id (GUID) of the workload identity federation service connection.</summary>
        [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        public string ServiceConnectionId { get; set; } = string.Empty;

        /// <summary>The job's System.AccessToken (string or SecureString); SYSTEM_ACCESSTOKEN when not given.</summary>
        [Parameter]
        public object? SystemAccessToken { get; set; }

        /// <summary>The job's OIDC request URL; SYSTEM_OIDCREQUESTURI when not given.</summary>
        [Parameter]
        public string? OidcRequestUri { get; set; }

        /// <summary>Returns the token as a plain string instead of SecureString.</summary>
        [Parameter]
        public SwitchParameter AsPlainText { get; set; }

        /// <inheritdoc />
        protected override void ProcessRecord()
        {
            var accessToken = Binding.SecretText.FromParameter(PSObjectValues.Unwrap(SystemAccessToken), nameof(SystemAccessToken));
            var options = new StsHttpOptions();
            var token = Run((logger, cancellation) =>
            {
                options.Logger = logger;
                return AzurePipelinesIdToken.RequestAsync(ServiceConnectionId, OidcRequestUri, accessToken, EnvironmentVariables.FromProcess(), options, cancellation);
            });
            WriteObject(OidcSubjectToken.FromToken(token, AsPlainText.IsPresent));
        }
    }
}
