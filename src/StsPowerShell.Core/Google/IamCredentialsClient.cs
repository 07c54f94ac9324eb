using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Net.Http;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using StsPowerShell.Core.Exchange;
using StsPowerShell.Core.Http;
using StsPowerShell.Core.Oidc;

namespace StsPowerShell.Core.Google
{
    /// <summary>
    /// Service-account impersonation through the IAM Credentials API: generateAccessToken and generateIdToken,
    /// authorized by a (federated) Google access token.
    /// </summary>
    public sealed class IamCredentialsClient
    {
        /// <summary>The IAM Credentials API in the googleapis.com universe.</summary>
        public const string DefaultEndpoint = "https://iamcredentials.googleapis.com";

        /// <summary>The IAM Credentials API for mutual TLS: where a token from an X.509 exchange is used, with the same certificate.</summary>
        public const string DefaultMtlsEndpoint = "https://iamcredentials.mtls.googleapis.com";

        /// <summary>The endpoint to use when none is given: the mTLS one for a token bound to a client certificate.</summary>
        public static Uri DefaultEndpointFor(bool mutualTls) => new Uri(mutualTls ? DefaultMtlsEndpoint : DefaultEndpoint);

        /// <summary>The longest access token lifetime the API grants (with the org policy that allows more than 1 h).</summary>
        public static readonly TimeSpan MaximumLifetime = TimeSpan.FromHours(12);

        private static readonly string[] ImpersonationScopes = { GoogleSts.CloudPlatformScope, "https://www.googleapis.com/auth/iam" };

        /// <summary>
        /// What to tell a person whose federated token's scope (<paramref name="federatedScope"/>, space-separated)
        /// cannot call this API; null when it can or is unknown.
        /// </summary>
        public static string? ScopeWarning(string? federatedScope)
        {
            if (string.IsNullOrWhiteSpace(federatedScope))
            {
                return null;
            }

            var scopes = federatedScope!.Split(new[] { ' ' }, StringSplitOptions.RemoveEmptyEntries);
            return scopes.Any(s => ImpersonationScopes.Contains(s))
                ? null
                : $"The federated token's scope is '{federatedScope}'; the IAM Credentials API needs {string.Join(" or ", ImpersonationScopes)}, so expect PERMISSION_DENIED. Exchange with -Scope {GoogleSts.CloudPlatformScope}.";
        }

        private readonly Uri endpoint;
        private readonly StsHttpOptions options;

        /// <summary>Creates a client for <paramref name="endpoint"/> (https, or http to loopback).</summary>
        public IamCredentialsClient(Uri endpoint, StsHttpOptions? options = null)
        {
            EndpointPolicy.Validate(endpoint, nameof(endpoint));
            this.endpoint = endpoint;
            this.options = options ?? new StsHttpOptions();
        }

        /// <summary>An OAuth access token for <paramref name="serviceAccount"/>.</summary>
        /// <exception cref="ArgumentException">A parameter is malformed; nothing was sent.</exception>
        /// <exception cref="GoogleApiException">The API refused.</exception>
        public async Task<IssuedToken> GenerateAccessTokenAsync(
            string bearerToken, string serviceAccount, IReadOnlyList<string> scopes, TimeSpan? lifetime, IReadOnlyList<string> delegates, CancellationToken cancellationToken = default)
        {
            CheckServiceAccount(serviceAccount, "ServiceAccount");
            scopes = scopes.Where(s => !string.IsNullOrWhiteSpace(s)).Select(s => GoogleScopes.Expand(s.Trim())).ToArray();
            if (scopes.Count == 0 || scopes.Any(string.IsNullOrWhiteSpace))
            {
                throw new ArgumentException("At least one scope is required, and none may be empty.", "Scope");
            }

            if (lifetime is TimeSpan span && (span < TimeSpan.FromSeconds(1) || span > MaximumLifetime || span.Ticks % TimeSpan.TicksPerSecond != 0))
            {
                throw new ArgumentException($"The lifetime must be whole seconds from 1 s to {MaximumLifetime.TotalHours} h; more than 1 h needs the constraints/iam.allowServiceAccountCredentialLifetimeExtension org policy.", "Lifetime");
            }

            var body = Json(writer =>
            {
                WriteArray(writer, "delegates", delegates.Select(DelegateName));
                WriteArray(writer, "scope", scopes);
                if (lifetime is TimeSpan value)
                {
                    writer.WriteString("lifetime", ((long)value.TotalSeconds).ToString(CultureInfo.InvariantCulture) + "s");
                }
            });
            var result = await PostAsync(serviceAccount, "generateAccessToken", bearerToken, body, cancellationToken).ConfigureAwait(false);
            var accessToken = ReadString(result, "accessToken");
            var expireTime = ReadString(result, "expireTime");
            if (!DateTimeOffset.TryParse(expireTime, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var expiresOn))
            {
                throw Malformed(result, "its expireTime is not a timestamp");
            }

            options.Logger?.Verbose($"Received an access token for {serviceAccount}, expires {expiresOn.ToString("u", CultureInfo.InvariantCulture)}.");
            return new IssuedToken(accessToken, TokenTypes.AccessToken, "Bearer", expiresOn, string.Join(" ", scopes), endpoint);
        }

