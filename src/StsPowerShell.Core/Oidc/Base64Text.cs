using System;
using System.IO;

namespace StsPowerShell.Core.Oidc
{
    /// <summary>
    /// Base64 decoding that reports bad input by its result, not by an exception (netstandard2.0 has no
    /// Convert.TryFromBase64String). It reads the standard and the URL-safe alphabet, with or without padding,
    /// and skips ASCII whitespace, so one decoder serves JWT parts and line-wrapped SAML documents.
    /// </summary>
    internal static class Base64Text
    {
        public static bool TryDecode(string text, out byte[] bytes)
        {
            bytes = Array.Empty<byte>();
            using var output = new MemoryStream(text.Length * 3 / 4);
            int buffer = 0, bits = 0, symbols = 0, padding = 0;
            foreach (var c in text)
            {
                int value;
                if (c >= 'A' && c <= 'Z')
                {
                    value = c - 'A';
                }
                else if (c >= 'a' && c <= 'z')
                {
                    value = c - 'a' + 26;
                }
                else if (c >= '0' && c <= '9')
                {
                    value = c - '0' + 52;
                }
                else if (c == '+' || c == '-')
                {
                    value = 62;
                }
                else if (c == '/' || c == '_')
                {
                    value = 63;
                }
                else if (c == '=')
                {
                    padding++;
                    continue;
                }
                else if (c == ' ' || c == '\t' || c == '\r' || c == '\n')
                {
                    continue;
                }
                else
                {
                    return false;
                }

                if (padding > 0)
                {
                    return false;
                }

                symbols++;
                buffer = (buffer << 6) | value;
                bits += 6;
                if (bits >= 8)
                {
                    bits -= 8;
                    output.WriteByte((byte)(buffer >> bits));
                    buffer &= (1 << bits) - 1;
                }
            }

            // One symbol left over carries only 6 bits, less than a byte; padding, when present, completes a quantum.
            if (symbols % 4 == 1 || padding > 2 || (padding > 0 && (symbols + padding) % 4 != 0))
            {
                return false;
            }

            bytes = output.ToArray();
            return true;
        }
    }
}
