using System;
using System.Collections.Generic;
using System.IO;
using System.Net.Http;
using System.Net.Http.Headers;
using System.Runtime.InteropServices;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using StsPowerShell.Core.Http;
using StsPowerShell.Core.Oidc;

namespace StsPowerShell.Core.Azure
{
    /// <summary>
    /// Requests an Azure managed identity's Entra ID token for a resource from the environment's identity endpoint,
    /// as each platform documents it. The token is a JWT: Google's workload identity federation takes it as an OIDC
    /// subject token. Identity endpoints are never reached through a proxy.
    /// </summary>
    public static class ManagedIdentityClient
    {
        /// <summary>The largest Arc key file read: the agent writes a short random secret.</summary>
        public const int MaximumArcKeyBytes = 4096;

        /// <summary>
        /// The resource to ask for when a Google provider allows its default audience only (what gcloud's --azure
        /// configurations use): see <see cref="Google.GooglePoolProvider.DefaultAudience"/>.
        /// </summary>
        /// <exception cref="ArgumentException">Not a //iam.googleapis.com/… provider name; names Audience.</exception>
        public static string ResourceForGoogleProvider(string audience) => Google.GooglePoolProvider.DefaultAudience(audience);

        /// <summary>Requests the token of <paramref name="identity"/> for <paramref name="resource"/> from <paramref name="endpoint"/>.</summary>
        /// <exception cref="ArgumentException">The identity or resource cannot be asked of this source; names the parameter.</exception>
        /// <exception cref="IdTokenUnavailableException">The endpoint refused, or the Arc key file cannot be used.</exception>
        public static async Task<OidcToken> RequestAsync(
            ManagedIdentityEndpoint endpoint, string resource, ManagedIdentityId identity, IReadOnlyDictionary<string, string?> environment,
            StsHttpOptions options, CancellationToken cancellationToken)
        {
            if (string.IsNullOrWhiteSpace(resource) || !Uri.TryCreate(resource.Trim(), UriKind.Absolute, out _))
            {
                throw new ArgumentException($"{MessageText.Quote(resource)} is not a resource: expected an application ID URI such as api://my-app or https://iam.googleapis.com/projects/….", "Resource");
            }

            if (identity.Kind != ManagedIdentityIdKind.SystemAssigned && (endpoint.Source == ManagedIdentitySource.AzureArc || endpoint.Source == ManagedIdentitySource.CloudShell))
            {
                throw new ArgumentException($"{endpoint.Source} offers only the system-assigned identity, so -ClientId, -ObjectId and -ResourceId cannot be used with it.", identity.Kind.ToString());
            }

            resource = resource.Trim();
            options.LocalIdentityEndpoint = true;
            options.ServerCertificateThumbprint = endpoint.Thumbprint;
            if (endpoint.Source == ManagedIdentitySource.Imds)
            {
                // Microsoft documents retries on 404 and 410 (the service is starting or updating) besides 429 and 5xx.
                options.Retry.RetryOnStatus = status => status == 404 || status == 410 || status == 429 || status >= 500;
            }

            options.Logger?.Verbose($"Requesting {identity}'s token for {resource} from {endpoint.Source} at {EndpointPolicy.Display(endpoint.Uri)}: {endpoint.Reason}.");
            var redactor = new SecretRedactor(endpoint.Secret);
            var result = await HttpSender.SendAsync(() => CreateRequest(endpoint, resource, identity, null), options, cancellationToken).ConfigureAwait(false);
            if (endpoint.Source == ManagedIdentitySource.AzureArc && result.StatusCode == 401)
            {
                var key = await ReadArcKeyAsync(result, environment, options.Timeout, cancellationToken).ConfigureAwait(false);
                redactor = new SecretRedactor(key);
                result = await HttpSender.SendAsync(() => CreateRequest(endpoint, resource, identity, key), options, cancellationToken).ConfigureAwait(false);
            }

            if (!result.IsSuccess)
            {
                throw Refused(endpoint, identity, result, redactor);
            }

            return OidcToken.FromResponse(result, endpoint.Source.ToString(), "access_token");
        }

