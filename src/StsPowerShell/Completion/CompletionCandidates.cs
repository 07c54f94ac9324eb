using System;
using System.Collections.Generic;
using System.Linq;

namespace StsPowerShell.Completion
{
    /// <summary>The values completers offer, and the matching rule, kept apart from PowerShell types for testing.</summary>
    internal static class CompletionCandidates
    {
        public static readonly string[] GoogleScopes =
        {
            "https://www.googleapis.com/auth/cloud-platform",
            "https://www.googleapis.com/auth/cloud-platform.read-only",
            "https://www.googleapis.com/auth/iam",
            "https://www.googleapis.com/auth/devstorage.read_only",
            "https://www.googleapis.com/auth/devstorage.read_write",
            "https://www.googleapis.com/auth/userinfo.email",
            "openid",
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
