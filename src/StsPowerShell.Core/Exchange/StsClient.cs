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

            if (ClientAuthentication?.Method == ClientAuthenticationMethod.Basic && request.AdditionalHeaders.ContainsKey("Authorization"))
            {
                throw new ArgumentException("An Authorization header cannot be given together with HTTP Basic client authentication.", TokenExchangeField.AdditionalHeaderName);
            }

            var body = TokenExchangeFormBody.Encode(request, ClientAuthentication);
            options.Logger?.Verbose($"Token exchange at {TokenEndpoint.GetLeftPart(UriPartial.Path)}: {request.Describe()}, {(ClientAuthentication == null ? "no client authentication" : $"client {ClientAuthentication.ClientId} by {ClientAuthentication.Method}")}");

            var result = await HttpSender.SendAsync(() => CreateHttpRequest(request, body), options, cancellationToken).ConfigureAwait(false);
            if (!result.IsSuccess)
            {
                // Built only on failure: it encodes every secret several ways. Header values count as secrets (an
                // API key, say); the Basic Authorization value is found as Base64 of the client secret's pair.
                throw StsOAuthException.FromResponse(result, new SecretRedactor(request.Secrets().Concat(request.AdditionalHeaders.Values).Append(ClientAuthentication?.ClientSecret).ToArray()));
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

            // Constant, well-formed values: stored as text and written as they are, not parsed into header objects.
            message.Content.Headers.TryAddWithoutValidation("Content-Type", "application/x-www-form-urlencoded");
            message.Headers.TryAddWithoutValidation("Accept", "application/json");
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
    }
}
