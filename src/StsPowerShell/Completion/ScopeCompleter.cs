using System.Collections;
using System.Collections.Generic;
using StsPowerShell.Core.Google;

namespace StsPowerShell.Completion
{
    /// <summary>Completes the OAuth scopes most used with Google's STS and IAM.</summary>
    public sealed class ScopeCompleter : CandidateCompleter
    {
        /// <inheritdoc />
        protected override IEnumerable<string> Candidates(IDictionary fakeBoundParameters) => GoogleScopes.Common;
    }
}
