using System;
using System.Linq;
using StsPowerShell.Core.Exchange;
using StsPowerShell.Core.Http;

namespace StsPowerShell.Core.Google
{
    /// <summary>Google's Security Token Service: its endpoint and the rules it adds to RFC 8693.</summary>
    public static class GoogleSts
    {
        /// <summary>Google's STS token endpoint.</summary>
        public const string DefaultTokenEndpoint = "https://sts.googleapis.com/v1/token";

        /// <summary>Google's STS token endpoint for mutual TLS (X.509 workload identity federation): the client certificate is presented there.</summary>
        public const string DefaultMtlsTokenEndpoint = "https://sts.mtls.googleapis.com/v1/token";

        /// <summary>The token endpoint to use when none is given: the mTLS one when a client certificate is presented.</summary>
        public static Uri DefaultTokenEndpointFor(bool mutualTls) => new Uri(mutualTls ? DefaultMtlsTokenEndpoint : DefaultTokenEndpoint);

        /// <summary>The scope that covers every Google Cloud API.</summary>
        public const string CloudPlatformScope = "https://www.googleapis.com/auth/cloud-platform";

        /// <summary>Google's limit on the length of the <c>options</c> field.</summary>
        public const int MaximumOptionsLength = 4096;

        /// <summary>
        /// Applies Google's rules to a request bound for <paramref name="tokenEndpoint"/> before it is built: short
        /// scope names become Google's URLs, and a workforce pool's userProject joins the options. Requests that go
        /// elsewhere are left alone.
        /// </summary>
        /// <exception cref="ArgumentException">userProject for a workload pool, or options over Google's limit.</exception>
        public static void Apply(TokenExchangeRequestBuilder request, Uri tokenEndpoint, ClientAuthentication? client, string? workforcePoolUserProject, IStsLogger? logger)
        {
            // userProject is checked first: given for a request that is not Google's, it is a mistake to report.
            if (workforcePoolUserProject != null)
            {
                ApplyUserProject(request, client, workforcePoolUserProject, logger);
            }

            if (!GoogleScopes.IsGoogleRequest(tokenEndpoint, request.Audiences))
            {
                return;
            }

            for (var i = 0; i < request.Scopes.Count; i++)
            {
                request.Scopes[i] = GoogleScopes.Expand(request.Scopes[i].Trim());
            }

            ValidateOptions(request.Options);
        }

        /// <summary>Checks that <paramref name="options"/> is a JSON object within Google's length limit.</summary>
        /// <exception cref="ArgumentException">It is not; ParamName is Options.</exception>
        public static void ValidateOptions(string? options)
        {
            if (options != null && options.Length > MaximumOptionsLength)
            {
                throw new ArgumentException($"options is {options.Length} characters long; Google's STS accepts at most {MaximumOptionsLength}.", TokenExchangeField.Options.Name);
            }

            TokenExchangeRequestBuilder.ValidateOptionsObject(options);
        }

        // As Google's libraries do: userProject only for workforce pools, and only without client credentials
        // (with them, the client's project is billed).
        private static void ApplyUserProject(TokenExchangeRequestBuilder request, ClientAuthentication? client, string userProject, IStsLogger? logger)
        {
            const string Parameter = "WorkforcePoolUserProject";
            if (string.IsNullOrWhiteSpace(userProject))
            {
                throw new ArgumentException("The workforce pool user project must not be empty or only white space.", Parameter);
            }

            if (!request.Audiences.Any(GooglePoolProvider.IsWorkforcePoolProvider))
            {
                throw new ArgumentException("It applies only to workforce pool providers (//iam.googleapis.com/locations/global/workforcePools/<pool>/providers/<provider>); Google refuses userProject for workload identity pools.", Parameter);
            }

            if (client != null)
            {
                logger?.Verbose("Not sending userProject: with client credentials, Google bills the client's project.");
                return;
            }

            request.Options = GooglePoolProvider.WithUserProject(request.Options, userProject.Trim());
        }
    }
}
