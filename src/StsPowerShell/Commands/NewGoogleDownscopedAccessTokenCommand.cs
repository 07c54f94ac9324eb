using System.Management.Automation;
using StsPowerShell.Binding;
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

        /// <inheritdoc />
        protected override void ProcessRecord()
        {
            var parameters = new DownscopeParameters
            {
                AccessToken = ActingToken,
                AccessTokenExpiresOn = FederatedToken?.ExpiresOn,
                AccessBoundaryRule = AccessBoundaryRule,
                TokenEndpoint = TokenEndpoint,
            };
            var options = new StsHttpOptions();
            var token = Run((logger, cancellation) =>
            {
                options.Logger = logger;
                return parameters.DownscopeAsync(options, cancellation);
            });
            WriteObject(StsToken.FromIssued(token, AsPlainText.IsPresent));
        }
    }
}
