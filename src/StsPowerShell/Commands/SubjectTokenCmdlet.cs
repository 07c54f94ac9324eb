using System.Management.Automation;
using StsPowerShell.Completion;
using StsPowerShell.Parameters;
using StsPowerShell.Pipeline;

namespace StsPowerShell.Commands
{
    /// <summary>
    /// The base of cmdlets that exchange a subject token: as a string or SecureString, or from a piped object's
    /// SubjectToken/AccessToken and SubjectTokenType/IssuedTokenType properties. The token sets are named here; a
    /// derived cmdlet may add sets that take no subject token (Invoke-StsTokenExchange's certificate sets).
    /// </summary>
    public abstract class SubjectTokenCmdlet : NetworkCmdlet
    {
        /// <summary>The parameter sets that take a subject token (the others take a certificate).</summary>
        private protected const string ExchangeSet = "Exchange", ClientCredentialSet = "ClientCredential", ActorTokenSet = "ActorToken", RefreshSet = "Refresh";

        /// <summary>The subject token, as a string or SecureString; binds a piped string or SecureString (Get-Content token.jwt -Raw), or SubjectToken or AccessToken of a piped object.</summary>
        [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true, ParameterSetName = ExchangeSet)]
        [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true, ParameterSetName = ClientCredentialSet)]
        [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true, ParameterSetName = ActorTokenSet)]
        [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true, ParameterSetName = RefreshSet)]
        [Alias("AccessToken")]
        [SecretTransformation(PipedSecretsOnly = true)]
        [ValidateNotNull]
        public object SubjectToken { get; set; } = null!;

        /// <summary>The subject token's type: a URN or a short name such as jwt, id_token, saml2 or aws4_request.</summary>
        [Parameter(Mandatory = true, ValueFromPipelineByPropertyName = true, ParameterSetName = ExchangeSet)]
        [Parameter(Mandatory = true, ValueFromPipelineByPropertyName = true, ParameterSetName = ClientCredentialSet)]
        [Parameter(Mandatory = true, ValueFromPipelineByPropertyName = true, ParameterSetName = ActorTokenSet)]
        [Parameter(Mandatory = true, ValueFromPipelineByPropertyName = true, ParameterSetName = RefreshSet)]
        [Alias("IssuedTokenType")]
        [ArgumentCompleter(typeof(TokenTypeCompleter))]
        [ValidateNotNullOrEmpty]
        public string SubjectTokenType { get; set; } = null!;

        /// <summary>The object piped in, whole: the target of the errors about it. Not for use on the command line.</summary>
        [Parameter(ValueFromPipeline = true, DontShow = true, ParameterSetName = ExchangeSet)]
        [Parameter(ValueFromPipeline = true, DontShow = true, ParameterSetName = ClientCredentialSet)]
        [Parameter(ValueFromPipeline = true, DontShow = true, ParameterSetName = ActorTokenSet)]
        [Parameter(ValueFromPipeline = true, DontShow = true, ParameterSetName = RefreshSet)]
        [DeclineCertificate]
        public PSObject? InputObject { get; set; }

        /// <inheritdoc />
        private protected override object? CurrentTarget => ErrorTarget.Of(InputObject);
    }
}
