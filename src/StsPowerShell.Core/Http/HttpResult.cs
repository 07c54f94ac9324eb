using System;
using System.Net.Http.Headers;

namespace StsPowerShell.Core.Http
{
    /// <summary>A response read in full (within the size limit), after any retries.</summary>
    public sealed class HttpResult
    {
        private readonly HttpContentHeaders? contentHeaders;
        private string? mediaType;

        internal HttpResult(Uri endpoint, int statusCode, string reasonPhrase, string? mediaType, string body, HttpResponseHeaders headers, DateTimeOffset receivedAt, int attempts)
            : this(endpoint, statusCode, reasonPhrase, (HttpContentHeaders?)null, body, headers, receivedAt, attempts)
        {
            this.mediaType = mediaType;
        }

        // Content-Type is parsed only when asked for: only messages about a failure use it.
        internal HttpResult(Uri endpoint, int statusCode, string reasonPhrase, HttpContentHeaders? contentHeaders, string body, HttpResponseHeaders headers, DateTimeOffset receivedAt, int attempts)
        {
            Endpoint = endpoint;
            StatusCode = statusCode;
            ReasonPhrase = reasonPhrase;
            this.contentHeaders = contentHeaders;
            Body = body;
            Headers = headers;
            ReceivedAt = receivedAt;
            Attempts = attempts;
        }

        /// <summary>The endpoint called, without query string.</summary>
        public Uri Endpoint { get; }

        /// <summary>The HTTP status code.</summary>
        public int StatusCode { get; }

        /// <summary>The HTTP reason phrase.</summary>
        public string ReasonPhrase { get; }

        /// <summary>The media type of the body, if the server named one.</summary>
        public string? MediaType => mediaType ??= contentHeaders?.ContentType?.MediaType;

        /// <summary>The body as UTF-8 text. May hold secrets: never put it in a message unredacted.</summary>
        public string Body { get; }

        /// <summary>The response headers.</summary>
        public HttpResponseHeaders Headers { get; }

        /// <summary>When the last byte arrived, by the options' clock.</summary>
        public DateTimeOffset ReceivedAt { get; }

        /// <summary>How many attempts were made.</summary>
        public int Attempts { get; }

        /// <summary>True for 2xx.</summary>
        public bool IsSuccess => StatusCode >= 200 && StatusCode < 300;
    }
}
