using System.Text;

namespace StsPowerShell.Core.Http
{
    /// <summary>
    /// The application/x-www-form-urlencoded serializer (WHATWG URL §5.2): UTF-8, alphanumerics and
    /// <c>*-._</c> kept, space as <c>+</c>, everything else percent-encoded. Written here rather than
    /// taken from Uri.EscapeDataString, whose input limit on .NET Framework is too small for long tokens.
    /// A lone surrogate is encoded as U+FFFD, as Encoding.UTF8 does.
    /// </summary>
    public static class FormUrlEncoding
    {
        private const string Hex = "0123456789ABCDEF";

        // In AsciiForm: the character is percent-encoded (no ASCII character has this value).
        private const byte PercentEncoded = 0xFF;

        // What each ASCII character is written as when it is not percent-encoded (itself, or '+' for a space), or
        // PercentEncoded. Looked up rather than compared: encoding a long token character by character through a
        // chain of comparisons was the largest cost of an exchange.
        private static readonly byte[] AsciiForm = CreateAsciiForm();

        /// <summary>Encodes one name or value.</summary>
        public static string Encode(string value)
        {
            var encoded = new byte[EncodedLength(value)];
            Write(value, encoded, 0);
            return Encoding.ASCII.GetString(encoded);
        }

        /// <summary>The length of <paramref name="value"/> encoded, in bytes (each an ASCII character).</summary>
        internal static int EncodedLength(string value)
        {
            var form = AsciiForm;
            var length = 0;
            for (var i = 0; i < value.Length; i++)
            {
                var run = KeptRun(value, i, form);
                length += run;
                i += run;
                if (i == value.Length)
                {
                    break;
                }

                var c = value[i];
                if (c < 0x80)
                {
                    length += form[c] != PercentEncoded ? 1 : 3;
                }
                else if (c < 0x800)
                {
                    length += 6;
                }
                else if (IsSurrogatePair(value, i))
                {
                    length += 12;
                    i++;
                }
                else
                {
                    length += 9;
                }
            }

            return length;
        }

        /// <summary>Writes <paramref name="value"/> encoded into <paramref name="target"/> at <paramref name="offset"/>; returns the offset after it.</summary>
        internal static int Write(string value, byte[] target, int offset)
        {
            var form = AsciiForm;
            for (var i = 0; i < value.Length; i++)
            {
                // A run of characters written as they are (a whole JWT or Base64url token) is copied in one call.
                var run = KeptRun(value, i, form);
                if (run > 0)
                {
                    offset += Encoding.ASCII.GetBytes(value, i, run, target, offset);
                    i += run;
                    if (i == value.Length)
                    {
                        break;
                    }
                }

                var c = value[i];
                if (c < 0x80)
                {
                    // Not kept: a space (written as '+') or a character to percent-encode.
                    var b = form[c];
                    offset = b != PercentEncoded ? Byte(target, offset, b) : Percent(target, offset, c);
                }
                else if (c < 0x800)
                {
                    offset = Percent(target, offset, 0xC0 | (c >> 6));
                    offset = Percent(target, offset, 0x80 | (c & 0x3F));
                }
                else if (IsSurrogatePair(value, i))
                {
                    var codePoint = char.ConvertToUtf32(c, value[++i]);
                    offset = Percent(target, offset, 0xF0 | (codePoint >> 18));
                    offset = Percent(target, offset, 0x80 | ((codePoint >> 12) & 0x3F));
                    offset = Percent(target, offset, 0x80 | ((codePoint >> 6) & 0x3F));
                    offset = Percent(target, offset, 0x80 | (codePoint & 0x3F));
                }
                else
                {
                    // A lone surrogate becomes U+FFFD; any other character of the Basic Multilingual Plane takes three bytes.
                    int scalar = char.IsSurrogate(c) ? 0xFFFD : c;
                    offset = Percent(target, offset, 0xE0 | (scalar >> 12));
                    offset = Percent(target, offset, 0x80 | ((scalar >> 6) & 0x3F));
                    offset = Percent(target, offset, 0x80 | (scalar & 0x3F));
                }
            }

            return offset;
        }

        // How many characters from start on are written as they are.
        private static int KeptRun(string value, int start, byte[] form)
        {
            var end = start;
            while (end < value.Length && value[end] < 0x80 && form[value[end]] == value[end])
            {
                end++;
            }

            return end - start;
        }

        private static int Byte(byte[] target, int offset, byte b)
        {
            target[offset] = b;
            return offset + 1;
        }

        private static int Percent(byte[] target, int offset, int b)
        {
            target[offset] = (byte)'%';
            target[offset + 1] = (byte)Hex[b >> 4];
            target[offset + 2] = (byte)Hex[b & 0xF];
            return offset + 3;
        }

        private static bool IsSurrogatePair(string value, int i) =>
            char.IsHighSurrogate(value[i]) && i + 1 < value.Length && char.IsLowSurrogate(value[i + 1]);

        private static byte[] CreateAsciiForm()
        {
            var form = new byte[0x80];
            for (var c = 0; c < form.Length; c++)
            {
                var kept = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '*' || c == '-' || c == '.' || c == '_';
                form[c] = kept ? (byte)c : c == ' ' ? (byte)'+' : PercentEncoded;
            }

            return form;
        }
    }
}
