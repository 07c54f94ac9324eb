using System;
using System.Collections;
using System.Management.Automation;
using StsPowerShell.Binding;
using StsPowerShell.Completion;
using StsPowerShell.Core.Exchange;
using StsPowerShell.Core.Google;

namespace StsPowerShell.Commands
{
    /// <summary>
    /// <para type="synopsis">Exchanges a token for another at an OAuth 2.0 Token Exchange (RFC 8693) endpoint, by default Google's STS.</para>
    /// <para type="description">Sends an RFC 8693 token exchange request, form-encoded, to -TokenEndpoint (https://sts.googleapis.com/v1/token unless given) and writes the issued token as an StsPowerShell.StsToken whose AccessToken is a SecureString unless -AsPlainText is given.</para>
    /// <para type="description">Every request field is a parameter. Token types take URNs or the short names jwt, id_token, access_token, refresh_token, saml1, saml2, aws4_request and access_boundary_intermediary_token. In requests to Google, -Scope takes short names such as cloud-platform. The subject token, its type and the audience bind by property name from the pipeline, so the output of Get-AzurePipelinesIdToken, Get-GitHubActionsIdToken, New-AwsCallerIdentityToken or a previous exchange pipes straight in.</para>
    /// <para type="description">Transient failures (connection errors and HTTP 408, 429, 500, 502, 503, 504) are retried -MaximumRetryCount times, the interval doubling from -RetryIntervalSec with jitter, or as Retry-After says; OAuth errors are terminating errors with the ErrorId StsOAuthError.&lt;error code&gt; and the server's own description. No token or secret appears in any output, verbose message or error.</para>
    /// </summary>
    /// <example title="Exchange an OIDC token for a Google federated access token">
    /// <code>
    /// $provider = '//iam.googleapis.com/projects/123456789012/locations/global/workloadIdentityPools/my-pool/providers/my-provider'
    /// $token = Invoke-StsTokenExchange -SubjectToken (Get-Content ./oidc.jwt -Raw) -SubjectTokenType jwt -Audience $provider -Scope cloud-platform
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
    /// <remarks>Windows PowerShell 5.1 has no Invoke-RestMethod -Token: use -AsPlainText and put "Bearer $($token.AccessToken)" in the Authorization header.</remarks>
    /// <seealso href="https://github.com/StsPowerShell/StsPowerShell/blob/main/README.md">StsPowerShell README</seealso>
    /// <seealso href="https://www.rfc-editor.org/rfc/rfc8693">RFC 8693: OAuth 2.0 Token Exchange</seealso>
    /// <seealso href="https://cloud.google.com/iam/docs/reference/sts/rest/v1/TopLevel/token">Google STS token method</seealso>
    [Cmdlet(VerbsLifecycle.Invoke, "StsTokenExchange")]
    [OutputType(typeof(StsToken))]
    public sealed class InvokeStsTokenExchangeCommand : SubjectTokenCmdlet
    {
        /// <summary>The token endpoint; https, or http to a loopback address.</summary>
        /// <value>https://sts.googleapis.com/v1/token</value>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string TokenEndpoint { get; set; } = GoogleSts.DefaultTokenEndpoint;

        /// <summary>The actor token, for delegation.</summary>
        [Parameter]
        public object? ActorToken { get; set; }

        /// <summary>The actor token's type; required with -ActorToken.</summary>
        [Parameter]
        [ArgumentCompleter(typeof(TokenTypeCompleter))]
        public string? ActorTokenType { get; set; }

        /// <summary>The audience: for Google, the workload or workforce pool provider's full resource name.</summary>
        [Parameter(ValueFromPipelineByPropertyName = true)]
        public string[]? Audience { get; set; }

        /// <summary>Resources (absolute URIs) where the token will be used.</summary>
        [Parameter]
        public string[]? Resource { get; set; }

        /// <summary>The scopes to request.</summary>
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
        [ValidateNotNullOrEmpty]
        public string? WorkforcePoolUserProject { get; set; }

