using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using StsPowerShell.Core;
using StsPowerShell.Core.Exchange;
using StsPowerShell.Core.Google;
using StsPowerShell.Core.Http;

namespace StsPowerShell.Binding
{
    /// <summary>The values Get-GoogleExternalAccountToken was given, and the (cached) flow they drive.</summary>
    internal sealed class ExternalAccountParameters
    {
        public string? ConfigurationFile { get; set; }

        public string[] Scope { get; set; } = { GoogleSts.CloudPlatformScope };

        public bool Force { get; set; }

        public int TimeoutSec { get; set; } = 30;

        /// <summary>The file to read: -ConfigurationFile, else GOOGLE_APPLICATION_CREDENTIALS.</summary>
        public string ResolveFile(IReadOnlyDictionary<string, string?> environment) =>
            EnvironmentVariables.Present(ConfigurationFile) ?? EnvironmentVariables.Get(environment, ExternalAccountConfiguration.ApplicationCredentialsVariable)
            ?? throw new ArgumentException($"Give -ConfigurationFile, or set {ExternalAccountConfiguration.ApplicationCredentialsVariable} to the file 'gcloud iam workload-identity-pools create-cred-config' wrote.", "ConfigurationFile");

        public StsHttpOptions ToHttpOptions() => new StsHttpOptions { Timeout = TimeSpan.FromSeconds(TimeoutSec) };

        /// <summary>The token, from the cache while fresh; <c>Reused</c> says which.</summary>
        public async Task<(IssuedToken Token, bool Reused)> GetTokenAsync(IReadOnlyDictionary<string, string?> environment, StsHttpOptions options, TokenCache cache, CancellationToken cancellationToken)
        {
            var configuration = ExternalAccountConfiguration.Load(ResolveFile(environment));
            var scopes = Scope.Where(s => !string.IsNullOrWhiteSpace(s)).Select(s => GoogleScopes.Expand(s.Trim())).ToArray();
            if (scopes.Length == 0)
            {
                throw new ArgumentException("At least one scope is required.", "Scope");
            }

            var credential = new ExternalAccountCredential(configuration, new SubjectTokenContext(environment, options));
            return await cache.GetAsync(credential.CacheKey(scopes), Force, ct => credential.GetAccessTokenAsync(scopes, ct), cancellationToken).ConfigureAwait(false);
        }
    }
}
