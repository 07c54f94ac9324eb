using System;
using System.Collections;
using System.Collections.Generic;

namespace StsPowerShell.Core
{
    /// <summary>
    /// Environment variables as the module reads them: from a snapshot (so tests never touch the process's),
    /// names case-insensitive, empty or blank values counting as unset, as the AWS and Google tools treat them.
    /// </summary>
    public static class EnvironmentVariables
    {
        /// <summary>A snapshot of the current process's variables.</summary>
        public static IReadOnlyDictionary<string, string?> FromProcess()
        {
            var variables = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
            foreach (DictionaryEntry entry in Environment.GetEnvironmentVariables())
            {
                variables[(string)entry.Key] = entry.Value as string;
            }

            return variables;
        }

        /// <summary>The trimmed value of <paramref name="name"/>, or null when it is unset, empty or blank.</summary>
        public static string? Get(IReadOnlyDictionary<string, string?> environment, string name) =>
            environment.TryGetValue(name, out var value) ? Present(value) : null;

        /// <summary>The trimmed value, or null when it is null, empty or blank.</summary>
        public static string? Present(string? value) => string.IsNullOrWhiteSpace(value) ? null : value!.Trim();
    }
}
