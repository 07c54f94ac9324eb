using System.Management.Automation;
using StsPowerShell.Completion;
using StsPowerShell.Core.Google;
using StsPowerShell.Core.Http;

namespace StsPowerShell.Commands
{
    /// <summary>
    /// <para type="synopsis">Gets an access token for a Google service account by impersonation (IAM Credentials generateAccessToken), authorized by a federated token.</para>
    /// </summary>
    [Cmdlet(VerbsCommon.New, "GoogleServiceAccountAccessToken", DefaultParameterSetName = "FederatedToken")]
    [OutputType(typeof(StsToken))]
    public sealed class NewGoogleServiceAccountAccessTokenCommand : ServiceAccountImpersonationCmdlet
    {
        /// <summary>The scopes of the service account's token.</summary>
        [Parameter]
        [ArgumentCompleter(typeof(ScopeCompleter))]
        [ValidateNotNullOrEmpty]
        public string[] Scope { get; set; } = { GoogleSts.CloudPlatformScope };

        /// <summary>The token's lifetime in seconds (up to 43200; more than 3600 needs the lifetime-extension org policy).</summary>
        [Parameter]
        [ValidateRange(1, 43200)]
        public int? LifetimeSec { get; set; }

        /// <inheritdoc />
        protected override void ProcessRecord()
        {
            var parameters = BindImpersonation();
            parameters.Scope = Scope;
            parameters.LifetimeSec = LifetimeSec;
            var options = new StsHttpOptions();
            WriteObject(Run((logger, cancellation) =>
            {
                options.Logger = logger;
                return parameters.GenerateAccessTokenAsync(options, AsPlainText.IsPresent, cancellation);
            }));
        }
    }
}
