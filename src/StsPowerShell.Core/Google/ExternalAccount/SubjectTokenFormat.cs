using System.Text.Json;

using StsPowerShell.Core.Http;

namespace StsPowerShell.Core.Google
{
    /// <summary>credential_source.format: the subject token as the whole text, or one field of a JSON object.</summary>
    internal sealed class SubjectTokenFormat
    {
        private SubjectTokenFormat(string? fieldName)
        {
            FieldName = fieldName;
        }

        /// <summary>The JSON field that holds the token; null for text.</summary>
        public string? FieldName { get; }

        public static SubjectTokenFormat Read(JsonFields source)
        {
            var format = source.OptionalObject("format");
            if (format == null)
            {
                return new SubjectTokenFormat(null);
            }

            format.OnlyKnown("type", "subject_token_field_name");
            var type = format.OptionalString("type") ?? "text";
            switch (type)
            {
                case "text":
                    return new SubjectTokenFormat(null);
                case "json":
                    return new SubjectTokenFormat(format.RequiredString("subject_token_field_name"));
                default:
                    throw format.Error("type", $"is '{type}'; expected text or json.");
            }
        }

        /// <summary>The token in <paramref name="content"/>; errors describe the content's shape, never the content.</summary>
        public string Extract(string content, string kind, string where)
        {
            if (FieldName == null)
            {
                var text = content.Trim();
                return text.Length > 0 ? text : throw new SubjectTokenSourceException(kind, $"{where} is empty.");
            }

            try
            {
                using var document = JsonText.Parse(content);
                if (document.RootElement.ValueKind == JsonValueKind.Object && document.RootElement.TryGetProperty(FieldName, out var value)
                    && value.ValueKind == JsonValueKind.String && !string.IsNullOrEmpty(value.GetString()))
                {
                    return value.GetString()!;
                }
            }
            catch (JsonException)
            {
                throw new SubjectTokenSourceException(kind, $"{where} is not JSON.");
            }

            throw new SubjectTokenSourceException(kind, $"{where} has no string field '{FieldName}'.");
        }
    }
}
