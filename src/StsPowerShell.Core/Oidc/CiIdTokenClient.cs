using System;
using System.Net.Http;
using System.Net.Http.Headers;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using StsPowerShell.Core.Http;

namespace StsPowerShell.Core.Oidc
{
    /// <summary>Sends a CI system's token request and reads the one JSON field that holds the JWT.</summary>
    internal static class CiIdTokenClient
    {
        public static async Task<OidcToken> RequestAsync(
            string source, HttpMethod method, Uri uri, string bearerToken, string tokenField, Func<int, string> explainStatus,
            StsHttpOptions options, CancellationToken cancellationToken, Action<HttpRequestMessage>? decorate = null)
        {
            var result = await HttpSender.SendAsync(() =>
            {
                var request = new HttpRequestMessage(method, uri);
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", bearerToken);
                request.Headers.Accept.ParseAdd("application/json");
                decorate?.Invoke(request);
                return request;
            }, options, cancellationToken).ConfigureAwait(false);

            if (!result.IsSuccess)
            {
                var error = RemoteError.Read(result, new SecretRedactor(bearerToken));
                var detail = error.Code == null ? error.RawMessage : $"{error.Code}: {error.Description}";
                throw new IdTokenUnavailableException(source, $"{explainStatus(result.StatusCode)} ({detail})", result.StatusCode) { Endpoint = result.Endpoint, Attempts = result.Attempts };
            }

            string? token = null;
            try
            {
                using var document = JsonText.Parse(result.Body);
                if (document.RootElement.ValueKind == JsonValueKind.Object && document.RootElement.TryGetProperty(tokenField, out var value) && value.ValueKind == JsonValueKind.String)
                {
                    token = value.GetString();
                }
            }
            catch (JsonException)
            {
                // Reported below without quoting the body, which may hold a token.
            }

            if (string.IsNullOrEmpty(token))
            {
                throw new IdTokenUnavailableException(source, $"{result.Endpoint} answered without a '{tokenField}' string in a JSON object ({result.MediaType ?? "no content type"}, {result.Body.Length} characters).", result.StatusCode);
            }

            try
            {
                return new OidcToken(token!, source);
            }
            catch (UnusableInputException e)
            {
                throw new IdTokenUnavailableException(source, $"{result.Endpoint} answered with a '{tokenField}' that is not a JWT: {e.Message}", result.StatusCode);
            }
        }
    }
}
