using System;
using System.Globalization;
using StsPowerShell.Parameters;
using StsPowerShell.Core.Aws;

namespace StsPowerShell
{
    /// <summary>
    /// A signed AWS GetCallerIdentity request for Google's STS. SubjectToken, SubjectTokenType and Audience
    /// bind by name to Invoke-StsTokenExchange.
    /// </summary>
    public sealed class AwsSubjectToken
    {
        /// <summary>The serialized, signed request: a SecureString, or a string with -AsPlainText.</summary>
        public object SubjectToken { get; set; } = string.Empty;

        /// <summary>urn:ietf:params:aws:token-type:aws4_request.</summary>
        public string SubjectTokenType { get; set; } = string.Empty;

        /// <summary>The workload identity pool provider the token is for.</summary>
        public string Audience { get; set; } = string.Empty;

        /// <summary>The region the request was signed for.</summary>
        public string Region { get; set; } = string.Empty;

        /// <summary>The AWS STS URL signed.</summary>
        public string Url { get; set; } = string.Empty;

        /// <summary>The x-amz-date of the signature (UTC).</summary>
        public DateTimeOffset SigningTime { get; set; }

        /// <summary>The access key id that signed; never the secret.</summary>
        public string AccessKeyId { get; set; } = string.Empty;

        /// <summary>Where the credentials came from.</summary>
        public string CredentialSource { get; set; } = string.Empty;

        /// <summary>Never reveals the token.</summary>
        public override string ToString() =>
            $"{SubjectTokenType} for {Audience}, signed by {AccessKeyId} in {Region} at {SigningTime.ToString("u", CultureInfo.InvariantCulture)}";

        /// <summary>The PowerShell view of a core token.</summary>
        public static AwsSubjectToken FromToken(CallerIdentityToken token, bool asPlainText) => new AwsSubjectToken
        {
            SubjectToken = asPlainText ? token.Token : SecretText.ToSecureString(token.Token, "The AWS GetCallerIdentity token"),
            SubjectTokenType = token.TokenType,
            Audience = token.Audience,
            Region = token.Region,
            Url = token.Url,
            SigningTime = token.SigningTime,
            AccessKeyId = token.AccessKeyId,
            CredentialSource = token.CredentialSource,
        };
    }
}
