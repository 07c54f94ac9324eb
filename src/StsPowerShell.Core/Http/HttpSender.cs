using System;
using System.Buffers;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Net;
using System.Net.Http;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using StsPowerShell.Core.Http.Proxies;

namespace StsPowerShell.Core.Http
{
    /// <summary>
    /// Sends one logical request through the shared client: a timeout per attempt, bounded retries on
    /// transient failures, a capped response size, no redirects, and the caller's cancellation all the way
    /// into SendAsync.
    /// </summary>
    public static class HttpSender
    {
        private const int ProxyAuthenticationRequired = 407;

        /// <summary>Sends the request <paramref name="createRequest"/> builds (once per attempt) and reads the answer.</summary>
        /// <exception cref="StsTimeoutException">An attempt outlived the timeout.</exception>
        /// <exception cref="StsConnectionException">Every attempt failed to connect or broke off.</exception>
        /// <exception cref="StsResponseException">The answer was a redirect or too large.</exception>
        /// <exception cref="ProxyAuthenticationException">The proxy answered 407.</exception>
        /// <exception cref="ProxyConfigurationException">A proxy variable cannot be used.</exception>
        /// <exception cref="OperationCanceledException">The caller cancelled.</exception>
        public static async Task<HttpResult> SendAsync(Func<HttpRequestMessage> createRequest, StsHttpOptions options, CancellationToken cancellationToken)
        {
            var totalAttempts = options.Retry.MaximumRetryCount + 1;
            Uri? endpoint = null;
            ProxyRoute? route = null;
            HttpClient? client = null;
            for (var attempt = 1; ; attempt++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                using var request = createRequest();
                endpoint ??= EndpointPolicy.DisplayUri(request.RequestUri!);
                route ??= ProxySelector.Select(request.RequestUri!, options.Proxy, options.LocalIdentityEndpoint);
                client ??= SharedHttpClient.For(route, options.ServerCertificateThumbprint, options.ClientCertificate);

                request.Headers.TryAddWithoutValidation("User-Agent", SharedHttpClient.UserAgent);
                options.Logger?.Verbose($"{request.Method} {endpoint} {route} (attempt {attempt} of {totalAttempts}, timeout {options.Timeout.TotalSeconds:0.###} s)");
                var started = options.Logger == null ? 0 : Stopwatch.GetTimestamp();
                using var attemptCancellation = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                attemptCancellation.CancelAfter(options.Timeout);
                try
                {
                    using var response = await client
                        .SendAsync(request, HttpCompletionOption.ResponseHeadersRead, attemptCancellation.Token)
                        .ConfigureAwait(false);
                    var status = (int)response.StatusCode;
                    // Through a tunnel (https) a 407 answer can only be the server's own; for plain http it is the proxy's
                    // when the proxy says how to authenticate.
                    if (status == ProxyAuthenticationRequired && route.MayUseProxy && request.RequestUri!.Scheme == Uri.UriSchemeHttp && response.Headers.ProxyAuthenticate.Count > 0)
                    {
                        throw ProxyRefused(route, endpoint, attempt, null);
                    }

                    if (status >= 300 && status < 400)
                    {
                        throw new StsResponseException(
                            $"{endpoint} answered HTTP {status} redirecting to {RedirectTarget(response.Headers.Location)}; redirects are not followed, so credentials never go to another address.",
                            status) { Endpoint = endpoint, Attempts = attempt };
                    }

                    var body = await ReadBoundedAsync(response, endpoint, options.MaximumResponseBytes, attempt, attemptCancellation.Token).ConfigureAwait(false);
                    options.Logger?.Debug($"{endpoint} answered HTTP {status} with {body.Length} characters in {(Stopwatch.GetTimestamp() - started) * 1000 / Stopwatch.Frequency} ms");
                    if (options.Retry.RetryOnStatus(status) && attempt < totalAttempts)
                    {
                        var delay = options.Retry.ComputeDelay(attempt, response.Headers.RetryAfter, options.Clock(), options.Timeout);
                        options.Logger?.Verbose($"{endpoint} answered HTTP {status}; retrying in {delay.TotalSeconds:0.###} s");
                        await options.Retry.DelayAsync(delay, cancellationToken).ConfigureAwait(false);
                        continue;
                    }

                    return new HttpResult(endpoint, status, response.ReasonPhrase ?? string.Empty, response.Content.Headers, body, response.Headers, options.Clock(), attempt);
                }
                catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
                {
                    throw;
                }
                catch (OperationCanceledException e)
                {
                    throw new StsTimeoutException($"{endpoint}{Via(route)} did not answer within {options.Timeout.TotalSeconds:0.###} s (attempt {attempt} of {totalAttempts}).", options.Timeout, e) { Endpoint = endpoint, Attempts = attempt };
                }
                catch (HttpRequestException e) when (route.MayUseProxy && IsProxyAuthenticationRequired(e))
                {
                    throw ProxyRefused(route, endpoint, attempt, e);
                }
                catch (HttpRequestException e) when (IsTlsFailure(e))
                {
                    // An untrusted, expired or mismatched certificate, or a refused client certificate, fails the same
                    // way on every attempt.
                    throw new StsConnectionException($"The TLS handshake with {endpoint}{Via(route)} failed, so nothing was sent: {Describe(e)}", e) { Endpoint = endpoint, Attempts = attempt };
                }
                catch (Exception e) when (e is HttpRequestException || e is IOException)
                {
                    if (attempt >= totalAttempts)
                    {
                        throw new StsConnectionException($"Could not complete a request to {endpoint}{Via(route)} after {attempt} attempt(s): {Describe(e)}", e) { Endpoint = endpoint, Attempts = attempt };
                    }

                    var delay = options.Retry.ComputeDelay(attempt, null, options.Clock(), options.Timeout);
                    options.Logger?.Verbose($"Connection to {endpoint} failed ({Describe(e)}); retrying in {delay.TotalSeconds:0.###} s");
                    await options.Retry.DelayAsync(delay, cancellationToken).ConfigureAwait(false);
                }
            }
        }

