using System.Collections;
using System.Collections.Generic;
using System.Linq;
using StsPowerShell.Core.Exchange;

namespace StsPowerShell.Completion
{
    /// <summary>Completes token types: the short names first, then the full URNs.</summary>
    public sealed class TokenTypeCompleter : CandidateCompleter
    {
        /// <inheritdoc />
        protected override IEnumerable<string> Candidates(IDictionary fakeBoundParameters) => TokenTypes.ShortNames.Concat(TokenTypes.KnownIdentifiers);
    }
}
