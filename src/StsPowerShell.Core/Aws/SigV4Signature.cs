namespace StsPowerShell.Core.Aws
{
    /// <summary>The intermediate and final results of signing, as the SigV4 test suite states them.</summary>
    public sealed class SigV4Signature
    {
        internal SigV4Signature(string canonicalRequest, string stringToSign, string signedHeaders, string signature, string authorization)
        {
            CanonicalRequest = canonicalRequest;
            StringToSign = stringToSign;
            SignedHeaders = signedHeaders;
            Signature = signature;
            Authorization = authorization;
        }

        /// <summary>Task 1: the canonical request.</summary>
        public string CanonicalRequest { get; }

        /// <summary>Task 2: the string to sign.</summary>
        public string StringToSign { get; }

        /// <summary>The semicolon-separated, sorted, lowercase header names signed.</summary>
        public string SignedHeaders { get; }

        /// <summary>Task 3: the hex signature.</summary>
        public string Signature { get; }

        /// <summary>Task 4: the Authorization header value.</summary>
        public string Authorization { get; }
    }
}
