using System.Text;
using System.Text.Json;

namespace StsPowerShell.Core.Http
{
    /// <summary>
    /// Parses JSON text from anywhere untrusted. Text goes through UTF-8 with replacement first, so a lone
    /// surrogate (possible in text a person or a process supplies) is a replacement character, not an
    /// ArgumentException: malformed JSON is always, and only, a JsonException.
    /// </summary>
    public static class JsonText
    {
        /// <summary>The parsed document.</summary>
        /// <exception cref="JsonException">The text is not JSON.</exception>
        public static JsonDocument Parse(string text) => JsonDocument.Parse(Encoding.UTF8.GetBytes(text));
    }
}
