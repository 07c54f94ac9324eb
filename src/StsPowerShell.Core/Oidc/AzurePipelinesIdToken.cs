using System;
using System.Collections.Generic;
using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;
using StsPowerShell.Core.Http;

namespace StsPowerShell.Core.Oidc
{
    /// <summary>
    /// The OIDC token Azure DevOps issues to a pipeline job, for a workload identity federation service connection
    /// or for the pipeline itself: POST SYSTEM_OIDCREQUESTURI?api-version=7.1[&amp;serviceConnectionId=…] with the
    /// job's System.AccessToken, answered with <c>{"oidcToken": …}</c>. The token lives 10 minutes.
    /// </summary>
    public static class AzurePipelinesIdToken
    {
        /// <summary>The variable Azure Pipelines sets to the job's OIDC token URL.</summary>
        public const string RequestUriVariable = "SYSTEM_OIDCREQUESTURI";

        /// <summary>The variable a pipeline maps System.AccessToken into.</summary>
        public const string AccessTokenVariable = "SYSTEM_ACCESSTOKEN";

        private const string Source = "AzurePipelines";

        /// <summary>
        /// Requests the token for <paramref name="serviceConnectionId"/>, or without one the pipeline's own token (its
        /// subject p://&lt;org&gt;/&lt;project&gt;/&lt;pipeline&gt;); missing values come from <paramref name="environment"/>. Without
        /// SYSTEM_OIDCREQUESTURI the URL is built from the job's SYSTEM_TEAMFOUNDATIONCOLLECTIONURI, SYSTEM_TEAMPROJECTID,
        /// SYSTEM_HOSTTYPE, SYSTEM_PLANID and SYSTEM_JOBID, as Azure DevOps's REST API names it.
        /// </summary>
        /// <exception cref="ArgumentException">The service connection id is not a GUID, or the request URI is not allowed.</exception>
        /// <exception cref="IdTokenUnavailableException">A variable is missing or Azure DevOps refused.</exception>
        public static Task<OidcToken> RequestAsync(
            string? serviceConnectionId, string? requestUri, string? systemAccessToken, IReadOnlyDictionary<string, string?> environment,
            StsHttpOptions options, CancellationToken cancellationToken)
        {
            Guid? connection = null;
            if (EnvironmentVariables.Present(serviceConnectionId) != null)
            {
                connection = Guid.TryParse(serviceConnectionId, out var id)
                    ? id
                    : throw new ArgumentException($"{MessageText.Quote(serviceConnectionId)} is not a service connection id: expected the GUID shown in the service connection's URL or by 'az devops service-endpoint list'.", "ServiceConnectionId");
            }

            var baseUri = EndpointPolicy.Parse(EnvironmentVariables.Present(requestUri) ?? EnvironmentVariables.Get(environment, RequestUriVariable) ?? JobRequestUri(environment), "OidcRequestUri");
            systemAccessToken = EnvironmentVariables.Present(systemAccessToken) ?? EnvironmentVariables.Get(environment, AccessTokenVariable)
                ?? throw new IdTokenUnavailableException(Source, $"{AccessTokenVariable} is not set: the pipeline must map System.AccessToken into the task's environment (env: {AccessTokenVariable}: $(System.AccessToken)), or pass -SystemAccessToken.");

            var uri = new Uri(baseUri + (string.IsNullOrEmpty(baseUri.Query) ? "?" : "&") + "api-version=7.1" + (connection == null ? string.Empty : "&serviceConnectionId=" + connection.Value.ToString("D")));
            var what = connection == null ? "the pipeline's own OIDC token" : $"the OIDC token for service connection {connection:D}";
            options.Logger?.Verbose($"Requesting {what} from {EndpointPolicy.Display(uri)}.");
            return CiIdTokenClient.RequestAsync(Source, HttpMethod.Post, uri, systemAccessToken!, "oidcToken", status => Explain(status, connection), options, cancellationToken,
                request =>
                {
                    // Without this header Azure DevOps answers an unauthenticated call with a sign-in redirect, not 401.
                    request.Headers.TryAddWithoutValidation("X-TFS-FedAuthRedirect", "Suppress");
                    request.Content = new ByteArrayContent(Array.Empty<byte>());
                    request.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
                });
        }

        // {collection}{project}/_apis/distributedtask/hubs/{hub}/plans/{plan}/jobs/{job}/oidctoken: what SYSTEM_OIDCREQUESTURI
        // holds, from the variables every job has (older agents do not set SYSTEM_OIDCREQUESTURI).
        private static string JobRequestUri(IReadOnlyDictionary<string, string?> environment)
        {
            var names = new[] { "SYSTEM_TEAMFOUNDATIONCOLLECTIONURI", "SYSTEM_TEAMPROJECTID", "SYSTEM_HOSTTYPE", "SYSTEM_PLANID", "SYSTEM_JOBID" };
            var values = new string[names.Length];
            for (var i = 0; i < names.Length; i++)
            {
                values[i] = EnvironmentVariables.Get(environment, names[i])
                    ?? throw new IdTokenUnavailableException(Source, $"{RequestUriVariable} is not set, nor {names[i]} to build it from: run this inside an Azure Pipelines job, or pass -OidcRequestUri.");
            }

            return values[0].TrimEnd('/') + "/" + string.Join("/", new[]
            {
                Uri.EscapeDataString(values[1]), "_apis/distributedtask/hubs", Uri.EscapeDataString(values[2]), "plans", Uri.EscapeDataString(values[3]), "jobs", Uri.EscapeDataString(values[4]), "oidctoken",
            });
        }

        private static string Explain(int status, Guid? connection) => status switch
        {
            401 => $"Azure DevOps refused System.AccessToken (HTTP 401): map a current $(System.AccessToken) into {AccessTokenVariable} in this step's env",
            403 when connection != null => $"Azure DevOps refused the token request (HTTP 403): the pipeline must be authorized to use service connection {connection:D} (Project settings > Service connections > Security)",
            403 => "Azure DevOps refused the token request (HTTP 403): the job's System.AccessToken may not request the pipeline's OIDC token",
            400 or 404 when connection != null => $"Azure DevOps has no workload identity federation service connection {connection:D} for this pipeline (HTTP {status})",
            400 or 404 => $"Azure DevOps knows no such job (HTTP {status}): check {RequestUriVariable} or the SYSTEM_* variables it was built from",
            _ => $"Azure DevOps did not issue an OIDC token (HTTP {status})",
        };
    }
}
