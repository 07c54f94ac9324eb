using System.Text.Json;

namespace StsPowerShell.Core.Http
{
    /// <summary>
    /// What a non-2xx answer says, read once for every kind of endpoint: RFC 6749 §5.2's flat
    /// <c>{"error", "error_description", "error_uri"}</c>, Google APIs' <c>{"error": {"status", "message"}}</c>, or
    /// the raw body. Known secrets are masked in all of it.
    /// </summary>
    public sealed class RemoteError
    {
        private RemoteError(string? code, string? description, string? uri, string? rawBody, string rawMessage)
        {
            Code = code;
            Description = description;
            Uri = uri;
            RawBody = rawBody;
            RawMessage = rawMessage;
        }

        /// <summary>The error code (<c>invalid_grant</c>, <c>PERMISSION_DENIED</c>), or null when the body had none.</summary>
        public string? Code { get; }

        /// <summary>The server's description of the error.</summary>
        public string? Description { get; }

        /// <summary>A page about the error, when the server gave one.</summary>
        public string? Uri { get; }

        /// <summary>The body (redacted, at most 2048 characters) when it held no error code.</summary>
        public string? RawBody { get; }

        /// <summary>The message for a body without an error code: status, reason and the body itself.</summary>
        public string RawMessage { get; }

        /// <summary>Reads <paramref name="result"/>.</summary>
        public static RemoteError Read(HttpResult result, SecretRedactor redactor)
        {
            if (TryRead(result.Body, out var code, out var description, out var uri))
            {
                return new RemoteError(Quote(code, redactor), description == null ? null : Quote(description, redactor), uri == null ? null : Quote(uri, redactor), null, string.Empty);
            }

            var body = Quote(result.Body.Trim(), redactor);

            // The server's reason phrase is free text it chose: the standard phrase of the status says the same.
            var message = $"{result.Endpoint} answered HTTP {result.StatusCode} ({StandardReason(result.StatusCode)}) after {result.Attempts} attempt(s) with {(body.Length == 0 ? "an empty body" : body)}";
            return new RemoteError(null, null, null, body, message);
        }

        /// <summary>The standard reason phrase of <paramref name="statusCode"/>, such as Forbidden.</summary>
        public static string StandardReason(int statusCode)
        {
            using var response = new System.Net.Http.HttpResponseMessage((System.Net.HttpStatusCode)statusCode);
            return response.ReasonPhrase ?? "no reason phrase";
        }

        // Secrets out first (they are recognised in the server's own spelling), then escapes and the length bound.
        private static string Quote(string text, SecretRedactor redactor) => ServerText.Escape(redactor.Redact(text));

        private static bool TryRead(string body, out string code, out string? description, out string? uri)
        {
            code = string.Empty;
            description = null;
            uri = null;
            try
            {
                using var document = JsonText.Parse(body);
                var root = document.RootElement;
                if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("error", out var error))
                {
                    return false;
                }

                if (error.ValueKind == JsonValueKind.String)
                {
                    code = error.GetString() ?? string.Empty;
                    description = JsonText.StringOrNumber(root, "error_description");
                    uri = JsonText.StringOrNumber(root, "error_uri");
                }
                else if (error.ValueKind == JsonValueKind.Object)
                {
                    code = JsonText.StringOrNumber(error, "status") ?? JsonText.StringOrNumber(error, "code") ?? string.Empty;
                    description = JsonText.StringOrNumber(error, "message");
                }

                return code.Length > 0;
            }
            catch (JsonException)
            {
                return false;
            }
        }

    }
}