        private static HttpRequestMessage CreateRequest(ManagedIdentityEndpoint endpoint, string resource, ManagedIdentityId identity, string? arcKey)
        {
            var escapedResource = Uri.EscapeDataString(resource);
            HttpRequestMessage request;
            switch (endpoint.Source)
            {
                case ManagedIdentitySource.CloudShell:
                    request = new HttpRequestMessage(HttpMethod.Post, endpoint.Uri)
                    {
                        Content = new ByteArrayContent(Encoding.ASCII.GetBytes("resource=" + escapedResource)),
                    };
                    request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/x-www-form-urlencoded");
                    request.Headers.TryAddWithoutValidation("Metadata", "true");
                    break;
                case ManagedIdentitySource.AppService:
                    request = new HttpRequestMessage(HttpMethod.Get, Query(endpoint.Uri, "2019-08-01", escapedResource, IdentityParameter(identity, "client_id", "principal_id", "mi_res_id")));
                    request.Headers.TryAddWithoutValidation("X-IDENTITY-HEADER", endpoint.Secret);
                    break;
                case ManagedIdentitySource.ServiceFabric:
                    request = new HttpRequestMessage(HttpMethod.Get, Query(endpoint.Uri, "2019-07-01-preview", escapedResource, IdentityParameter(identity, "client_id", "principal_id", "mi_res_id")));
                    request.Headers.TryAddWithoutValidation("secret", endpoint.Secret);
                    break;
                case ManagedIdentitySource.AzureArc:
                    request = new HttpRequestMessage(HttpMethod.Get, Query(endpoint.Uri, "2019-11-01", escapedResource, null));
                    request.Headers.TryAddWithoutValidation("Metadata", "true");
                    if (arcKey != null)
                    {
                        request.Headers.TryAddWithoutValidation("Authorization", "Basic " + arcKey);
                    }

                    break;
                default:
                    request = new HttpRequestMessage(HttpMethod.Get, Query(endpoint.Uri, "2018-02-01", escapedResource, IdentityParameter(identity, "client_id", "object_id", "msi_res_id")));
                    request.Headers.TryAddWithoutValidation("Metadata", "true");
                    break;
            }

            request.Headers.Accept.ParseAdd("application/json");
            return request;
        }

        private static string? IdentityParameter(ManagedIdentityId identity, string clientId, string objectId, string resourceId) => identity.Kind switch
        {
            ManagedIdentityIdKind.ClientId => clientId + "=" + Uri.EscapeDataString(identity.Value!),
            ManagedIdentityIdKind.ObjectId => objectId + "=" + Uri.EscapeDataString(identity.Value!),
            ManagedIdentityIdKind.ResourceId => resourceId + "=" + Uri.EscapeDataString(identity.Value!),
            _ => null,
        };

        private static Uri Query(Uri endpoint, string apiVersion, string escapedResource, string? identity) =>
            new Uri(endpoint.AbsoluteUri + (endpoint.Query.Length == 0 ? "?" : "&") + "api-version=" + apiVersion + "&resource=" + escapedResource + (identity == null ? string.Empty : "&" + identity));

