using System;
using System.Collections;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Management.Automation;
using System.Management.Automation.Language;
using StsPowerShell.Core.Aws;

namespace StsPowerShell.Completion
{
    /// <summary>Completes profile names from the shared AWS credentials and config files.</summary>
    public sealed class AwsProfileCompleter : IArgumentCompleter
    {
        /// <inheritdoc />
        public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete, CommandAst commandAst, IDictionary fakeBoundParameters)
        {
            var options = AwsDiscoveryOptions.FromProcessEnvironment();
            options.ProfileLocation = fakeBoundParameters["ProfileLocation"] as string;
            var names = AwsSharedConfig.ProfileNames(options.CredentialsFile).Concat(AwsSharedConfig.ProfileNames(options.ConfigFile)).Distinct(StringComparer.Ordinal);
            return CompletionCandidates.Matching(names, wordToComplete)
                .Select(value => new CompletionResult(value, value, CompletionResultType.ParameterValue, value));
        }
    }
}
