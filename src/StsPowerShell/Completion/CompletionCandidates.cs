using System;
using System.Collections.Generic;
using System.Linq;

namespace StsPowerShell.Completion
{
    /// <summary>The values completers offer, and the matching rule, kept apart from PowerShell types for testing.</summary>
    internal static class CompletionCandidates
    {
        public static readonly string[] AwsRegions =
        {
            "af-south-1", "ap-east-1", "ap-northeast-1", "ap-northeast-2", "ap-northeast-3", "ap-south-1", "ap-south-2",
            "ap-southeast-1", "ap-southeast-2", "ap-southeast-3", "ap-southeast-4", "ca-central-1", "ca-west-1",
            "eu-central-1", "eu-central-2", "eu-north-1", "eu-south-1", "eu-south-2", "eu-west-1", "eu-west-2", "eu-west-3",
            "il-central-1", "me-central-1", "me-south-1", "sa-east-1", "us-east-1", "us-east-2", "us-gov-east-1",
            "us-gov-west-1", "us-west-1", "us-west-2",
        };

        /// <summary>Candidates that start with the word, or contain it after the last '/' or ':'; quotes ignored.</summary>
        public static IEnumerable<string> Matching(IEnumerable<string> candidates, string? wordToComplete)
        {
            var word = (wordToComplete ?? string.Empty).Trim('\'', '"');
            return candidates.Where(c => c.StartsWith(word, StringComparison.OrdinalIgnoreCase)
                || c.Substring(Math.Max(c.LastIndexOf('/'), c.LastIndexOf(':')) + 1).StartsWith(word, StringComparison.OrdinalIgnoreCase));
        }
    }
}
