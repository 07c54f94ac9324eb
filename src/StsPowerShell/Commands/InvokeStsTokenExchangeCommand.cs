using System;
using System.Collections;
using System.Globalization;
using System.Management.Automation;
using System.Security;
using System.Security.Cryptography.X509Certificates;
using StsPowerShell.Core.Certificates;
using System.Threading.Tasks;
using StsPowerShell.Completion;
using StsPowerShell.Core.Exchange;
using StsPowerShell.Core.Google;
using StsPowerShell.Core.Http;
using StsPowerShell.Parameters;
using StsPowerShell.Pipeline;

namespace StsPowerShell.Commands
{
    /// <summary>
    /// <para type="synopsis">Exchanges a token for another at an OAuth 2.0 Token Exchange (RFC 8693) endpoint, by default Google's STS.</para>
    /// <para type="description">Sends an RFC 8693 token exchange request, form-encoded, to -TokenEndpoint (https://sts.googleapis.com/v1/token unless given) and writes the issued token as an StsPowerShell.StsToken whose AccessToken is a SecureString unless -AsPlainText is given.</para>
    /// <para type="description">Every request field is a parameter. Token types take URNs or the short names jwt, id_token, access_token, refresh_token, saml1, saml2, aws4_request and access_boundary_intermediary_token; without -SubjectTokenType, a JWT, an AWS GetCallerIdentity token or a SAML assertion is recognised by its shape (-Verbose says which), and any other token is refused until the type is given. In requests to Google, -Scope takes short names such as cloud-platform. A piped string or SecureString is the subject token itself; the subject token, its type and the audience also bind by property name from the pipeline, so the output of Get-AzurePipelinesIdToken, Get-GitHubActionsIdToken, New-AwsCallerIdentityToken or a previous exchange pipes straight in.</para>
    /// <para type="description">X.509 workload identity federation: instead of a subject token, give a certificate with its private key (piped in from Get-Item Cert:\... or Get-ChildItem Cert:\..., -Certificate with such an object, -CertificateThumbprint with -CertificateStoreLocation, -PfxFile with -PfxPassword, or -CertificateFile with -PrivateKeyFile) and optionally -CertificateChainFile. The certificate is presented in mutual TLS, by default to https://sts.mtls.googleapis.com/v1/token, and its chain is the subject token (type urn:ietf:params:oauth:token-type:mtls). A certificate without a private key, with a key this account may not read, outside its validity, or a chain naming the leaf after other certificates is refused before any request, with the ErrorId Certificate&lt;problem&gt;.&lt;parameter&gt;. The token written remembers the certificate (ClientCertificateThumbprint) for New-GoogleServiceAccountAccessToken and New-GoogleServiceAccountIdToken.</para>
    /// <para type="description">Parameter sets make misuse a binding error: -Force needs -ReuseToken, -ClientAuthentication needs -ClientCredential, -ActorToken and -ActorTokenType go together. -ReuseToken combines with every set and -ClientCredential (sent with HTTP Basic) with every set that takes a subject token; -Force, -ClientAuthentication and the actor token each have a set of their own, so any two of them cannot be combined in one call.</para>
    /// <para type="description">Transient failures (connection errors and HTTP 408, 429, 500, 502, 503, 504) are retried -MaximumRetryCount times, the interval doubling from -RetryIntervalSec with jitter, or as Retry-After says; OAuth errors have the ErrorId StsOAuthError.&lt;error code&gt; and the server's own description; each is a non-terminating error about the input it concerns, so piped inputs after it are still exchanged. No token or secret appears in any output, verbose message or error.</para>
    /// </summary>
    /// <example title="Exchange an OIDC token for a Google federated access token">
    /// <code>
    /// $provider = '//iam.googleapis.com/projects/123456789012/locations/global/workloadIdentityPools/my-pool/providers/my-provider'
    /// $token = Get-Content ./oidc.jwt -Raw | Invoke-StsTokenExchange -SubjectTokenType jwt -Audience $provider -Scope cloud-platform
    /// Invoke-RestMethod https://storage.googleapis.com/storage/v1/b?project=my-project -Authentication Bearer -Token $token.AccessToken
    /// </code>
    /// <para>Exchanges a JWT from a file for a federated access token and calls Cloud Storage with it.</para>
    /// </example>
    /// <example title="Exchange again: a token pipes in as the next subject token">
    /// <code>
    /// $token | Invoke-StsTokenExchange -Options @{ accessBoundary = $boundary } -RequestedTokenType access_token
    /// </code>
    /// <para>The token's AccessToken and IssuedTokenType bind to -SubjectToken and -SubjectTokenType.</para>
    /// </example>
    /// <example title="Any RFC 8693 server, with client credentials in the request body">
    /// <code>
    /// $client = Get-Credential -UserName my-client
    /// Invoke-StsTokenExchange -TokenEndpoint https://idp.example.com/oauth2/token -SubjectToken $jwt -SubjectTokenType jwt `
    ///     -Audience https://api.example.com -ClientCredential $client -ClientAuthentication RequestBody -AsPlainText
    /// </code>
    /// <para>Client credentials are sent with HTTP Basic unless -ClientAuthentication RequestBody is given.</para>
    /// </example>
    /// <example title="Behind an authenticating proxy">
    /// <code>
    /// $proxyCredential = Get-Credential -UserName 'CORP\svc-build'
    /// Invoke-StsTokenExchange -SubjectToken $jwt -SubjectTokenType jwt -Audience $provider -Proxy http://proxy.corp.example:8080 -ProxyCredential $proxyCredential -Verbose
    /// </code>
    /// <para>Sends the exchange through the proxy with Basic credentials; -Verbose names the proxy (never the credentials) for each request. Without -Proxy, HTTPS_PROXY and NO_PROXY, the Azure Pipelines agent's proxy and then the system settings apply (see about_StsPowerShell).</para>
    /// </example>
    /// <remarks>Windows PowerShell 5.1 has no Invoke-RestMethod -Token: use -AsPlainText and put "Bearer $($token.AccessToken)" in the Authorization header.</remarks>
    /// <example title="X.509 workload identity federation with a Windows server's machine certificate">
    /// <code>
    /// $provider = '//iam.googleapis.com/projects/123456789012/locations/global/workloadIdentityPools/servers/providers/adcs'
    /// $token = Get-Item Cert:\LocalMachine\My\0123456789ABCDEF0123456789ABCDEF01234567 |
    ///     Invoke-StsTokenExchange -Audience $provider -Scope cloud-platform |
    ///     New-GoogleServiceAccountAccessToken -ServiceAccount reporter@my-project.iam.gserviceaccount.com
    /// </code>
    /// <para>Presents the certificate in mutual TLS to https://sts.mtls.googleapis.com/v1/token with its chain as the mtls subject token; the federated token remembers the certificate, so impersonation goes to https://iamcredentials.mtls.googleapis.com with it. The key never leaves the store.</para>
    /// </example>
    /// <example title="Certificates piped from the store, by thumbprint, from a PFX file, or from PEM files">
    /// <code>
    /// Get-ChildItem Cert:\LocalMachine\My | Where-Object { $_.HasPrivateKey -and $_.Issuer -eq 'CN=Corp Issuing CA' } | Invoke-StsTokenExchange -Audience $provider -Scope cloud-platform
    /// Invoke-StsTokenExchange -CertificateThumbprint 0123456789ABCDEF0123456789ABCDEF01234567 -CertificateStoreLocation LocalMachine -Audience $provider -Scope cloud-platform
    /// Invoke-StsTokenExchange -PfxFile ./workload.pfx -PfxPassword (Read-Host -AsSecureString) -CertificateChainFile ./chain.pem -Audience $provider -Scope cloud-platform
    /// Invoke-StsTokenExchange -CertificateFile ./workload.crt -PrivateKeyFile ./workload.key -CertificateChainFile ./chain.pem -Audience $provider -Scope cloud-platform
    /// </code>
    /// <para>Each piped certificate is exchanged in turn; one without a private key or outside its validity is a non-terminating error and the next is still exchanged. The chain file holds the intermediate CAs (it may start with the leaf, which is then not repeated); the subject token is built exactly as Google's client libraries build it. PEM keys need PowerShell 7.</para>
    /// </example>
    /// <seealso href="https://github.com/StsPowerShell/StsPowerShell/blob/main/README.md">StsPowerShell README</seealso>
    /// <seealso href="https://www.rfc-editor.org/rfc/rfc8693">RFC 8693: OAuth 2.0 Token Exchange</seealso>
    /// <seealso href="https://cloud.google.com/iam/docs/reference/sts/rest/v1/TopLevel/token">Google STS token method</seealso>
    // Exchange stays the default set, so piped tokens bind as before; a piped certificate reaches the thumbprint set
    // because InputObject declines it (see DeclineCertificateAttribute).
    [Cmdlet(VerbsLifecycle.Invoke, "StsTokenExchange", DefaultParameterSetName = ExchangeSet)]
    [OutputType(typeof(StsToken))]
    public sealed class InvokeStsTokenExchangeCommand : SubjectTokenCmdlet
    {
        private const string CertificateSet = "Certificate";
        private const string CertificateThumbprintSet = "CertificateThumbprint";
        private const string PfxSet = "Pfx";
        private const string PemSet = "Pem";

