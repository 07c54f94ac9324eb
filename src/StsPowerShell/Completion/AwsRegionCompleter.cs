using System.Collections;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Management.Automation.Language;

namespace StsPowerShell.Completion
{
    /// <summary>Completes AWS region names.</summary>
    public sealed class AwsRegionCompleter : IArgumentCompleter
    {
        /// <inheritdoc />
        public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete, CommandAst commandAst, IDictionary fakeBoundParameters) =>
            CompletionCandidates.Matching(CompletionCandidates.AwsRegions, wordToComplete)
                .Select(value => new CompletionResult(value, value, CompletionResultType.ParameterValue, value));
    }
}
