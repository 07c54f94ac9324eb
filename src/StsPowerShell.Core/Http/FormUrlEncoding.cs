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
            var length = 0;
            for (var i = 0; i < value.Length; i++)
            {
                var c = value[i];
                if (c < 0x80)
                {
                    length += IsKept(c) || c == ' ' ? 1 : 3;
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
            for (var i = 0; i < value.Length; i++)
            {
                var c = value[i];
                if (c < 0x80)
                {
                    if (IsKept(c))
                    {
                        target[offset++] = (byte)c;
                    }
                    else if (c == ' ')
                    {
                        target[offset++] = (byte)'+';
                    }
                    else
                    {
                        offset = Percent(target, offset, c);
                    }
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

        private static int Percent(byte[] target, int offset, int b)
        {
            target[offset] = (byte)'%';
            target[offset + 1] = (byte)Hex[b >> 4];
            target[offset + 2] = (byte)Hex[b & 0xF];
            return offset + 3;
        }

        private static bool IsSurrogatePair(string value, int i) =>
            char.IsHighSurrogate(value[i]) && i + 1 < value.Length && char.IsLowSurrogate(value[i + 1]);

        private static bool IsKept(char c) =>
            (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
            || c == '*' || c == '-' || c == '.' || c == '_';
    }
}
