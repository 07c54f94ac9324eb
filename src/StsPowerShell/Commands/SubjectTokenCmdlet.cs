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

        /// <summary>The subject token's type: a URN or a short name such as jwt, id_token, saml2 or aws4_request. Without it, a JWT, an AWS GetCallerIdentity token or a SAML assertion is recognised by its shape (-Verbose says which); any other token needs it.</summary>
        // Not mandatory: a token piped without it would otherwise fail in PowerShell's binder, whose error record
        // carries the piped string, the token itself.
        [Parameter(ValueFromPipelineByPropertyName = true, ParameterSetName = ExchangeSet)]
        [Parameter(ValueFromPipelineByPropertyName = true, ParameterSetName = ClientCredentialSet)]
        [Parameter(ValueFromPipelineByPropertyName = true, ParameterSetName = ActorTokenSet)]
        [Parameter(ValueFromPipelineByPropertyName = true, ParameterSetName = RefreshSet)]
        [Alias("IssuedTokenType")]
        [ArgumentCompleter(typeof(TokenTypeCompleter))]
        [ValidateNotNullOrEmpty]
        public string? SubjectTokenType { get; set; }

        /// <summary>The object piped in, whole: the target of the errors about it. Not for use on the command line.</summary>
        [Parameter(ValueFromPipeline = true, DontShow = true, ParameterSetName = ExchangeSet)]
        [Parameter(ValueFromPipeline = true, DontShow = true, ParameterSetName = ClientCredentialSet)]
        [Parameter(ValueFromPipeline = true, DontShow = true, ParameterSetName = ActorTokenSet)]
        [Parameter(ValueFromPipeline = true, DontShow = true, ParameterSetName = RefreshSet)]
        [DeclineCertificate]
        public PSObject? InputObject { get; set; }

        /// <inheritdoc />
        private protected override object? CurrentTarget => ErrorTarget.Of(InputObject);

        /// <summary>Whether -SubjectToken was given on the command line (then no piped object may stand for a token).</summary>
        private protected bool SubjectTokenOnCommandLine { get; private set; }

        /// <inheritdoc />
        protected override void BeginProcessing()
        {
            // Before the first record only the command line is bound.
            SubjectTokenOnCommandLine = MyInvocation.BoundParameters.ContainsKey(nameof(SubjectToken));
            base.BeginProcessing();
        }

        /// <summary>
        /// The subject token of this record and its type: -SubjectTokenType, else the type the token's shape shows.
        /// </summary>
        /// <exception cref="System.ArgumentException">The token is missing, or its type was not given and cannot be recognised.</exception>
        private protected (string Token, string Type) TypedSubjectToken(Core.Http.IStsLogger? logger)
        {
            ErrorTarget.RequireToken(InputObject, SubjectTokenOnCommandLine);
            var token = SecretText.FromParameter(SubjectToken, nameof(SubjectToken)) ?? string.Empty;
            if (SubjectTokenType != null)
            {
                return (token, SubjectTokenType);
            }

            var detected = Core.Google.SubjectTokenChecker.DetectType(token)
                ?? throw new System.ArgumentException("-SubjectTokenType was not given, and the token is not shaped as a JWT, an AWS GetCallerIdentity token or a SAML assertion: give -SubjectTokenType (for example access_token).", nameof(SubjectTokenType));
            logger?.Verbose($"No -SubjectTokenType: the subject token is shaped as {detected}.");
            return (token, detected);
        }
    }
}
