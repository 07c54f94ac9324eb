using System.Threading.Tasks;
using System.Threading;
using System;
using System.Collections.Generic;
using System.Globalization;
using System.Text;
using StsPowerShell.Core.Exchange;
using StsPowerShell.Core.Http;

namespace StsPowerShell.Core.Aws
{
    /// <summary>
    /// The serialized, signed AWS GetCallerIdentity request Google's STS takes as an
    /// <c>urn:ietf:params:aws:token-type:aws4_request</c> subject token.
    /// </summary>
    public sealed class CallerIdentityToken
    {
        /// <summary>The query of a GetCallerIdentity call.</summary>
        public const string GetCallerIdentityQuery = "Action=GetCallerIdentity&Version=2011-06-15";

        /// <summary>The header that binds the token to one workload identity pool provider.</summary>
        public const string TargetResourceHeader = "x-goog-cloud-target-resource";

        private CallerIdentityToken(string token, string url, string region, string audience, DateTimeOffset signingTime, AwsCredentials credentials)
        {
            Token = token;
            Url = url;
            Region = region;
            Audience = audience;
            SigningTime = signingTime;
            AccessKeyId = credentials.AccessKeyId;
            CredentialSource = credentials.Source;
        }

        /// <summary>The subject token: the URL-encoded JSON request. A secret: it carries a session token.</summary>
        public string Token { get; }

        /// <summary>The token type.</summary>
        public string TokenType => TokenTypes.Aws4Request;

        /// <summary>The AWS STS URL signed, as written in the token.</summary>
        public string Url { get; }

        /// <summary>The signing region.</summary>
        public string Region { get; }

        /// <summary>The workload identity pool provider the token is for.</summary>
        public string Audience { get; }

        /// <summary>The x-amz-date of the signature.</summary>
        public DateTimeOffset SigningTime { get; }

        /// <summary>The access key id that signed (not a secret).</summary>
        public string AccessKeyId { get; }

        /// <summary>Where the signing credentials came from.</summary>
        public string CredentialSource { get; }

        /// <summary>Never reveals the token.</summary>
        public override string ToString() => $"GetCallerIdentity token for {Audience} signed by {AccessKeyId} in {Region} at {SigV4Signer.AmzDate(SigningTime)}";

        /// <summary>The regional AWS STS endpoint, in the form Google documents (no slash before the query).</summary>
        public static string RegionalEndpoint(string region) => $"https://sts.{region}.amazonaws.com?{GetCallerIdentityQuery}";

        /// <summary>
        /// The subject token for <paramref name="audience"/>: signed with <paramref name="credentials"/> when given,
        /// else with the credentials AWS's tools would find; in <paramref name="region"/> when given, else the one
        /// they would find.
        /// </summary>
        /// <exception cref="ArgumentException">The region, audience or endpoint is malformed; nothing was looked up.</exception>
        /// <exception cref="AwsDiscoveryException">No credentials or region could be found.</exception>
        public static async Task<CallerIdentityToken> CreateAsync(AwsCredentials? credentials, string? region, string audience, Uri? endpoint, AwsDiscoveryOptions discovery, CancellationToken cancellationToken)
        {
            if (!string.IsNullOrWhiteSpace(region) && !IsRegionName(region!.Trim()))
            {
                throw new ArgumentException($"{MessageText.Quote(region)} is not an AWS region name such as us-east-1.", "Region");
            }

            CheckAudience(audience);
            var finder = new AwsCredentialDiscovery(discovery);
            credentials ??= await finder.FindCredentialsAsync(cancellationToken).ConfigureAwait(false);
            var found = string.IsNullOrWhiteSpace(region) ? await finder.FindRegionAsync(cancellationToken).ConfigureAwait(false) : region!.Trim();
            return Create(credentials, found, audience, discovery.Clock(), endpoint);
        }

        private static void CheckAudience(string audience)
        {
            if (string.IsNullOrWhiteSpace(audience) || !(audience.StartsWith("//", StringComparison.Ordinal) || audience.StartsWith("https://", StringComparison.Ordinal)))
            {
                throw new ArgumentException($"{MessageText.Quote(audience)} is not a provider's full resource name such as //iam.googleapis.com/projects/<number>/locations/global/workloadIdentityPools/<pool>/providers/<provider>.", "Audience");
            }
        }

