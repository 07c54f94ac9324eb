using System;
using System.Collections.Generic;
using System.Linq;
using System.Net;
using System.Text;
using System.Text.RegularExpressions;
using StsPowerShell.Core.Oidc;

namespace StsPowerShell.Core.Http
{
    /// <summary>
    /// Keeps the secrets of a request out of the server text a message quotes. Plain, form-, percent- and
    /// Base64-encoded copies are masked; a copy in any other form a server might echo (JSON or HTML escapes,
    /// other percent-encoding or letter case, line-wrapped or inside Base64 of a larger text such as the whole
    /// request body or an Authorization header) withholds the whole text instead, since it cannot be cut out
    /// reliably.
    /// </summary>
    public sealed class SecretRedactor
    {
        /// <summary>What a secret is replaced with.</summary>
        public const string Mask = "[REDACTED]";

        /// <summary>What stands for server text that repeated a secret in a form that could not be masked.</summary>
        public const string Withheld = "[the server's text is withheld: it repeats a credential of the request]";

        // Shorter values would mask ordinary words; a real secret is never this short.
        private const int MinimumSecretLength = 6;

        private static readonly Regex Base64Run = new Regex("[A-Za-z0-9+/_-]{16,}={0,2}", RegexOptions.CultureInvariant);
        private static readonly Regex JsonEscape = new Regex(@"\\u([0-9a-fA-F]{4})|\\(.)", RegexOptions.CultureInvariant);

        private readonly string[] forms;
        private readonly string[] canonicalSecrets;

        /// <summary>Creates a redactor for the given secrets; null or short values are ignored.</summary>
        public SecretRedactor(params string?[] secrets)
        {
            var known = secrets.Where(s => s != null && s.Trim().Length >= MinimumSecretLength).Select(s => s!).ToArray();
            forms = known
                .SelectMany(EncodedForms)
                .Distinct(StringComparer.Ordinal)
                .OrderByDescending(s => s.Length)
                .ToArray();
            canonicalSecrets = known.Select(Canonical).Where(s => s.Length >= MinimumSecretLength).Distinct(StringComparer.Ordinal).ToArray();
        }

        /// <summary>
        /// The text with every known form of a secret masked, or <see cref="Withheld"/> when a secret remains in
        /// another form.
        /// </summary>
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

            var masked = builder.ToString();
            return canonicalSecrets.Length > 0 && Reveals(masked) ? Withheld : masked;
        }

        private bool Reveals(string text)
        {
            if (Contains(Canonical(text)))
            {
                return true;
            }

            // Base64 may be wrapped over lines (so runs are looked for with line breaks removed too) and may start
            // anywhere in a run of letters (so each of the four alignments is tried).
            foreach (var view in new[] { text, text.Replace("\r", string.Empty).Replace("\n", string.Empty) })
            {
                foreach (Match run in Base64Run.Matches(view))
                {
                    for (var offset = 0; offset < 4 && run.Length - offset >= 16; offset++)
                    {
                        var candidate = run.Value.Substring(offset);
                        candidate = candidate.Length % 4 == 1 ? candidate.Substring(0, candidate.Length - 1) : candidate;
                        if (Base64Text.TryDecode(candidate, out var bytes) && Contains(Canonical(Encoding.UTF8.GetString(bytes))))
                        {
                            return true;
                        }
                    }
                }
            }

            return false;
        }

        private bool Contains(string canonical) => canonicalSecrets.Any(secret => canonical.IndexOf(secret, StringComparison.Ordinal) >= 0);

        // One spelling for every way text can carry the same characters: JSON escapes, HTML entities and
        // percent-encoding (twice, for double encoding) undone; white space gone; lower case.
        private static string Canonical(string text)
        {
            var decoded = JsonEscape.Replace(text, m => m.Groups[1].Success ? ((char)Convert.ToInt32(m.Groups[1].Value, 16)).ToString() : Unescaped(m.Groups[2].Value[0]));
            decoded = WebUtility.HtmlDecode(decoded);
            for (var i = 0; i < 2; i++)
            {
                decoded = Uri.UnescapeDataString(decoded.Replace('+', ' '));
            }

            return WithoutWhiteSpace(decoded).ToLowerInvariant();
        }

        private static string Unescaped(char c) => c switch
        {
            'n' => "\n",
            'r' => "\r",
            't' => "\t",
            'b' => "\b",
            'f' => "\f",
            _ => c.ToString(),
        };

        private static string WithoutWhiteSpace(string text)
        {
            var result = new StringBuilder(text.Length);
            foreach (var c in text)
            {
                if (!char.IsWhiteSpace(c))
                {
                    result.Append(c);
                }
            }

            return result.ToString();
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