        /// <summary>Extra HTTP headers.</summary>
        [Parameter]
        public IDictionary? AdditionalHeader { get; set; }

        /// <summary>The grant type.</summary>
        /// <value>urn:ietf:params:oauth:grant-type:token-exchange</value>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string GrantType { get; set; } = TokenTypes.TokenExchangeGrantType;

        /// <summary>The OAuth client id and secret.</summary>
        [Parameter]
        [Credential]
        public PSCredential? ClientCredential { get; set; }

        /// <summary>How the client credentials are sent: Basic (default) or RequestBody.</summary>
        /// <value>Basic</value>
        [Parameter]
        public ClientAuthenticationMethod ClientAuthentication { get; set; } = ClientAuthenticationMethod.Basic;

        /// <summary>Seconds allowed for each attempt.</summary>
        /// <value>30</value>
        [Parameter]
        [ValidateRange(1, 3600)]
        public int TimeoutSec { get; set; } = 30;

        /// <summary>How many times a transient failure is retried.</summary>
        /// <value>3</value>
        [Parameter]
        [ValidateRange(0, 10)]
        public int MaximumRetryCount { get; set; } = 3;

        /// <summary>Seconds before the first retry, doubled each time, with jitter.</summary>
        /// <value>1</value>
        [Parameter]
        [ValidateRange(0, 60)]
        public int RetryIntervalSec { get; set; } = 1;

        /// <summary>Reuses the token of an identical earlier exchange in this session until five minutes before it expires.</summary>
        [Parameter]
        public SwitchParameter ReuseToken { get; set; }

        /// <summary>With -ReuseToken, gets a fresh token even when the session holds one that is still valid.</summary>
        [Parameter]
        public SwitchParameter Force { get; set; }

        /// <summary>Returns the tokens as plain strings instead of SecureString.</summary>
        [Parameter]
        public SwitchParameter AsPlainText { get; set; }

        /// <inheritdoc />
        protected override void ProcessRecord()
        {
            var parameters = new TokenExchangeParameters
            {
                TokenEndpoint = TokenEndpoint,
                SubjectToken = PSObjectValues.Unwrap(SubjectToken),
                SubjectTokenType = SubjectTokenType,
                ActorToken = PSObjectValues.Unwrap(ActorToken),
                ActorTokenType = ActorTokenType,
                Audience = Audience,
                Resource = Resource,
                Scope = Scope,
                RequestedTokenType = RequestedTokenType,
                Options = PSObjectValues.Unwrap(Options),
                WorkforcePoolUserProject = WorkforcePoolUserProject,
                AdditionalHeader = AdditionalHeader,
                GrantType = GrantType,
                ClientId = ClientCredential?.UserName,
                ClientSecret = ClientCredential?.Password,
                ClientAuthentication = ClientAuthentication,
                TimeoutSec = TimeoutSec,
                MaximumRetryCount = MaximumRetryCount,
                RetryIntervalSec = RetryIntervalSec,
                ReuseToken = ReuseToken.IsPresent,
                Force = Force.IsPresent,
            };

            var options = parameters.ToHttpOptions();
            StsClient client;
            TokenExchangeRequest request;
            try
            {
                request = parameters.ToRequest();
                client = new StsClient(parameters.ToEndpoint(), parameters.ToClientAuthentication(), options);
            }
            catch (ArgumentException e)
            {
                ThrowTerminating(e, null);
                return;
            }

            foreach (var note in parameters.Notes)
            {
                WriteVerbose(note);
            }

            var (token, reused) = Run((logger, cancellation) =>
            {
                options.Logger = logger;
                return parameters.ExchangeAsync(client, request, TokenCache.Shared, () => DateTimeOffset.UtcNow, cancellation);
            });
            if (reused)
            {
                WriteVerbose("Reusing the session's token from an identical exchange; -Force gets a fresh one.");
            }

            WriteObject(StsToken.FromIssued(token, AsPlainText.IsPresent));
        }
    }
}
