using System;
using System.Linq;
using System.Net.Http;
using System.Net.Http.Headers;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using StsPowerShell.Core.Http;

namespace StsPowerShell.Core.Exchange
{
    /// <summary>An RFC 8693 token exchange client for one token endpoint.</summary>
    public sealed class StsClient
    {
        private readonly StsHttpOptions options;

        /// <summary>Creates a client for <paramref name="tokenEndpoint"/>.</summary>
        /// <exception cref="ArgumentException">The endpoint is neither https nor http on loopback.</exception>
        public StsClient(Uri tokenEndpoint, ClientAuthentication? clientAuthentication = null, StsHttpOptions? options = null)
        {
            EndpointPolicy.Validate(tokenEndpoint, nameof(tokenEndpoint));
            TokenEndpoint = tokenEndpoint;
            ClientAuthentication = clientAuthentication;
            this.options = options ?? new StsHttpOptions();
        }

        /// <summary>The token endpoint.</summary>
        public Uri TokenEndpoint { get; }

        /// <summary>The client credentials, if any.</summary>
        public ClientAuthentication? ClientAuthentication { get; }

        /// <summary>Sends the exchange and returns the issued token.</summary>
        /// <exception cref="ArgumentException">The request is malformed; nothing was sent.</exception>
        /// <exception cref="StsOAuthException">The server refused the request.</exception>
        /// <exception cref="StsException">The call timed out, failed to connect, or the answer was unusable.</exception>
        public async Task<TokenExchangeResponse> ExchangeTokenAsync(TokenExchangeRequest request, CancellationToken cancellationToken = default)
        {
            if (request == null)
            {
                throw new ArgumentNullException(nameof(request));
            }

            request.Validate();
            if (ClientAuthentication?.Method == ClientAuthenticationMethod.Basic && request.AdditionalHeaders.ContainsKey("Authorization"))
            {
                throw new ArgumentException("An Authorization header cannot be given together with HTTP Basic client authentication.", nameof(TokenExchangeRequest.AdditionalHeaders));
            }

            var body = Encoding.UTF8.GetBytes(TokenExchangeFormBody.Encode(request, ClientAuthentication));
            options.Logger?.Verbose(Describe(request));

            var result = await HttpSender.SendAsync(() => CreateHttpRequest(request, body), options, cancellationToken).ConfigureAwait(false);
            if (!result.IsSuccess)
            {
                // Built only on failure: it encodes every secret several ways.
                throw StsOAuthException.FromResponse(result, new SecretRedactor(request.SubjectToken, request.ActorToken, ClientAuthentication?.ClientSecret));
            }

            var response = TokenExchangeResponse.Parse(result);
            options.Logger?.Verbose($"Received {response.IssuedTokenType ?? "a token"} ({response.TokenType ?? "no token_type"}), expires {(response.ExpiresOn.HasValue ? response.ExpiresOn.Value.ToString("u", System.Globalization.CultureInfo.InvariantCulture) : "at an unstated time")}{(string.IsNullOrEmpty(response.Scope) ? string.Empty : ", scope " + response.Scope)}");
            return response;
        }

        private HttpRequestMessage CreateHttpRequest(TokenExchangeRequest request, byte[] body)
        {
            var message = new HttpRequestMessage(HttpMethod.Post, TokenEndpoint)
            {
                Content = new ByteArrayContent(body),
            };
            message.Content.Headers.ContentType = new MediaTypeHeaderValue("application/x-www-form-urlencoded");
            message.Headers.Accept.ParseAdd("application/json");
            if (ClientAuthentication?.Method == ClientAuthenticationMethod.Basic)
            {
                // RFC 6749 §2.3.1: id and secret are form-url-encoded before they are joined and Base64-encoded.
                var pair = FormUrlEncoding.Encode(ClientAuthentication.ClientId) + ":" + FormUrlEncoding.Encode(ClientAuthentication.ClientSecret ?? string.Empty);
                message.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(pair)));
            }

            foreach (var header in request.AdditionalHeaders)
            {
                message.Headers.TryAddWithoutValidation(header.Key, header.Value);
            }

            return message;
        }

        // Names fields and their public values; tokens and secrets appear only as lengths.
        private string Describe(TokenExchangeRequest request)
        {
            var text = new StringBuilder($"Token exchange at {TokenEndpoint.GetLeftPart(UriPartial.Path)}: subject_token_type {request.SubjectTokenType}, subject_token of {request.SubjectToken!.Length} characters");
            if (!string.IsNullOrEmpty(request.ActorToken))
            {
                text.Append($", actor_token_type {request.ActorTokenType}, actor_token of {request.ActorToken!.Length} characters");
            }

            if (request.Audiences.Count > 0)
            {
                text.Append(", audience ").Append(string.Join(", ", request.Audiences));
            }

            if (request.Resources.Count > 0)
            {
                text.Append(", resource ").Append(string.Join(", ", request.Resources));
            }

            if (request.Scopes.Count > 0)
            {
                text.Append(", scope ").Append(string.Join(" ", request.Scopes));
            }

            if (!string.IsNullOrEmpty(request.RequestedTokenType))
            {
                text.Append(", requested_token_type ").Append(request.RequestedTokenType);
            }

            if (!string.IsNullOrEmpty(request.Options))
            {
                text.Append($", options of {request.Options!.Length} characters");
            }

            if (request.AdditionalHeaders.Count > 0)
            {
                text.Append(", headers ").Append(string.Join(", ", request.AdditionalHeaders.Keys.OrderBy(k => k, StringComparer.OrdinalIgnoreCase)));
            }

            text.Append(ClientAuthentication == null ? ", no client authentication" : $", client {ClientAuthentication.ClientId} by {ClientAuthentication.Method}");
            return text.ToString();
        }
    }
}