        private Uri? tokenEndpoint;
        private ClientAuthentication? client;
        private string? options;
        private readonly System.Collections.Generic.Dictionary<string, string> headers = new System.Collections.Generic.Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);

        /// <summary>The token endpoint; https, or http to a loopback address. With a certificate the default is https://sts.mtls.googleapis.com/v1/token.</summary>
        /// <value>https://sts.googleapis.com/v1/token</value>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? TokenEndpoint { get; set; }

        /// <summary>The client certificate, with its private key: from Get-Item Cert:\LocalMachine\My\&lt;thumbprint&gt;, Get-ChildItem Cert:\..., or [X509Store].</summary>
        [Parameter(Mandatory = true, ParameterSetName = CertificateSet)]
        [ValidateNotNull]
        public X509Certificate2? Certificate { get; set; }

        /// <summary>The thumbprint (SHA-1, hex) of a certificate with a private key in the My store of -CertificateStoreLocation; binds the Thumbprint of a piped certificate.</summary>
        [Parameter(Mandatory = true, ValueFromPipelineByPropertyName = true, ParameterSetName = CertificateThumbprintSet)]
        [Alias("Thumbprint")]
        [ValidateNotNullOrEmpty]
        public string? CertificateThumbprint { get; set; }

        /// <summary>A certificate piped in (Get-Item Cert:\LocalMachine\My\&lt;thumbprint&gt;, Get-ChildItem Cert:\...), used as it is; one without its private key (deserialized from remoting or Import-Clixml) is replaced by the entry with its thumbprint in the My store of -CertificateStoreLocation. Not for use on the command line: give -Certificate.</summary>
        [Parameter(ValueFromPipeline = true, DontShow = true, ParameterSetName = CertificateThumbprintSet)]
        public X509Certificate2? InputCertificate { get; set; }

