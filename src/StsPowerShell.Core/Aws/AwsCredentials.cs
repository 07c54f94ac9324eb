using System;

namespace StsPowerShell.Core.Aws
{
    /// <summary>A SigV4 signing key and the date/region/service scope it was derived for.</summary>
    internal sealed class SigningKey
    {
        public SigningKey(string scope, byte[] key)
        {
            Scope = scope;
            Key = key;
        }

        public string Scope { get; }

        public byte[] Key { get; }
    }

    /// <summary>AWS credentials: a key id, its secret, and a session token when they are temporary.</summary>
    public sealed class AwsCredentials
    {
        /// <summary>Creates credentials.</summary>
        /// <exception cref="ArgumentException">The key id or secret is empty.</exception>
        public AwsCredentials(string accessKeyId, string secretAccessKey, string? sessionToken = null, DateTimeOffset? expiration = null, string source = "parameters")
        {
            if (string.IsNullOrWhiteSpace(accessKeyId))
            {
                throw new ArgumentException("An AWS access key id is required.", "AccessKey");
            }

            if (string.IsNullOrWhiteSpace(secretAccessKey))
            {
                throw new ArgumentException("An AWS secret access key is required and must not be only white space.", "SecretKey");
            }

            if (sessionToken != null && sessionToken.Length > 0 && string.IsNullOrWhiteSpace(sessionToken))
            {
                throw new ArgumentException("An AWS session token must not be only white space.", "SessionToken");
            }

            AccessKeyId = accessKeyId.Trim();
            SecretAccessKey = secretAccessKey;
            SessionToken = string.IsNullOrEmpty(sessionToken) ? null : sessionToken;
            Expiration = expiration;
            Source = source;
        }

        /// <summary>The access key id (not a secret).</summary>
        public string AccessKeyId { get; }

        /// <summary>The secret access key.</summary>
        public string SecretAccessKey { get; }

        /// <summary>The session token of temporary credentials.</summary>
        public string? SessionToken { get; }

        /// <summary>When temporary credentials expire, if known.</summary>
        public DateTimeOffset? Expiration { get; }

        /// <summary>Where the credentials were found, for messages.</summary>
        public string Source { get; }

        /// <summary>The last SigV4 signing key derived from these credentials, with the scope it is for.</summary>
        internal SigningKey? LastSigningKey { get; set; }

        /// <summary>Never reveals the secret or the session token.</summary>
        public override string ToString() => $"AwsCredentials({AccessKeyId}{(SessionToken == null ? string.Empty : ", temporary")}, from {Source})";
    }
}
