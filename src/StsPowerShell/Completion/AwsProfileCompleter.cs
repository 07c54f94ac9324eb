using System;
using System.Collections;
using System.Collections.Generic;
using System.Linq;
using StsPowerShell.Core.Aws;

namespace StsPowerShell.Completion
{
    /// <summary>Completes profile names from the shared AWS credentials and config files (honouring -ProfileLocation).</summary>
    public sealed class AwsProfileCompleter : CandidateCompleter
    {
        /// <inheritdoc />
        protected override IEnumerable<string> Candidates(IDictionary fakeBoundParameters)
        {
            var options = AwsDiscoveryOptions.FromProcessEnvironment();
            options.ProfileLocation = fakeBoundParameters["ProfileLocation"] as string;
            return AwsSharedConfig.ProfileNames(options.CredentialsFile).Concat(AwsSharedConfig.ProfileNames(options.ConfigFile)).Distinct(StringComparer.Ordinal);
        }
    }
}
