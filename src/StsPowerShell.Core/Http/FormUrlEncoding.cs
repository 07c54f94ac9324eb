using System.Text;

namespace StsPowerShell.Core.Http
{
    /// <summary>
    /// The application/x-www-form-urlencoded serializer (WHATWG URL §5.2): UTF-8, alphanumerics and
    /// <c>*-._</c> kept, space as <c>+</c>, everything else percent-encoded. Written here rather than
    /// taken from Uri.EscapeDataString, whose input limit on .NET Framework is too small for long tokens.
    /// </summary>
    public static class FormUrlEncoding
    {
        private const string Hex = "0123456789ABCDEF";

        /// <summary>Encodes one name or value.</summary>
        public static string Encode(string value)
        {
            var bytes = Encoding.UTF8.GetBytes(value);
            var builder = new StringBuilder(bytes.Length + 16);
            foreach (var b in bytes)
            {
                if (IsKept(b))
                {
                    builder.Append((char)b);
                }
                else if (b == (byte)' ')
                {
                    builder.Append('+');
                }
                else
                {
                    builder.Append('%').Append(Hex[b >> 4]).Append(Hex[b & 0xF]);
                }
            }

            return builder.ToString();
        }

        private static bool IsKept(byte b) =>
            (b >= (byte)'a' && b <= (byte)'z') || (b >= (byte)'A' && b <= (byte)'Z') || (b >= (byte)'0' && b <= (byte)'9')
            || b == (byte)'*' || b == (byte)'-' || b == (byte)'.' || b == (byte)'_';
    }
}
