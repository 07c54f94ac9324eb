using System.Collections.Generic;

namespace StsPowerShell.Core.Aws
{
    /// <summary>
    /// The parts of an HTTP request that Signature Version 4 signs: method, path and query as decoded text,
    /// headers in the order given (repeats allowed), and the SHA-256 of the payload.
    /// </summary>
    public sealed class SigV4Request
    {
        /// <summary>The SHA-256 of an empty payload.</summary>
        public const string EmptyPayloadHash = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

        /// <summary>Creates a request to sign.</summary>
        public SigV4Request(string method, string path)
        {
            Method = method;
            Path = path;
        }

        /// <summary>The HTTP method.</summary>
        public string Method { get; }

        /// <summary>The path, not percent-encoded.</summary>
        public string Path { get; }

        /// <summary>Query parameters, not percent-encoded.</summary>
        public IList<KeyValuePair<string, string>> Query { get; } = new List<KeyValuePair<string, string>>();

        /// <summary>Headers to sign, including host and x-amz-date.</summary>
        public IList<KeyValuePair<string, string>> Headers { get; } = new List<KeyValuePair<string, string>>();

        /// <summary>The lowercase hex SHA-256 of the payload.</summary>
        public string PayloadHash { get; set; } = EmptyPayloadHash;
    }
}
