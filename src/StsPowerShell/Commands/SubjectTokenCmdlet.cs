using System.Management.Automation;
using StsPowerShell.Completion;

namespace StsPowerShell.Commands
{
    /// <summary>
    /// The base of cmdlets that take a subject token: as a string or SecureString, or from a piped object's
    /// SubjectToken/AccessToken and SubjectTokenType/IssuedTokenType properties.
    /// </summary>
    public abstract class SubjectTokenCmdlet : StsCmdlet
    {
        /// <summary>The subject token, as a string or SecureString; binds SubjectToken or AccessToken of a piped object.</summary>
        [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
        [Alias("AccessToken")]
        [ValidateNotNull]
        public object SubjectToken { get; set; } = null!;

        /// <summary>The subject token's type: a URN or a short name such as jwt, id_token, saml2 or aws4_request.</summary>
        [Parameter(Mandatory = true, ValueFromPipelineByPropertyName = true)]
        [Alias("IssuedTokenType")]
        [ArgumentCompleter(typeof(TokenTypeCompleter))]
        [ValidateNotNullOrEmpty]
        public string SubjectTokenType { get; set; } = null!;
    }
}
