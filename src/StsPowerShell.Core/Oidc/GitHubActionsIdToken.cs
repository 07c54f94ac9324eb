using System;
using System.Collections.Generic;
using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;
using StsPowerShell.Core.Http;

namespace StsPowerShell.Core.Oidc
{
    /// <summary>
    /// The OIDC token GitHub Actions issues to a job with <c>permissions: id-token: write</c>: GET
    /// ACTIONS_ID_TOKEN_REQUEST_URL (&amp;audience=…) with ACTIONS_ID_TOKEN_REQUEST_TOKEN, answered with <c>{"value": …}</c>.
    /// </summary>
    public static class GitHubActionsIdToken
    {
        /// <summary>The variable that holds the token request URL.</summary>
        public const string RequestUrlVariable = "ACTIONS_ID_TOKEN_REQUEST_URL";

        /// <summary>The variable that holds the bearer token for that URL.</summary>
        public const string RequestTokenVariable = "ACTIONS_ID_TOKEN_REQUEST_TOKEN";

        private const string Source = "GitHubActions";
        private const string PermissionHint = "the workflow or job must grant 'permissions: id-token: write'";

        /// <summary>Requests the token for <paramref name="audience"/> (GitHub's default audience when null).</summary>
        /// <exception cref="IdTokenUnavailableException">A variable is missing or GitHub refused.</exception>
        public static Task<OidcToken> RequestAsync(
            string? audience, string? requestUrl, string? requestToken, IReadOnlyDictionary<string, string?> environment,
            StsHttpOptions options, CancellationToken cancellationToken)
        {
            requestUrl = EnvironmentVariables.Present(requestUrl) ?? EnvironmentVariables.Get(environment, RequestUrlVariable)
                ?? throw new IdTokenUnavailableException(Source, $"{RequestUrlVariable} is not set: {PermissionHint}, and this must run inside that job.");
            requestToken = EnvironmentVariables.Present(requestToken) ?? EnvironmentVariables.Get(environment, RequestTokenVariable)
                ?? throw new IdTokenUnavailableException(Source, $"{RequestTokenVariable} is not set: {PermissionHint}.");

            var baseUri = EndpointPolicy.Parse(requestUrl, "RequestUrl");
            var uri = string.IsNullOrWhiteSpace(audience)
                ? baseUri
                : new Uri(baseUri + (string.IsNullOrEmpty(baseUri.Query) ? "?" : "&") + "audience=" + Uri.EscapeDataString(audience!.Trim()));
            options.Logger?.Verbose($"Requesting the GitHub Actions OIDC token{(string.IsNullOrWhiteSpace(audience) ? string.Empty : " for audience " + audience)} from {EndpointPolicy.Display(uri)}.");
            return CiIdTokenClient.RequestAsync(Source, HttpMethod.Get, uri, requestToken!, "value", Explain, options, cancellationToken);
        }

        private static string Explain(int status) => status switch
        {
            401 or 403 => $"GitHub refused the token request (HTTP {status}): {PermissionHint}, and {RequestTokenVariable} must be the current job's",
            _ => $"GitHub did not issue an OIDC token (HTTP {status})",
        };
    }
}