        /// <summary>The store location of -CertificateThumbprint: CurrentUser, or LocalMachine for a machine certificate.</summary>
        /// <value>CurrentUser</value>
        [Parameter(ParameterSetName = CertificateThumbprintSet)]
        public StoreLocation CertificateStoreLocation { get; set; } = StoreLocation.CurrentUser;

        /// <summary>A PFX (PKCS#12) file holding the certificate and its private key.</summary>
        [Parameter(Mandatory = true, ParameterSetName = PfxSet)]
        [ValidateNotNullOrEmpty]
        public string? PfxFile { get; set; }

        /// <summary>The password of -PfxFile, as a SecureString; none when the file has none.</summary>
        [Parameter(ParameterSetName = PfxSet)]
        [ValidateNotNull]
        public SecureString? PfxPassword { get; set; }

        /// <summary>A PEM certificate file (the first certificate in it is the leaf, as Google's libraries read it); needs -PrivateKeyFile and PowerShell 7.</summary>
        [Parameter(Mandatory = true, ParameterSetName = PemSet)]
        [ValidateNotNullOrEmpty]
        public string? CertificateFile { get; set; }

        /// <summary>The unencrypted PEM private key (PKCS#8, PKCS#1 or SEC 1) of -CertificateFile.</summary>
        [Parameter(Mandatory = true, ParameterSetName = PemSet)]
        [ValidateNotNullOrEmpty]
        public string? PrivateKeyFile { get; set; }

