using System;
using System.Management.Automation;
using StsPowerShell.Parameters;

namespace StsPowerShell.Commands
{
    /// <summary>
    /// The base of cmdlets that act with a Google access token: piped from Invoke-StsTokenExchange (or another
    /// StsToken), piped as any object with an AccessToken property (a deserialized token, say), or given with
    /// -AccessToken.
    /// </summary>
    public abstract class GoogleTokenConsumerCmdlet : NetworkCmdlet
    {
        private const string FederatedTokenSet = "FederatedToken";
        private const string AccessTokenSet = "AccessToken";

        /// <summary>The Google access token, piped from Invoke-StsTokenExchange or a previous step.</summary>
        [Parameter(Mandatory = true, ValueFromPipeline = true, ParameterSetName = FederatedTokenSet)]
        [ValidateNotNull]
        public StsToken? FederatedToken { get; set; }

        /// <summary>A Google access token (string or SecureString); binds the AccessToken property of a piped object.</summary>
        [Parameter(Mandatory = true, ValueFromPipelineByPropertyName = true, ParameterSetName = AccessTokenSet)]
        [SecretTransformation]
        [ValidateNotNull]
        public object? AccessToken { get; set; }

        /// <summary>Returns the token as a plain string instead of SecureString.</summary>
        [Parameter]
        public SwitchParameter AsPlainText { get; set; }

        /// <inheritdoc />
        private protected override object? CurrentTarget => FederatedToken;

        /// <summary>The plain text of the token to act with: the piped token's, or -AccessToken's.</summary>
        /// <exception cref="ArgumentException">It is missing or not a string or SecureString.</exception>
        private protected string ActingToken()
        {
            var name = FederatedToken == null ? nameof(AccessToken) : nameof(FederatedToken);
            var token = SecretText.FromParameter(FederatedToken?.AccessToken ?? AccessToken, name);
            return string.IsNullOrWhiteSpace(token)
                ? throw new ArgumentException("A Google access token is required: pipe one in, or pass -AccessToken.", name)
                : token!;
        }
    }
}
