using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;

namespace StsPowerShell.Core.Aws
{
    /// <summary>
    /// The shared credentials and config files (INI): sections <c>[name]</c> in the credentials file,
    /// <c>[profile name]</c> or <c>[default]</c> in the config file; nested (indented) settings are skipped.
    /// </summary>
    public static class AwsSharedConfig
    {
        // Generous for files of many profiles; the files may be FIFOs or on a share that does not answer.
        private const int MaximumFileBytes = 4 * 1024 * 1024;
        private static readonly TimeSpan ReadTimeout = TimeSpan.FromSeconds(5);

        /// <summary>The settings of <paramref name="profile"/> from both files (the credentials file wins), or null when neither has it.</summary>
        /// <exception cref="UnusableInputException">A file is larger than 4 MiB, was not read within 5 s, or cannot be read.</exception>
        /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled (Ctrl+C while a file on a share does not answer).</exception>
        public static async Task<IReadOnlyDictionary<string, string>?> ReadProfileAsync(string credentialsFile, string configFile, string profile, CancellationToken cancellationToken)
        {
            var fromConfig = await SectionAsync(configFile, profile == "default" ? new[] { "default", "profile default" } : new[] { "profile " + profile }, cancellationToken).ConfigureAwait(false);
            var fromCredentials = await SectionAsync(credentialsFile, new[] { profile }, cancellationToken).ConfigureAwait(false);
            if (fromConfig == null && fromCredentials == null)
            {
                return null;
            }

            var merged = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
            foreach (var source in new[] { fromConfig, fromCredentials })
            {
                if (source == null)
                {
                    continue;
                }

                foreach (var setting in source)
                {
                    merged[setting.Key] = setting.Value;
                }
            }

            return merged;
        }

        /// <summary>The profile names in a file, for completion (config-file "profile " prefixes removed); none when it cannot be read.</summary>
        public static IEnumerable<string> ProfileNames(string path)
        {
            string? text;
            try
            {
                text = LocalFile.ReadText(path, MaximumFileBytes, ReadTimeout);
            }
            catch (UnusableInputException)
            {
                text = null;
            }

            return text == null ? Array.Empty<string>() : Parse(text).Keys.Select(name => name.StartsWith("profile ", StringComparison.Ordinal) ? name.Substring("profile ".Length) : name);
        }

        /// <summary>Parses INI text into sections of settings.</summary>
        public static Dictionary<string, Dictionary<string, string>> Parse(string text)
        {
            var sections = new Dictionary<string, Dictionary<string, string>>(StringComparer.Ordinal);
            Dictionary<string, string>? current = null;
            foreach (var rawLine in text.Split('\n'))
            {
                var line = rawLine.TrimEnd('\r');
                var trimmed = line.Trim();
                if (trimmed.Length == 0 || trimmed[0] == '#' || trimmed[0] == ';')
                {
                    continue;
                }

                if (trimmed[0] == '[' && trimmed.EndsWith("]", StringComparison.Ordinal))
                {
                    var name = string.Join(" ", trimmed.Substring(1, trimmed.Length - 2).Split(new[] { ' ', '\t' }, StringSplitOptions.RemoveEmptyEntries));
                    if (!sections.TryGetValue(name, out current))
                    {
                        current = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
                        sections[name] = current;
                    }

                    continue;
                }

                var equals = trimmed.IndexOf('=');
                if (current == null || equals <= 0 || char.IsWhiteSpace(line[0]))
                {
                    continue;
                }

                current[trimmed.Substring(0, equals).Trim()] = trimmed.Substring(equals + 1).Trim();
            }

            return sections;
        }

        private static async Task<Dictionary<string, string>?> SectionAsync(string path, IEnumerable<string> names, CancellationToken cancellationToken)
        {
            var text = await LocalFile.ReadTextAsync(path, MaximumFileBytes, ReadTimeout, cancellationToken).ConfigureAwait(false);
            if (text == null)
            {
                return null;
            }

            var sections = Parse(text);
            foreach (var name in names)
            {
                if (sections.TryGetValue(name, out var section))
                {
                    return section;
                }
            }

            return null;
        }
    }
}