        /// <summary>A PEM file with the rest of the certificate's chain (intermediate CAs), sent in the subject token after the leaf; it may start with the leaf, which is then not repeated.</summary>
        [Parameter(ParameterSetName = CertificateSet)]
        [Parameter(ParameterSetName = CertificateThumbprintSet)]
        [Parameter(ParameterSetName = PfxSet)]
        [Parameter(ParameterSetName = PemSet)]
        [ValidateNotNullOrEmpty]
        public string? CertificateChainFile { get; set; }

        /// <summary>The actor token, for delegation (RFC 8693 §2.1), as a string or SecureString.</summary>
        [Parameter(Mandatory = true, ParameterSetName = ActorTokenSet)]
        [SecretTransformation]
        [ValidateNotNull]
        public object? ActorToken { get; set; }

        /// <summary>The actor token's type: a URN or a short name.</summary>
        [Parameter(Mandatory = true, ParameterSetName = ActorTokenSet)]
        [ArgumentCompleter(typeof(TokenTypeCompleter))]
        [ValidateNotNullOrEmpty]
        public string? ActorTokenType { get; set; }

        /// <summary>The audience: for Google, the workload or workforce pool provider's full resource name.</summary>
        [Parameter(ValueFromPipelineByPropertyName = true)]
        public string[]? Audience { get; set; }

        /// <summary>Resources (absolute URIs) where the token will be used.</summary>
        [Parameter]
        public string[]? Resource { get; set; }

        /// <summary>The scopes to request; in requests to Google, short names such as cloud-platform.</summary>
        [Parameter]
        [ArgumentCompleter(typeof(ScopeCompleter))]
        public string[]? Scope { get; set; }

        /// <summary>The type of token requested; access_token unless given.</summary>
        /// <value>urn:ietf:params:oauth:token-type:access_token</value>
        [Parameter]
        [ArgumentCompleter(typeof(TokenTypeCompleter))]
        [ValidateNotNullOrEmpty]
        public string RequestedTokenType { get; set; } = TokenTypes.AccessToken;

        /// <summary>Google's options: a hashtable or a JSON string, at most 4096 characters as JSON.</summary>
        [Parameter]
        public object? Options { get; set; }

        /// <summary>For a workforce pool provider without client credentials: the project billed (Google's userProject option).</summary>
        [Parameter]
        [ValidateNotNull]
        public string? WorkforcePoolUserProject { get; set; }

        /// <summary>Extra HTTP headers.</summary>
        [Parameter]
        public IDictionary? AdditionalHeader { get; set; }

        /// <summary>The grant type.</summary>
        /// <value>urn:ietf:params:oauth:grant-type:token-exchange</value>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string GrantType { get; set; } = TokenTypes.TokenExchangeGrantType;

        /// <summary>The OAuth client id (user name) and secret (password).</summary>
        [Parameter(ParameterSetName = ExchangeSet)]
        [Parameter(Mandatory = true, ParameterSetName = ClientCredentialSet)]
        [Parameter(ParameterSetName = ActorTokenSet)]
        [Parameter(ParameterSetName = RefreshSet)]
        [Credential]
        [ValidateNotNull]
        public PSCredential? ClientCredential { get; set; }

