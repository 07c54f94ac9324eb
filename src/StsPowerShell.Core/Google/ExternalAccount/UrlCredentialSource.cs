using System;
using System.Collections.Generic;
using System.Linq;
using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;
using StsPowerShell.Core.Http;

namespace StsPowerShell.Core.Google
{
    /// <summary>credential_source.url: a token served by a local endpoint (Azure instance metadata, a sidecar).</summary>
    public sealed class UrlCredentialSource : CredentialSource
    {
        private readonly SubjectTokenFormat format;

        private UrlCredentialSource(Uri url, IReadOnlyDictionary<string, string> headers, SubjectTokenFormat format)
        {
            Url = url;
            Headers = headers;
            this.format = format;
        }

        /// <inheritdoc />
        public override string Kind => "url";

        /// <summary>The token URL (https, loopback, or http to a link-local metadata address).</summary>
        public Uri Url { get; }

        /// <summary>Headers sent with the request; values may be secrets and are never logged.</summary>
        public IReadOnlyDictionary<string, string> Headers { get; }

        /// <inheritdoc />
        public override async Task<string> GetSubjectTokenAsync(SubjectTokenContext context, CancellationToken cancellationToken)
        {
            HttpResult result;
            try
            {
                result = await HttpSender.SendAsync(() =>
                {
                    var request = new HttpRequestMessage(HttpMethod.Get, Url);
                    foreach (var header in Headers)
                    {
                        request.Headers.TryAddWithoutValidation(header.Key, header.Value);
                    }

                    return request;
                }, context.HttpOptions, cancellationToken).ConfigureAwait(false);
            }
            catch (StsException e) when (!(e is Http.Proxies.ProxyException))
            {
                // A proxy failure concerns every request of the call, not this source: it passes as it is.
                throw new SubjectTokenSourceException(Kind, e.Message);
            }

            if (!result.IsSuccess)
            {
                var error = RemoteError.Read(result, new SecretRedactor(Headers.Values.ToArray()));
                throw new SubjectTokenSourceException(Kind, error.Code == null ? error.RawMessage : $"{EndpointPolicy.Display(Url)} answered {error.Code}: {error.Description}");
            }

            return format.Extract(result.Body, Kind, "the answer of " + EndpointPolicy.Display(Url));
        }

        internal static UrlCredentialSource Parse(JsonFields source) =>
            new UrlCredentialSource(source.Url("url", allowMetadataHttp: true), source.StringMap("headers"), SubjectTokenFormat.Read(source));
    }
}
