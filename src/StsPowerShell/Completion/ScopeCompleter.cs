using System.Collections;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Management.Automation.Language;

namespace StsPowerShell.Completion
{
    /// <summary>Completes the OAuth scopes most used with Google's STS and IAM.</summary>
    public sealed class ScopeCompleter : IArgumentCompleter
    {
        /// <inheritdoc />
        public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete, CommandAst commandAst, IDictionary fakeBoundParameters) =>
            CompletionCandidates.Matching(CompletionCandidates.GoogleScopes, wordToComplete)
                .Select(value => new CompletionResult(value, value, CompletionResultType.ParameterValue, value));
    }
}
