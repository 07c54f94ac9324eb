using System.Text;
using StsPowerShell.Core.Http;

namespace StsPowerShell.Core.Exchange
{
    /// <summary>
    /// The token endpoint refused the request: an RFC 6749 §5.2 error (RFC 8693 §2.2.2), or, when the body is
    /// not an OAuth error, the HTTP status and the server's own text. Known secrets are masked in all of it.
    /// </summary>
    public sealed class StsOAuthException : StsException
    {
        private StsOAuthException(string message, int statusCode, StsOAuthException original)
            : base(message, original)
        {
            StatusCode = statusCode;
            Error = original.Error;
            ErrorDescription = original.ErrorDescription;
            ErrorUri = original.ErrorUri;
            RawBody = original.RawBody;
        }

        private StsOAuthException(string message, int statusCode, RemoteError error)
            : base(message)
        {
            StatusCode = statusCode;
            Error = error.Code;
            ErrorDescription = error.Description;
            ErrorUri = error.Uri;
            RawBody = error.RawBody;
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

        /// <summary>
        /// The same error with the subject-token requirements that failed appended, so an invalid_grant says
        /// what to fix; the original is kept as the inner exception.
        /// </summary>
        public StsOAuthException WithFailedChecks(System.Collections.Generic.IEnumerable<string> failedChecks)
        {
            var list = string.Join("; ", failedChecks);
            if (list.Length == 0)
            {
                return this;
            }

            return new StsOAuthException($"{Message} Subject token checks that fail: {list}.", StatusCode, this) { Endpoint = Endpoint, Attempts = Attempts };
        }

        /// <summary>Builds the exception from a non-2xx response, in the form <c>Error code &lt;error&gt;: &lt;description&gt; - &lt;uri&gt;</c>.</summary>
        public static StsOAuthException FromResponse(HttpResult result, SecretRedactor redactor)
        {
            var error = RemoteError.Read(result, redactor);
            var message = error.RawMessage;
            if (error.Code != null)
            {
                var text = new StringBuilder("Error code ").Append(error.Code);
                if (!string.IsNullOrEmpty(error.Description))
                {
                    text.Append(": ").Append(error.Description);
                }

                if (!string.IsNullOrEmpty(error.Uri))
                {
                    text.Append(" - ").Append(error.Uri);
                }

                message = text.ToString();
            }

            return new StsOAuthException(message, result.StatusCode, error) { Endpoint = result.Endpoint, Attempts = result.Attempts };
        }
    }
}
