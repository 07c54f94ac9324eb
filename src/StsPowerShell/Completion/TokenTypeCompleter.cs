using System.Collections;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Management.Automation.Language;
using StsPowerShell.Core.Exchange;

namespace StsPowerShell.Completion
{
    /// <summary>Completes token types: the short names first, then the full URNs.</summary>
    public sealed class TokenTypeCompleter : IArgumentCompleter
    {
        /// <inheritdoc />
        public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete, CommandAst commandAst, IDictionary fakeBoundParameters) =>
            CompletionCandidates.Matching(TokenTypes.ShortNames.Concat(TokenTypes.KnownIdentifiers), wordToComplete)
                .Select(value => new CompletionResult(value, value, CompletionResultType.ParameterValue, value));
    }
}
