using System;
using System.Collections.Generic;
using System.Linq;

namespace StsPowerShell.Core.Google
{
    /// <summary>The OAuth scopes most used with Google's STS and IAM, and the short names that stand for them.</summary>
    public static class GoogleScopes
    {
        private const string Prefix = "https://www.googleapis.com/auth/";

        /// <summary>The full scopes, for completion.</summary>
        public static IReadOnlyList<string> Common { get; } = new[]
        {
            Prefix + "cloud-platform",
            Prefix + "cloud-platform.read-only",
            Prefix + "iam",
            Prefix + "devstorage.read_only",
            Prefix + "devstorage.read_write",
            Prefix + "devstorage.full_control",
            Prefix + "userinfo.email",
            "openid",
        };

        /// <summary>
        /// The full scope for a short name such as <c>cloud-platform</c>; anything else unchanged. Only for
        /// requests to Google, where these names cannot mean anything else.
        /// </summary>
        public static string Expand(string scope) =>
            Common.FirstOrDefault(s => s.StartsWith(Prefix, StringComparison.Ordinal) && s.Substring(Prefix.Length) == scope) ?? scope;

        /// <summary>True when a request to <paramref name="endpoint"/> for <paramref name="audiences"/> is one to Google.</summary>
        public static bool IsGoogleRequest(Uri endpoint, IEnumerable<string> audiences) =>
            endpoint.Host.EndsWith(".googleapis.com", StringComparison.OrdinalIgnoreCase)
            || audiences.Any(a => GooglePoolProvider.IsWorkforcePoolProvider(a) || GooglePoolProvider.IsWorkloadIdentityPoolProvider(a));
    }
}
