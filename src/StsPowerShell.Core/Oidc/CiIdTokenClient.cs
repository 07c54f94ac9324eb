using System;
using System.Net.Http;
using System.Net.Http.Headers;
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

            return OidcToken.FromResponse(result, source, tokenField);
        }
    }
}
