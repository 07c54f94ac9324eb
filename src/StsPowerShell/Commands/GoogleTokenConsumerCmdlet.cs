using System.Management.Automation;

namespace StsPowerShell.Commands
{
    /// <summary>
    /// The base of cmdlets that act with a Google access token: piped from Invoke-StsTokenExchange (or another
    /// StsToken), or given with -AccessToken.
    /// </summary>
    public abstract class GoogleTokenConsumerCmdlet : StsCmdlet
    {
        private const string FederatedTokenSet = "FederatedToken";
        private const string AccessTokenSet = "AccessToken";

        /// <summary>The Google access token, piped from Invoke-StsTokenExchange or a previous step.</summary>
        [Parameter(Mandatory = true, ValueFromPipeline = true, ParameterSetName = FederatedTokenSet)]
        [ValidateNotNull]
        public StsToken? FederatedToken { get; set; }

        /// <summary>A Google access token (string or SecureString), instead of a piped token.</summary>
        [Parameter(Mandatory = true, ParameterSetName = AccessTokenSet)]
        [ValidateNotNull]
        public object? AccessToken { get; set; }

        /// <summary>Returns the token as a plain string instead of SecureString.</summary>
        [Parameter]
        public SwitchParameter AsPlainText { get; set; }

        /// <summary>The token to act with: the piped token's, or -AccessToken's.</summary>
        protected object? ActingToken => FederatedToken?.AccessToken ?? PSObjectValues.Unwrap(AccessToken);
    }
}