        /// <summary>An OIDC ID token for <paramref name="serviceAccount"/> with audience <paramref name="audience"/>.</summary>
        /// <exception cref="ArgumentException">A parameter is malformed; nothing was sent.</exception>
        /// <exception cref="GoogleApiException">The API refused.</exception>
        public async Task<IssuedToken> GenerateIdTokenAsync(
            string bearerToken, string serviceAccount, string audience, bool includeEmail, IReadOnlyList<string> delegates, CancellationToken cancellationToken = default)
        {
            CheckServiceAccount(serviceAccount, "ServiceAccount");
            if (string.IsNullOrWhiteSpace(audience))
            {
                throw new ArgumentException("An audience is required: the URL or client id of the service that will receive the ID token.", "Audience");
            }

            var body = Json(writer =>
            {
                WriteArray(writer, "delegates", delegates.Select(DelegateName));
                writer.WriteString("audience", audience);
                writer.WriteBoolean("includeEmail", includeEmail);
            });
            var result = await PostAsync(serviceAccount, "generateIdToken", bearerToken, body, cancellationToken).ConfigureAwait(false);
            var token = ReadString(result, "token");
            DateTimeOffset? expiresOn;
            try
            {
                expiresOn = JwtClaims.Decode(token).ExpiresOn;
            }
            catch (UnusableInputException)
            {
                throw Malformed(result, "its token is not a JWT");
            }

            options.Logger?.Verbose($"Received an ID token for {serviceAccount} with audience {audience}.");
            return new IssuedToken(token, TokenTypes.IdToken, "N_A", expiresOn, null, endpoint);
        }

        private async Task<HttpResult> PostAsync(string serviceAccount, string method, string bearerToken, byte[] body, CancellationToken cancellationToken)
        {
            var uri = new Uri(endpoint.ToString().TrimEnd('/') + "/v1/projects/-/serviceAccounts/" + Uri.EscapeDataString(serviceAccount) + ":" + method);
            options.Logger?.Verbose($"POST {EndpointPolicy.Display(uri)}");
            var result = await HttpSender.SendAsync(() =>
            {
                var request = new HttpRequestMessage(HttpMethod.Post, uri) { Content = new ByteArrayContent(body) };
                request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", bearerToken);
                return request;
            }, options, cancellationToken).ConfigureAwait(false);

            if (!result.IsSuccess)
            {
                throw GoogleApiException.FromResponse(result, new SecretRedactor(bearerToken), Hint(result.StatusCode, serviceAccount));
            }

            return result;
        }

        private static string? Hint(int status, string serviceAccount) => status switch
        {
            401 => "The federated token was not accepted: it must be a current Google access token.",
            403 => $"The federated principal needs roles/iam.workloadIdentityUser (or roles/iam.serviceAccountTokenCreator) on {serviceAccount}, and the federated token needs the cloud-platform or iam scope.",
            _ => null,
        };

        internal static void CheckServiceAccount(string serviceAccount, string parameterName)
        {
            if (string.IsNullOrWhiteSpace(serviceAccount) || (serviceAccount.IndexOf('@') <= 0 && !serviceAccount.All(char.IsDigit)))
            {
                throw new ArgumentException($"{MessageText.Quote(serviceAccount)} is not a service account: expected its email (name@project.iam.gserviceaccount.com) or unique id.", parameterName);
            }
        }

        private static string DelegateName(string serviceAccount)
        {
            CheckServiceAccount(serviceAccount, "Delegate");
            return "projects/-/serviceAccounts/" + serviceAccount;
        }

        private static byte[] Json(Action<Utf8JsonWriter> write)
        {
            using var stream = new MemoryStream();
            using (var writer = new Utf8JsonWriter(stream))
            {
                writer.WriteStartObject();
                write(writer);
                writer.WriteEndObject();
            }

            return stream.ToArray();
        }

        private static void WriteArray(Utf8JsonWriter writer, string name, IEnumerable<string> values)
        {
            var list = values.ToList();
            if (list.Count == 0)
            {
                return;
            }

            writer.WriteStartArray(name);
            foreach (var value in list)
            {
                writer.WriteStringValue(value);
            }

            writer.WriteEndArray();
        }

        private static string ReadString(HttpResult result, string name)
        {
            try
            {
                using var document = JsonText.Parse(result.Body);
                if (document.RootElement.ValueKind == JsonValueKind.Object && document.RootElement.TryGetProperty(name, out var value)
                    && value.ValueKind == JsonValueKind.String && !string.IsNullOrEmpty(value.GetString()))
                {
                    return value.GetString()!;
                }
            }
            catch (JsonException)
            {
                throw Malformed(result, "it is not JSON");
            }

            throw Malformed(result, $"it has no {name}");
        }

        private static StsResponseException Malformed(HttpResult result, string what) =>
            new StsResponseException($"The answer of {result.Endpoint} is unusable: {what}.", result.StatusCode) { Endpoint = result.Endpoint, Attempts = result.Attempts };
    }
}