        // Azure Arc answers the first request with 401 and WWW-Authenticate: Basic realm=<key file>; reading that file
        // proves the caller may use the machine's identity. The file must be where the agent writes its keys, so a
        // server that is not the agent cannot make the module read and send any other file.
        private static async Task<string> ReadArcKeyAsync(HttpResult challenge, IReadOnlyDictionary<string, string?> environment, TimeSpan timeout, CancellationToken cancellationToken)
        {
            string? realm = null;
            foreach (var value in challenge.Headers.WwwAuthenticate)
            {
                if (string.Equals(value.Scheme, "Basic", StringComparison.OrdinalIgnoreCase) && value.Parameter != null)
                {
                    var parameter = value.Parameter.Trim();
                    realm = parameter.StartsWith("realm=", StringComparison.OrdinalIgnoreCase) ? parameter.Substring("realm=".Length).Trim('"') : null;
                }
            }

            var source = ManagedIdentitySource.AzureArc.ToString();
            if (realm == null)
            {
                throw new IdTokenUnavailableException(source, $"{challenge.Endpoint} answered 401 without naming a key file (WWW-Authenticate: Basic realm=<file>), as the Azure Arc agent does.", 401);
            }

            var folder = ArcTokenFolder(environment)
                ?? throw new IdTokenUnavailableException(source, "Azure Arc keeps its identity keys on Windows and Linux only; this platform has no key folder.", 401);
            string path;
            try
            {
                path = Path.GetFullPath(realm);
            }
            catch (Exception e) when (e is ArgumentException || e is NotSupportedException || e is PathTooLongException)
            {
                throw new IdTokenUnavailableException(source, $"{challenge.Endpoint} named a key file that is not a path; only a .key file in {folder} is read.", 401);
            }

            var comparison = RuntimeInformation.IsOSPlatform(OSPlatform.Windows) ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal;
            if (!string.Equals(Path.GetDirectoryName(path), folder.TrimEnd(Path.DirectorySeparatorChar), comparison)
                || !string.Equals(Path.GetExtension(path), ".key", StringComparison.OrdinalIgnoreCase)
                || !string.Equals(path, realm, comparison))
            {
                throw new IdTokenUnavailableException(source, $"{challenge.Endpoint} named the key file {MessageText.Quote(realm)}; only a .key file directly in {folder} is read, so this is not the Azure Arc agent's challenge.", 401);
            }

            string? key;
            try
            {
                key = await LocalFile.ReadTextAsync(path, MaximumArcKeyBytes, timeout, cancellationToken).ConfigureAwait(false);
            }
            catch (UnusableInputException e) when (e.InnerException is UnauthorizedAccessException)
            {
                var who = RuntimeInformation.IsOSPlatform(OSPlatform.Windows)
                    ? "run as an administrator or as a member of the 'Hybrid Agent Extension Applications' group"
                    : "run as root or as a member of the 'himds' group";
                throw new IdTokenUnavailableException(source, $"The Azure Arc key file {path} cannot be read by this account: {who}.", 401);
            }
            catch (UnusableInputException e)
            {
                throw new IdTokenUnavailableException(source, $"The Azure Arc key file cannot be used: {e.Message}.", 401);
            }

            return EnvironmentVariables.Present(key)
                ?? throw new IdTokenUnavailableException(source, $"The Azure Arc key file {path} is missing or empty.", 401);
        }

        private static string? ArcTokenFolder(IReadOnlyDictionary<string, string?> environment)
        {
            if (RuntimeInformation.IsOSPlatform(OSPlatform.Windows))
            {
                var programData = EnvironmentVariables.Get(environment, "ProgramData");
                return programData == null ? null : Path.Combine(programData, "AzureConnectedMachineAgent", "Tokens");
            }

            return RuntimeInformation.IsOSPlatform(OSPlatform.Linux) ? "/var/opt/azcmagent/tokens" : null;
        }

        private static IdTokenUnavailableException Refused(ManagedIdentityEndpoint endpoint, ManagedIdentityId identity, HttpResult result, SecretRedactor redactor)
        {
            var error = RemoteError.Read(result, redactor);
            var words = error.Code == null ? error.RawMessage : $"{error.Code}: {error.Description}";
            var what = result.StatusCode == 400 && identity.Kind != ManagedIdentityIdKind.SystemAssigned
                ? $"{endpoint.Source} does not know {identity}: check -ClientId, -ObjectId or -ResourceId against the identities assigned to this resource"
                : result.StatusCode == 400 && (words.IndexOf("identity not found", StringComparison.OrdinalIgnoreCase) >= 0)
                    ? $"{endpoint.Source} found no system-assigned identity: enable it, or name a user-assigned one with -ClientId, -ObjectId or -ResourceId"
                    : $"{endpoint.Source} did not issue a token for {identity} (HTTP {result.StatusCode})";
            return new IdTokenUnavailableException(endpoint.Source.ToString(), $"{what} ({words})", result.StatusCode) { Endpoint = result.Endpoint, Attempts = result.Attempts };
        }
    }
}
