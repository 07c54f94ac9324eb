using System;

namespace StsPowerShell.Core.Google
{
    /// <summary>A token the IAM Credentials API issued for a service account.</summary>
    public sealed class ServiceAccountToken
    {
        internal ServiceAccountToken(string token, DateTimeOffset? expiresOn)
        {
            Token = token;
            ExpiresOn = expiresOn;
        }

        /// <summary>The access token or ID token. A secret.</summary>
        public string Token { get; }

        /// <summary>When it expires.</summary>
        public DateTimeOffset? ExpiresOn { get; }

        /// <summary>Never reveals the token.</summary>
        public override string ToString() => $"ServiceAccountToken(expires {ExpiresOn:u})";
    }
}
