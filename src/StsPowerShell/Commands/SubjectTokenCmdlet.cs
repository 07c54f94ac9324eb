using System.Management.Automation;
using StsPowerShell.Completion;
using StsPowerShell.Parameters;
using StsPowerShell.Pipeline;

namespace StsPowerShell.Commands
{
    /// <summary>
    /// The base of cmdlets that exchange a subject token: as a string or SecureString, or from a piped object's
    /// SubjectToken/AccessToken and SubjectTokenType/IssuedTokenType properties.
    /// </summary>
    public abstract class SubjectTokenCmdlet : NetworkCmdlet
    {
        /// <summary>The subject token, as a string or SecureString; binds SubjectToken or AccessToken of a piped object.</summary>
        [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
        [Alias("AccessToken")]
        [SecretTransformation]
        [ValidateNotNull]
        public object SubjectToken { get; set; } = null!;

        /// <summary>The subject token's type: a URN or a short name such as jwt, id_token, saml2 or aws4_request.</summary>
        [Parameter(Mandatory = true, ValueFromPipelineByPropertyName = true)]
        [Alias("IssuedTokenType")]
        [ArgumentCompleter(typeof(TokenTypeCompleter))]
        [ValidateNotNullOrEmpty]
        public string SubjectTokenType { get; set; } = null!;

        /// <summary>The object piped in, whole: the target of the errors about it. Not for use on the command line.</summary>
        [Parameter(ValueFromPipeline = true, DontShow = true)]
        public PSObject? InputObject { get; set; }

        /// <inheritdoc />
        private protected override object? CurrentTarget => ErrorTarget.Of(InputObject);
    }
}
