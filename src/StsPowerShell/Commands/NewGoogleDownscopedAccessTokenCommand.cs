using StsPowerShell.Pipeline;
using System.Threading.Tasks;
using System;
using System.Management.Automation;
using StsPowerShell.Core.Google;
using StsPowerShell.Core.Http;

namespace StsPowerShell.Commands
{
    /// <summary>
    /// <para type="synopsis">Exchanges a Google access token for a downscoped one that can do only what a credential access boundary allows.</para>
    /// <para type="description">Sends the access token to Google's STS as an access_token subject token, with the boundary's rules in options, and writes the downscoped token as an StsPowerShell.StsToken. More than 10 rules, or a boundary whose JSON exceeds 4096 characters, is refused before anything is sent. Google states no lifetime for a downscoped token, so the source token's expiry is used. A token that already carries a boundary cannot get another.</para>
    /// </summary>
    /// <example title="Hand a job read access to one bucket">
    /// <code>
    /// $rule = New-GoogleAccessBoundaryRule -AvailableResource //storage.googleapis.com/projects/_/buckets/reports -AvailablePermission roles/storage.objectViewer
    /// $narrow = Get-GoogleExternalAccountToken -ConfigurationFile ./config.json | New-GoogleDownscopedAccessToken -AccessBoundaryRule $rule
    /// </code>
    /// <para>The downscoped token reads objects of 'reports' and nothing else.</para>
    /// </example>
    /// <example title="Downscope a token held as text">
    /// <code>
    /// New-GoogleDownscopedAccessToken -AccessToken $env:GOOGLE_TOKEN -AccessBoundaryRule $rule1, $rule2 -AsPlainText
    /// </code>
    /// <para>Any Google access token can be downscoped.</para>
    /// </example>
    /// <seealso href="https://cloud.google.com/iam/docs/downscoping-short-lived-credentials">Downscoping with credential access boundaries</seealso>
    [Cmdlet(VerbsCommon.New, "GoogleDownscopedAccessToken", DefaultParameterSetName = "FederatedToken")]
    [OutputType(typeof(StsToken))]
    public sealed class NewGoogleDownscopedAccessTokenCommand : GoogleTokenConsumerCmdlet
    {
        /// <summary>The boundary's rules (1 to 10), from New-GoogleAccessBoundaryRule.</summary>
        [Parameter(Mandatory = true, Position = 0)]
        [ValidateNotNullOrEmpty]
        public AccessBoundaryRule[] AccessBoundaryRule { get; set; } = new AccessBoundaryRule[0];

        /// <summary>The STS token endpoint.</summary>
        /// <value>https://sts.googleapis.com/v1/token</value>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string TokenEndpoint { get; set; } = GoogleSts.DefaultTokenEndpoint;

        private Uri? endpoint;

        /// <summary>The endpoint and the boundary are the same for every input: a malformed one stops the call.</summary>
        protected override void BeginProcessing()
        {
            base.BeginProcessing();
            try
            {
                endpoint = EndpointPolicy.Parse(TokenEndpoint, nameof(TokenEndpoint));
                CredentialAccessBoundary.ToOptions(AccessBoundaryRule);
            }
            catch (ArgumentException e)
            {
                ThrowTerminating(e);
            }
        }

        private protected override Func<Task> Prepare(PipelineHandle pipe)
        {
            var token = ActingToken();
            var expiresOn = ActingTokenExpiresOn;
            var options = HttpOptions(pipe);
            var asPlainText = AsPlainText.IsPresent;
            return async () =>
            {
                var downscoped = await CredentialAccessBoundary.DownscopeAsync(endpoint!, token, expiresOn, AccessBoundaryRule, options, Cancellation).ConfigureAwait(false);
                pipe.WriteObject(StsToken.FromIssued(downscoped, asPlainText));
            };
        }
    }
}
