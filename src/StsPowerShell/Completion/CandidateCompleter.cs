using System.Collections;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Management.Automation.Language;

namespace StsPowerShell.Completion
{
    /// <summary>A completer that offers the candidates matching the word typed (see <see cref="CompletionCandidates.Matching"/>).</summary>
    public abstract class CandidateCompleter : IArgumentCompleter
    {
        /// <inheritdoc />
        public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete, CommandAst commandAst, IDictionary fakeBoundParameters) =>
            CompletionCandidates.Matching(Candidates(fakeBoundParameters), wordToComplete)
                .Select(value => new CompletionResult(Quoted(value), value, CompletionResultType.ParameterValue, value));

        // A value with white space or a character PowerShell would parse goes in single quotes.
        private static string Quoted(string value) =>
            value.Any(c => char.IsWhiteSpace(c) || "'\"`$(){}[];,&|<>@#".IndexOf(c) >= 0) ? "'" + value.Replace("'", "''") + "'" : value;

        /// <summary>Everything this parameter may take.</summary>
        protected abstract IEnumerable<string> Candidates(IDictionary fakeBoundParameters);
    }
}
