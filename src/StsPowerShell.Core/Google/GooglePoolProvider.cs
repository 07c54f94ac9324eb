using System;
using System.IO;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using StsPowerShell.Core.Exchange;

using StsPowerShell.Core.Http;

namespace StsPowerShell.Core.Google
{
    /// <summary>The two kinds of pool provider an STS audience names, and the options that depend on the kind.</summary>
    public static class GooglePoolProvider
    {
        private static readonly Regex Workforce = new Regex(@"^//iam\.googleapis\.com/locations/[^/]+/workforcePools/[^/]+/providers/[^/]+$", RegexOptions.CultureInvariant);
        private static readonly Regex Workload = new Regex(@"^//iam\.googleapis\.com/projects/[^/]+/locations/[^/]+/workloadIdentityPools/[^/]+/providers/[^/]+$", RegexOptions.CultureInvariant);

        private const string IamPrefix = "//iam.googleapis.com/";

        /// <summary>
        /// The audience a provider accepts in a subject token unless told otherwise: https://iam.googleapis.com/ and the
        /// provider's resource name.
        /// </summary>
        /// <exception cref="ArgumentException">Not a //iam.googleapis.com/… provider name; names Audience.</exception>
        public static string DefaultAudience(string audience)
        {
            var trimmed = audience?.Trim() ?? string.Empty;
            if (!trimmed.StartsWith(IamPrefix, StringComparison.Ordinal) || trimmed.Length == IamPrefix.Length)
            {
                throw new ArgumentException($"{MessageText.Quote(audience)} is not a Google workload identity pool provider: expected //iam.googleapis.com/projects/<number>/locations/global/workloadIdentityPools/<pool>/providers/<provider>, or give -Resource.", "Audience");
            }

            return "https://iam.googleapis.com/" + trimmed.Substring(IamPrefix.Length);
        }

        /// <summary>True for //iam.googleapis.com/locations/…/workforcePools/…/providers/….</summary>
        public static bool IsWorkforcePoolProvider(string audience) => Workforce.IsMatch(audience);

        /// <summary>True for //iam.googleapis.com/projects/…/locations/…/workloadIdentityPools/…/providers/….</summary>
        public static bool IsWorkloadIdentityPoolProvider(string audience) => Workload.IsMatch(audience);

        /// <summary>
        /// Google's options with <c>userProject</c> set: the project billed for a workforce pool exchange made
        /// without client credentials. Other options are kept.
        /// </summary>
        /// <exception cref="ArgumentException">The existing options are not a JSON object.</exception>
        public static string WithUserProject(string? options, string userProject)
        {
            TokenExchangeRequestBuilder.ValidateOptionsObject(options);
            using var stream = new MemoryStream();
            using (var writer = new Utf8JsonWriter(stream, StsOptionsJson.WriterOptions))
            {
                writer.WriteStartObject();
                if (!string.IsNullOrEmpty(options))
                {
                    using var document = JsonText.Parse(options!);
                    foreach (var property in document.RootElement.EnumerateObject())
                    {
                        if (property.Name != "userProject")
                        {
                            property.WriteTo(writer);
                        }
                    }
                }

                writer.WriteString("userProject", userProject);
                writer.WriteEndObject();
            }

            return Encoding.UTF8.GetString(stream.ToArray());
        }
    }
}
