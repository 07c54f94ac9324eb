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
    /// </summary>
    [Cmdlet(VerbsLifecycle.Invoke, "StsTokenExchange")]
    [OutputType(typeof(StsToken))]
    public sealed class InvokeStsTokenExchangeCommand : StsCmdlet
    {
        /// <summary>The token endpoint; https, or http to a loopback address.</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string TokenEndpoint { get; set; } = GoogleSts.DefaultTokenEndpoint;

        /// <summary>The subject token, as a string or SecureString; binds AccessToken of a piped token.</summary>
        [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
        [Alias("AccessToken")]
        [ValidateNotNull]
        public object SubjectToken { get; set; } = null!;

        /// <summary>The subject token's type: a URN or a short name such as jwt or aws4_request.</summary>
        [Parameter(Mandatory = true, ValueFromPipelineByPropertyName = true)]
        [Alias("IssuedTokenType")]
        [ArgumentCompleter(typeof(TokenTypeCompleter))]
        [ValidateNotNullOrEmpty]
        public string SubjectTokenType { get; set; } = null!;

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
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string GrantType { get; set; } = TokenTypes.TokenExchangeGrantType;

        /// <summary>The OAuth client id and secret.</summary>
        [Parameter]
        [Credential]
        public PSCredential? ClientCredential { get; set; }

        /// <summary>How the client credentials are sent: Basic (default) or RequestBody.</summary>
        [Parameter]
        public ClientAuthenticationMethod ClientAuthentication { get; set; } = ClientAuthenticationMethod.Basic;

        /// <summary>Seconds allowed for each attempt.</summary>
        [Parameter]
        [ValidateRange(1, 3600)]
        public int TimeoutSec { get; set; } = 30;

        /// <summary>How many times a transient failure is retried.</summary>
        [Parameter]
        [ValidateRange(0, 10)]
        public int MaximumRetryCount { get; set; } = 3;

        /// <summary>Seconds before the first retry, doubled each time, with jitter.</summary>
        [Parameter]
        [ValidateRange(0, 60)]
        public int RetryIntervalSec { get; set; } = 1;

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

            var response = Run((logger, cancellation) =>
            {
                options.Logger = logger;
                return client.ExchangeTokenAsync(request, cancellation);
            });
            WriteObject(StsToken.FromResponse(response, client.TokenEndpoint, AsPlainText.IsPresent, request.Scopes.Count == 0 ? null : string.Join(" ", request.Scopes)));
        }
    }
}
