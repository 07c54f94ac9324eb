using StsPowerShell.Core.Http;

namespace StsPowerShell.Core.Google
{
    /// <summary>A Google API (IAM Credentials) refused a call: its status, such as PERMISSION_DENIED, and its message.</summary>
    public sealed class GoogleApiException : StsException
    {
        private GoogleApiException(string message, int statusCode, RemoteError error)
            : base(message)
        {
            StatusCode = statusCode;
            Status = error.Code;
            ErrorMessage = error.Description;
            RawBody = error.RawBody;
        }

        /// <summary>The HTTP status code.</summary>
        public int StatusCode { get; }

        /// <summary>Google's status, such as <c>PERMISSION_DENIED</c>; null when the body had none.</summary>
        public string? Status { get; }

        /// <summary>Google's message.</summary>
        public string? ErrorMessage { get; }

        /// <summary>The body (redacted, at most 2048 characters) when it held no status.</summary>
        public string? RawBody { get; }

        /// <summary>Builds the exception from a non-2xx response, in the form <c>&lt;STATUS&gt;: &lt;message&gt;</c>, plus a hint.</summary>
        public static GoogleApiException FromResponse(HttpResult result, SecretRedactor redactor, string? hint = null)
        {
            var error = RemoteError.Read(result, redactor);
            var message = error.Code == null ? error.RawMessage : $"{error.Code}: {error.Description}";
            if (hint != null)
            {
                message += " " + hint;
            }

            return new GoogleApiException(message, result.StatusCode, error) { Endpoint = result.Endpoint, Attempts = result.Attempts };
        }
    }
}