        // How the request went, for failure messages: nothing when it went directly.
        private static string Via(ProxyRoute route) => route.Kind == ProxyRouteKind.Direct ? string.Empty : " " + route;

        private static ProxyAuthenticationException ProxyRefused(ProxyRoute route, Uri endpoint, int attempt, Exception? innerException)
        {
            var proxy = route.Kind == ProxyRouteKind.Proxy ? $"The proxy {ProxyAddress.Display(route.Proxy!)} ({route.Reason})" : "The system's proxy";
            var sent = route.UseDefaultCredentials ? "the account's own credentials were refused"
                : route.Credential != null ? "the credentials given were refused" : "no credentials were sent";
            return new ProxyAuthenticationException(
                $"{proxy} answered 407 Proxy Authentication Required for {endpoint}: {sent}. Give the proxy's user name and password with -ProxyCredential " +
                "(or in the proxy URL), use -ProxyUseDefaultCredentials for Windows integrated authentication, or connect directly with -NoProxy.",
                route,
                innerException) { Endpoint = endpoint, Attempts = attempt };
        }

        // A refused tunnel (CONNECT) surfaces as an exception, not a response: .NET 5+ may carry the status on the
        // exception, .NET Framework on an inner WebException's response, and SocketsHttpHandler names it in its message.
        private static bool IsProxyAuthenticationRequired(HttpRequestException error)
        {
            for (Exception? e = error; e != null; e = e.InnerException)
            {
                var status = e.GetType().GetProperty("StatusCode")?.GetValue(e) as HttpStatusCode?;
                if (status == (HttpStatusCode)ProxyAuthenticationRequired
                    || (e is WebException web && web.Response is HttpWebResponse response && (int)response.StatusCode == ProxyAuthenticationRequired))
                {
                    return true;
                }
            }

            return error.Message.IndexOf("'407'", StringComparison.Ordinal) >= 0 || error.Message.IndexOf(" 407 ", StringComparison.Ordinal) >= 0;
        }