        /// <summary>How the client credentials are sent: Basic (default, RFC 6749 §2.3.1) or RequestBody.</summary>
        /// <value>Basic</value>
        [Parameter(ParameterSetName = ClientCredentialSet)]
        public ClientAuthenticationMethod ClientAuthentication { get; set; } = ClientAuthenticationMethod.Basic;

        /// <summary>Reuses the token of an identical earlier exchange in this session until five minutes before it expires.</summary>
        [Parameter(ParameterSetName = ExchangeSet)]
        [Parameter(ParameterSetName = ClientCredentialSet)]
        [Parameter(ParameterSetName = ActorTokenSet)]
        [Parameter(Mandatory = true, ParameterSetName = RefreshSet)]
        [Parameter(ParameterSetName = CertificateSet)]
        [Parameter(ParameterSetName = CertificateThumbprintSet)]
        [Parameter(ParameterSetName = PfxSet)]
        [Parameter(ParameterSetName = PemSet)]
        public SwitchParameter ReuseToken { get; set; }

        /// <summary>With -ReuseToken: exchanges even when the session holds a token from an identical exchange, and keeps the new one.</summary>
        [Parameter(ParameterSetName = RefreshSet)]
        public SwitchParameter Force { get; set; }

        /// <summary>Returns the tokens as plain strings instead of SecureString.</summary>
        [Parameter]
        public SwitchParameter AsPlainText { get; set; }

        /// <summary>Checks what is the same for every input: the endpoint, the client, the options and headers.</summary>
        protected override void BeginProcessing()
        {
            base.BeginProcessing();
            try
            {
                // Without -TokenEndpoint the default depends on the set, which pipeline input may settle only per record.
                tokenEndpoint = TokenEndpoint == null ? null : EndpointPolicy.Parse(TokenEndpoint, nameof(TokenEndpoint));
                if (ClientCredential != null && string.IsNullOrWhiteSpace(ClientCredential.UserName))
                {
                    throw new ArgumentException("The client credential's user name must be the OAuth client id.", nameof(ClientCredential));
                }

                client = ClientCredential == null
                    ? null
                    : new ClientAuthentication(ClientCredential.UserName, SecretText.ToPlainText(ClientCredential.Password), ClientAuthentication);
                options = StsOptionsJson.FromParameter(PSObjectValues.Unwrap(Options, nameof(Options)), nameof(Options));
                foreach (DictionaryEntry header in AdditionalHeader ?? new Hashtable())
                {
                    var name = HeaderText(header.Key, "name");
                    headers[name] = HeaderText(header.Value, $"value of '{name}'");
                }
            }
            catch (ArgumentException e)
            {
                ThrowTerminating(e);
            }
        }

        /// <inheritdoc />
        private protected override object? CurrentTarget => Certificate ?? InputCertificate ?? base.CurrentTarget;

        private bool IsCertificateSet => ParameterSetName == CertificateSet || ParameterSetName == CertificateThumbprintSet || ParameterSetName == PfxSet || ParameterSetName == PemSet;

        private protected override Func<Task> Prepare(PipelineHandle pipe)
        {
            var httpOptions = HttpOptions(pipe);
            WorkloadCertificate? certificate = null;
            (string Token, string Type) subject;
            if (IsCertificateSet)
            {
                certificate = LoadCertificate(httpOptions.Clock());
                httpOptions.ClientCertificate = certificate.Certificate;
                httpOptions.Logger?.Verbose($"Presenting the certificate {WorkloadCertificate.Describe(certificate.Certificate)} with {certificate.Chain.Count} chain certificate(s).");
                subject = (certificate.SubjectToken, TokenTypes.Mtls);
            }
            else
            {
                subject = TypedSubjectToken(httpOptions.Logger);
            }

            var builder = new TokenExchangeRequestBuilder
            {
                GrantType = GrantType,
                SubjectToken = subject.Token,
                SubjectTokenType = subject.Type,
                ActorToken = SecretText.FromParameter(ActorToken, nameof(ActorToken)),
                ActorTokenType = ActorTokenType,
                RequestedTokenType = RequestedTokenType,
                Options = options,
            };
            AddAll(builder.Audiences, Audience);
            AddAll(builder.Resources, Resource);
            AddAll(builder.Scopes, Scope);
            foreach (var header in headers)
            {
                builder.AdditionalHeaders[header.Key] = header.Value;
            }

            var operation = new TokenExchangeOperation(tokenEndpoint ?? GoogleSts.DefaultTokenEndpointFor(mutualTls: certificate != null), client, httpOptions);
            var request = operation.Prepare(builder, WorkforcePoolUserProject);
            var reuse = !ReuseToken ? TokenReuse.None : Force ? TokenReuse.Refresh : TokenReuse.Reuse;
            var asPlainText = AsPlainText.IsPresent;
            return async () =>
            {
                var token = await operation.ExchangeAsync(request, reuse, null, Cancellation).ConfigureAwait(false);
                pipe.WriteObject(StsToken.FromIssued(token, asPlainText).BoundTo(certificate?.Certificate));
            };
        }