        /// <summary>
        /// Signs a GetCallerIdentity request for <paramref name="audience"/>. The same inputs and signing time
        /// always give the same token.
        /// </summary>
        /// <exception cref="ArgumentException">The region, audience or endpoint is malformed.</exception>
        public static CallerIdentityToken Create(AwsCredentials credentials, string region, string audience, DateTimeOffset signingTime, Uri? endpoint = null)
        {
            if (string.IsNullOrWhiteSpace(region) || !IsRegionName(region))
            {
                throw new ArgumentException($"{MessageText.Quote(region)} is not an AWS region name such as us-east-1.", "Region");
            }

            CheckAudience(audience);

            var urlText = endpoint == null
                ? RegionalEndpoint(region)
                : string.IsNullOrEmpty(endpoint.Query) ? endpoint.OriginalString.TrimEnd('/') + "?" + GetCallerIdentityQuery : endpoint.OriginalString;
            var url = new Uri(urlText);
            EndpointPolicy.Validate(url, "StsEndpoint");

            var host = url.IsDefaultPort ? url.Host : url.Host + ":" + url.Port.ToString(CultureInfo.InvariantCulture);
            var request = new SigV4Request("POST", url.AbsolutePath);
            foreach (var pair in url.Query.TrimStart('?').Split(new[] { '&' }, StringSplitOptions.RemoveEmptyEntries))
            {
                var equals = pair.IndexOf('=');
                request.Query.Add(equals < 0
                    ? new KeyValuePair<string, string>(Uri.UnescapeDataString(pair), string.Empty)
                    : new KeyValuePair<string, string>(Uri.UnescapeDataString(pair.Substring(0, equals)), Uri.UnescapeDataString(pair.Substring(equals + 1))));
            }

            var headers = new List<KeyValuePair<string, string>>
            {
                new KeyValuePair<string, string>("host", host),
                new KeyValuePair<string, string>("x-amz-date", SigV4Signer.AmzDate(signingTime)),
            };
            if (credentials.SessionToken != null)
            {
                headers.Add(new KeyValuePair<string, string>("x-amz-security-token", credentials.SessionToken));
            }

            // Signed, as the ExchangeTokenRequest documentation recommends, so the token cannot be replayed elsewhere.
            headers.Add(new KeyValuePair<string, string>(TargetResourceHeader, audience));
            foreach (var header in headers)
            {
                request.Headers.Add(header);
            }

            var signature = SigV4Signer.Sign(request, credentials, region, "sts", signingTime);
            headers.Insert(0, new KeyValuePair<string, string>("Authorization", signature.Authorization));
            var json = Serialize(urlText, headers);
            return new CallerIdentityToken(SigV4Signer.UriEncode(json), urlText, region, audience, signingTime, credentials);
        }

        private static bool IsRegionName(string region)
        {
            foreach (var c in region)
            {
                if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-'))
                {
                    return false;
                }
            }

            return region.Length >= 4 && region.Length <= 32;
        }

        // {"url","method","headers":[{"key","value"}...]} with only the escapes JSON requires.
        private static string Serialize(string url, IEnumerable<KeyValuePair<string, string>> headers)
        {
            var json = new StringBuilder("{\"url\":");
            AppendString(json, url);
            json.Append(",\"method\":\"POST\",\"headers\":[");
            var first = true;
            foreach (var header in headers)
            {
                json.Append(first ? "{\"key\":" : ",{\"key\":");
                AppendString(json, header.Key);
                json.Append(",\"value\":");
                AppendString(json, header.Value);
                json.Append('}');
                first = false;
            }

            return json.Append("]}").ToString();
        }

        private static void AppendString(StringBuilder json, string value)
        {
            json.Append('"');
            foreach (var c in value)
            {
                switch (c)
                {
                    case '"':
                        json.Append("\\\"");
                        break;
                    case '\\':
                        json.Append("\\\\");
                        break;
                    default:
                        if (c < 0x20)
                        {
                            json.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
                        }
                        else
                        {
                            json.Append(c);
                        }

                        break;
                }
            }

            json.Append('"');
        }
    }
}
