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

        /// <summary>The string property <paramref name="name"/> of an object, or null when absent or not a string.</summary>
        public static string? String(JsonElement element, string name) =>
            element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

        /// <summary>Like <see cref="String"/>, but a number is returned as its JSON text (error codes come as either).</summary>
        public static string? StringOrNumber(JsonElement element, string name) =>
            element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number ? value.GetRawText() : String(element, name);
    }
}
