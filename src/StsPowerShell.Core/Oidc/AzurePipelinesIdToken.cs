using System;
using System.Collections.Generic;
using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;
using StsPowerShell.Core.Http;

namespace StsPowerShell.Core.Oidc
{
    /// <summary>
    /// The OIDC token Azure DevOps issues to a pipeline job for a workload identity federation service
    /// connection: POST SYSTEM_OIDCREQUESTURI?api-version=7.1&amp;serviceConnectionId=… with the job's
    /// System.AccessToken, answered with <c>{"oidcToken": …}</c>.
    /// </summary>
    public static class AzurePipelinesIdToken
    {
        /// <summary>The variable Azure Pipelines sets to the job's OIDC token URL.</summary>
        public const string RequestUriVariable = "SYSTEM_OIDCREQUESTURI";

        /// <summary>The variable a pipeline maps System.AccessToken into.</summary>
        public const string AccessTokenVariable = "SYSTEM_ACCESSTOKEN";

        private const string Source = "AzurePipelines";

        /// <summary>Requests the token; missing values come from <paramref name="environment"/>.</summary>
        /// <exception cref="ArgumentException">The service connection id is not a GUID, or the request URI is not allowed.</exception>
        /// <exception cref="IdTokenUnavailableException">A variable is missing or Azure DevOps refused.</exception>
        public static Task<OidcToken> RequestAsync(
            string serviceConnectionId, string? requestUri, string? systemAccessToken, IReadOnlyDictionary<string, string?> environment,
            StsHttpOptions options, CancellationToken cancellationToken)
        {
            if (!Guid.TryParse(serviceConnectionId, out var connection))
            {
                throw new ArgumentException($"{MessageText.Quote(serviceConnectionId)} is not a service connection id: expected the GUID shown in the service connection's URL or by 'az devops service-endpoint list'.", "ServiceConnectionId");
            }

            requestUri = EnvironmentVariables.Present(requestUri) ?? EnvironmentVariables.Get(environment, RequestUriVariable)
                ?? throw new IdTokenUnavailableException(Source, $"{RequestUriVariable} is not set: run this inside an Azure Pipelines job (agent 3.x or later), or pass -OidcRequestUri.");
            systemAccessToken = EnvironmentVariables.Present(systemAccessToken) ?? EnvironmentVariables.Get(environment, AccessTokenVariable)
                ?? throw new IdTokenUnavailableException(Source, $"{AccessTokenVariable} is not set: the pipeline must map System.AccessToken into the task's environment (env: {AccessTokenVariable}: $(System.AccessToken)), or pass -SystemAccessToken.");

            var baseUri = EndpointPolicy.Parse(requestUri, "OidcRequestUri");
            var uri = new Uri(baseUri + (string.IsNullOrEmpty(baseUri.Query) ? "?" : "&") + "api-version=7.1&serviceConnectionId=" + connection.ToString("D"));
            options.Logger?.Verbose($"Requesting the Azure Pipelines OIDC token for service connection {connection:D} from {EndpointPolicy.Display(uri)}.");
            return CiIdTokenClient.RequestAsync(Source, HttpMethod.Post, uri, systemAccessToken!, "oidcToken", status => Explain(status, connection), options, cancellationToken,
                request =>
                {
                    // Without this header Azure DevOps answers an unauthenticated call with a sign-in redirect, not 401.
                    request.Headers.TryAddWithoutValidation("X-TFS-FedAuthRedirect", "Suppress");
                    request.Content = new ByteArrayContent(Array.Empty<byte>());
                    request.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
                });
        }

        private static string Explain(int status, Guid connection) => status switch
        {
            401 => $"Azure DevOps refused System.AccessToken (HTTP 401): map a current $(System.AccessToken) into {AccessTokenVariable}",
            403 => $"Azure DevOps refused the token request (HTTP 403): the pipeline must be authorized to use service connection {connection:D}",
            400 or 404 => $"Azure DevOps has no workload identity federation service connection {connection:D} for this pipeline (HTTP {status})",
            _ => $"Azure DevOps did not issue an OIDC token (HTTP {status})",
        };
    }
}
