using System.Collections;
using System.Collections.Generic;

namespace StsPowerShell.Completion
{
    /// <summary>Completes AWS region names.</summary>
    public sealed class AwsRegionCompleter : CandidateCompleter
    {
        /// <inheritdoc />
        protected override IEnumerable<string> Candidates(IDictionary fakeBoundParameters) => CompletionCandidates.AwsRegions;
    }
}
