using System.Text;

namespace StsPowerShell.Core.Http
{
    /// <summary>
    /// Text a server sent, made fit to put in a message or an ErrorId: control characters written as escapes, so a
    /// server cannot start a new log line or send terminal sequences; CI logging commands broken, since Azure
    /// Pipelines obeys <c>##vso[</c> and <c>##[</c> anywhere in a line and GitHub Actions obeys <c>::</c> at its
    /// start; and a bound on the length.
    /// </summary>
    public static class ServerText
    {
        /// <summary>The most characters of server text a message quotes.</summary>
        public const int MaximumLength = 2048;

        private const int MaximumIdLength = 64;

        /// <summary><paramref name="text"/> with control characters escaped, logging commands broken, cut at <paramref name="maximumLength"/>.</summary>
        public static string Escape(string text, int maximumLength = MaximumLength)
        {
            var escaped = new StringBuilder(text.Length < maximumLength ? text.Length + 16 : maximumLength + 16);
            foreach (var c in text)
            {
                if (escaped.Length >= maximumLength)
                {
                    escaped.Append('…');
                    break;
                }

                switch (c)
                {
                    case '\r':
                        escaped.Append("\\r");
                        break;
                    case '\n':
                        escaped.Append("\\n");
                        break;
                    case '\t':
                        escaped.Append("\\t");
                        break;
                    default:
                        if (IsInvisibleControl(c))
                        {
                            escaped.Append("\\u").Append(((int)c).ToString("x4", System.Globalization.CultureInfo.InvariantCulture));
                        }
                        else
                        {
                            escaped.Append(c);
                        }

                        break;
                }
            }

            escaped.Replace("##", "#\\#");
            if (escaped.Length >= 2 && escaped[0] == ':' && escaped[1] == ':')
            {
                escaped.Insert(1, '\\');
            }

            return escaped.ToString();
        }

        /// <summary>
        /// A server's error code as the last part of an ErrorId: letters, digits, '_', '-' and '.' only (anything else
        /// becomes '_'), at most 64 characters.
        /// </summary>
        public static string IdPart(string code)
        {
            var id = new StringBuilder(code.Length < MaximumIdLength ? code.Length : MaximumIdLength);
            foreach (var c in code)
            {
                if (id.Length == MaximumIdLength)
                {
                    break;
                }

                id.Append(c < 128 && (char.IsLetterOrDigit(c) || c == '_' || c == '-' || c == '.') ? c : '_');
            }

            return id.Length == 0 ? "_" : id.ToString();
        }

        // C0 and C1 controls, DEL, line and paragraph separators, and the bidirectional overrides that reorder
        // what a reader sees.
        private static bool IsInvisibleControl(char c) =>
            c < ' ' || (c >= '\u007f' && c <= '\u009f') || c == '\u2028' || c == '\u2029' || (c >= '\u202a' && c <= '\u202e') || (c >= '\u2066' && c <= '\u2069');
    }
}