        // The certificate of this record's set, with its chain, checked before anything is sent.
        private WorkloadCertificate LoadCertificate(DateTimeOffset now)
        {
            X509Certificate2 leaf;
            string source;
            switch (ParameterSetName)
            {
                case CertificateThumbprintSet when InputCertificate != null:
                    source = nameof(Certificate);
                    leaf = CertificateLoader.HasThumbprint(InputCertificate, CertificateThumbprint!, CertificateStoreLocation, nameof(CertificateThumbprint))
                        ? CertificateLoader.WithPrivateKey(InputCertificate, CertificateStoreLocation, source)
                        : throw new ArgumentException($"-CertificateThumbprint {CertificateThumbprint} names another certificate than the one piped in ({InputCertificate.Thumbprint}): give one or the other.", nameof(CertificateThumbprint));
                    break;
                case CertificateThumbprintSet:
                    source = nameof(CertificateThumbprint);
                    leaf = CertificateLoader.FromStore(CertificateThumbprint!, CertificateStoreLocation, "My", source);
                    break;
                case PfxSet:
                    source = nameof(PfxFile);
                    leaf = CertificateLoader.FromPfx(ProviderPath.ResolveFile(this, PfxFile!, source), PfxPassword == null ? null : SecretText.ToPlainText(PfxPassword), source);
                    break;
                case PemSet:
                    source = nameof(CertificateFile);
                    leaf = CertificateLoader.FromPem(ProviderPath.ResolveFile(this, CertificateFile!, source), ProviderPath.ResolveFile(this, PrivateKeyFile!, nameof(PrivateKeyFile)), source);
                    break;
                default:
                    source = nameof(Certificate);
                    leaf = Certificate!;
                    break;
            }

            var chain = CertificateChainFile == null
                ? Array.Empty<X509Certificate2>()
                : CertificateLoader.ReadChain(ProviderPath.ResolveFile(this, CertificateChainFile, nameof(CertificateChainFile)), nameof(CertificateChainFile));
            return WorkloadCertificate.Create(leaf, chain, now, source, nameof(CertificateChainFile));
        }

        // A header name or value is a string or a number; anything else (a hashtable, a list, a date) would be sent as
        // .NET formats it, not as HTTP expects.
        private static string HeaderText(object? value, string what)
        {
            var bare = PSObjectValues.Unwrap(value, nameof(AdditionalHeader));
            return bare is string || bare is byte || bare is short || bare is int || bare is long || bare is ushort || bare is uint || bare is ulong || bare is float || bare is double || bare is decimal
                ? Convert.ToString(bare, CultureInfo.InvariantCulture)!
                : throw new ArgumentException($"The header {what} must be a string or a number, not {(bare == null ? "null" : bare.GetType().Name)}.", nameof(AdditionalHeader));
        }

        private static void AddAll(System.Collections.Generic.IList<string> target, string[]? values)
        {
            foreach (var value in values ?? Array.Empty<string>())
            {
                target.Add(value);
            }
        }
    }
}
