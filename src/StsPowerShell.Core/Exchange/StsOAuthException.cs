using System;
using System.Text;
using System.Text.Json;
using StsPowerShell.Core.Http;

namespace StsPowerShell.Core.Exchange
{
    /// <summary>
    /// The token endpoint refused the request: an RFC 6749 §5.2 error (RFC 8693 §2.2.2), or, when the body is
    /// not an OAuth error, the HTTP status and the server's own text. Known secrets are masked in all of it.
    /// </summary>
    public sealed class StsOAuthException : StsException
    {
        private const int MaximumQuotedBodyLength = 2048;

        private StsOAuthException(string message, int statusCode, string? error, string? errorDescription, string? errorUri, string? rawBody)
            : base(message)
        {
            StatusCode = statusCode;
            Error = error;
            ErrorDescription = errorDescription;
            ErrorUri = errorUri;
            RawBody = rawBody;
        }

        /// <summary>The HTTP status code.</summary>
        public int StatusCode { get; }

        /// <summary><c>error</c>, such as <c>invalid_grant</c>; null when the body was not an OAuth error.</summary>
        public string? Error { get; }

        /// <summary><c>error_description</c>.</summary>
        public string? ErrorDescription { get; }

        /// <summary><c>error_uri</c>.</summary>
        public string? ErrorUri { get; }

        /// <summary>The body (redacted, at most 2048 characters) when it was not an OAuth error.</summary>
        public string? RawBody { get; }

        /// <summary>Builds the exception from a non-2xx response.</summary>
        public static StsOAuthException FromResponse(HttpResult result, SecretRedactor redactor)
        {
            if (TryReadOAuthError(result.Body, out var error, out var description, out var uri))
            {
                error = redactor.Redact(error);
                description = description == null ? null : redactor.Redact(description);
                uri = uri == null ? null : redactor.Redact(uri);
                var message = new StringBuilder("Error code ").Append(error);
                if (!string.IsNullOrEmpty(description))
                {
                    message.Append(": ").Append(description);
                }

                if (!string.IsNullOrEmpty(uri))
                {
                    message.Append(" - ").Append(uri);
                }

                return new StsOAuthException(message.ToString(), result.StatusCode, error, description, uri, null)
                { Endpoint = result.Endpoint, Attempts = result.Attempts };
            }

            var body = redactor.Redact(result.Body.Trim());
            if (body.Length > MaximumQuotedBodyLength)
            {
                body = body.Substring(0, MaximumQuotedBodyLength) + "…";
            }

            var text = body.Length == 0 ? "an empty body" : body;
            return new StsOAuthException(
                $"{result.Endpoint} answered HTTP {result.StatusCode} ({result.ReasonPhrase}) after {result.Attempts} attempt(s) with {text}",
                result.StatusCode, null, null, null, body)
            { Endpoint = result.Endpoint, Attempts = result.Attempts };
        }

        // RFC 6749 §5.2's flat form, and Google API's {"error": {"status", "message"}} for endpoints that use it.
        private static bool TryReadOAuthError(string body, out string error, out string? description, out string? uri)
        {
            error = string.Empty;
            description = null;
            uri = null;
            try
            {
                using var document = JsonDocument.Parse(body);
                var root = document.RootElement;
                if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("error", out var errorElement))
                {
                    return false;
                }

                if (errorElement.ValueKind == JsonValueKind.String)
                {
                    error = errorElement.GetString() ?? string.Empty;
                    description = OptionalString(root, "error_description");
                    uri = OptionalString(root, "error_uri");
                }
                else if (errorElement.ValueKind == JsonValueKind.Object)
                {
                    error = OptionalString(errorElement, "status") ?? OptionalString(errorElement, "code") ?? string.Empty;
                    description = OptionalString(errorElement, "message");
                }

                return error.Length > 0;
            }
            catch (JsonException)
            {
                return false;
            }
        }

        private static string? OptionalString(JsonElement element, string name)
        {
            if (!element.TryGetProperty(name, out var value))
            {
                return null;
            }

            return value.ValueKind switch
            {
                JsonValueKind.String => value.GetString(),
                JsonValueKind.Number => value.GetRawText(),
                _ => null,
            };
        }
    }
}
