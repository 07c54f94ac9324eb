using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;

namespace StsPowerShell.Core.Http
{
    /// <summary>
    /// Removes known secrets, and their form-, percent- and Base64-encoded forms, from text the module did
    /// not write itself (a server's error description may echo what it was sent).
    /// </summary>
    public sealed class SecretRedactor
    {
        /// <summary>What a secret is replaced with.</summary>
        public const string Mask = "[REDACTED]";

        // Shorter values would mask ordinary words; a real secret is never this short.
        private const int MinimumSecretLength = 6;
        private readonly string[] forms;

        /// <summary>Creates a redactor for the given secrets; null or short values are ignored.</summary>
        public SecretRedactor(params string?[] secrets)
        {
            forms = secrets
                .Where(s => s != null && s.Length >= MinimumSecretLength)
                .SelectMany(s => EncodedForms(s!))
                .Distinct(StringComparer.Ordinal)
                .OrderByDescending(s => s.Length)
                .ToArray();
        }

        /// <summary>The text with every known secret masked.</summary>
        public string Redact(string? text)
        {
            if (string.IsNullOrEmpty(text))
            {
                return text ?? string.Empty;
            }

            var builder = new StringBuilder(text);
            foreach (var form in forms)
            {
                builder.Replace(form, Mask);
            }

            return builder.ToString();
        }

        private static IEnumerable<string> EncodedForms(string secret)
        {
            yield return secret;
            yield return FormUrlEncoding.Encode(secret);
            if (secret.Length < 30000)
            {
                // .NET Framework refuses longer input to EscapeDataString.
                yield return Uri.EscapeDataString(secret);
            }

            var base64 = Convert.ToBase64String(Encoding.UTF8.GetBytes(secret));
            yield return base64;
            yield return base64.TrimEnd('=');
        }
    }
}