        // SocketsHttpHandler reports a failed handshake as an AuthenticationException inside; .NET Framework as a
        // WebException whose status is TrustFailure or SecureChannelFailure.
        private static bool IsTlsFailure(HttpRequestException error)
        {
            for (Exception? e = error; e != null; e = e.InnerException)
            {
                if (e is System.Security.Authentication.AuthenticationException
                    || (e is WebException web && (web.Status == WebExceptionStatus.TrustFailure || web.Status == WebExceptionStatus.SecureChannelFailure)))
                {
                    return true;
                }
            }

            return false;
        }

        private static async Task<string> ReadBoundedAsync(HttpResponseMessage response, Uri endpoint, int maximumBytes, int attempt, CancellationToken cancellationToken)
        {
            // No Accept-Encoding is sent, so an encoded body is one nobody asked for: it is refused unread rather than
            // parsed as text (or decompressed, where a corrupt stream would surface as an untyped error).
            var encodings = response.Content.Headers.ContentEncoding;
            if (encodings.Count > 0 && !(encodings.Count == 1 && string.Equals(encodings.First(), "identity", StringComparison.OrdinalIgnoreCase)))
            {
                throw new StsResponseException($"{endpoint} sent a body with Content-Encoding {ServerText.Escape(string.Join(", ", encodings), 64)}, which was not asked for; it was not read.", (int)response.StatusCode)
                { Endpoint = endpoint, Attempts = attempt };
            }

            var declared = response.Content.Headers.ContentLength;
            if (declared > maximumBytes)
            {
                throw TooLarge(endpoint, (int)response.StatusCode, $"declared {declared} bytes, more", maximumBytes, attempt);
            }

            using var stream = await response.Content.ReadAsStreamAsync().ConfigureAwait(false);

            // .NET Framework's response stream may not honour the token: disposing the stream when it fires ends any
            // read, so the timeout and Ctrl+C bound the body as they bound the headers, on every runtime.
            using var abort = cancellationToken.Register(() => stream.Dispose());

            // Token answers are small: read into one pooled buffer sized by Content-Length, growing only when the
            // server did not say, and never past the limit.
            var buffer = ArrayPool<byte>.Shared.Rent((int)Math.Min(declared ?? 4096, maximumBytes) + 1);
            try
            {
                var length = 0;
                int read;
                while ((read = await stream.ReadAsync(buffer, length, buffer.Length - length, cancellationToken).ConfigureAwait(false)) > 0)
                {
                    length += read;
                    if (length > maximumBytes)
                    {
                        throw TooLarge(endpoint, (int)response.StatusCode, "sent more", maximumBytes, attempt);
                    }

                    if (length == buffer.Length)
                    {
                        var larger = ArrayPool<byte>.Shared.Rent(Math.Min(buffer.Length * 2, maximumBytes + 1));
                        Buffer.BlockCopy(buffer, 0, larger, 0, length);
                        ArrayPool<byte>.Shared.Return(buffer);
                        buffer = larger;
                    }
                }

                // A UTF-8 byte order mark says how the body is encoded; it is not part of the text (JSON parsers refuse it).
                var start = length >= 3 && buffer[0] == 0xEF && buffer[1] == 0xBB && buffer[2] == 0xBF ? 3 : 0;
                return Encoding.UTF8.GetString(buffer, start, length - start);
            }
            catch (Exception e) when ((e is ObjectDisposedException || e is IOException) && cancellationToken.IsCancellationRequested)
            {
                throw new OperationCanceledException(cancellationToken);
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }
        }

        // The server's reason phrase and a redirect's path and query are its own text, which may echo what it was
        // sent: a message names only where it redirects to.
        private static string RedirectTarget(Uri? location) =>
            location == null ? "nowhere" : location.IsAbsoluteUri ? location.GetLeftPart(UriPartial.Authority) : "a relative location";

        private static StsResponseException TooLarge(Uri endpoint, int status, string what, int maximumBytes, int attempt) =>
            new StsResponseException($"{endpoint} {what} than the {maximumBytes}-byte limit for a response; the rest was not read.", status)
            { Endpoint = endpoint, Attempts = attempt };

        // The innermost message names the socket error; none of these carry request content.
        private static string Describe(Exception e)
        {
            var inner = e;
            while (inner.InnerException != null)
            {
                inner = inner.InnerException;
            }

            return inner == e ? e.Message : $"{e.Message} ({inner.Message})";
        }
    }
}
