using System;
using System.Management.Automation;
using StsPowerShell.Parameters;
using StsPowerShell.Pipeline;

namespace StsPowerShell.Commands
{
    /// <summary>
    /// The base of cmdlets that act with a Google access token: piped from Invoke-StsTokenExchange (or another
    /// StsToken), piped as any object with an AccessToken property (a deserialized token, say), or given with
    /// -AccessToken.
    /// </summary>
    public abstract class GoogleTokenConsumerCmdlet : NetworkCmdlet
    {
        private const string FederatedTokenSet = "FederatedToken";
        private const string AccessTokenSet = "AccessToken";

        /// <summary>The Google access token, piped from Invoke-StsTokenExchange or a previous step.</summary>
        [Parameter(Mandatory = true, ValueFromPipeline = true, ParameterSetName = FederatedTokenSet)]
        [ValidateNotNull]
        public StsToken? FederatedToken { get; set; }

        /// <summary>A Google access token (string or SecureString); binds the AccessToken property of a piped object.</summary>
        [Parameter(Mandatory = true, ValueFromPipelineByPropertyName = true, ParameterSetName = AccessTokenSet)]
        [SecretTransformation]
        [ValidateNotNull]
        public object? AccessToken { get; set; }

        /// <summary>When the token expires (a DateTimeOffset, DateTime or its text); binds the ExpiresOn property of a piped object, a deserialized token say. Used when the server states no expiry.</summary>
        [Parameter(ValueFromPipelineByPropertyName = true, ParameterSetName = AccessTokenSet)]
        [Alias("ExpiresOn")]
        public object? AccessTokenExpiresOn { get; set; }

        /// <summary>Returns the token as a plain string instead of SecureString.</summary>
        [Parameter]
        public SwitchParameter AsPlainText { get; set; }

        /// <inheritdoc />
        private protected override object? CurrentTarget => FederatedToken == null ? null : ErrorTarget.Of(PSObject.AsPSObject(FederatedToken));

        /// <summary>When the token acted with expires, when known.</summary>
        private protected DateTimeOffset? ActingTokenExpiresOn => FederatedToken?.ExpiresOn ?? ExpiryOf(AccessTokenExpiresOn);

        // A deserialized DateTimeOffset arrives as a property bag, not the type; anything unreadable means unknown.
        private static DateTimeOffset? ExpiryOf(object? value)
        {
            switch (value is PSObject wrapped && !(wrapped.BaseObject is PSCustomObject) ? wrapped.BaseObject : value)
            {
                case DateTimeOffset offset:
                    return offset;
                case DateTime time:
                    return new DateTimeOffset(time.ToUniversalTime(), TimeSpan.Zero);
                case string text when DateTimeOffset.TryParse(text, System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AssumeUniversal, out var parsed):
                    return parsed;
                case PSObject bag when bag.Properties["UtcDateTime"]?.Value is DateTime utc:
                    return new DateTimeOffset(DateTime.SpecifyKind(utc, DateTimeKind.Utc), TimeSpan.Zero);
                default:
                    return null;
            }
        }

        /// <summary>The plain text of the token to act with: the piped token's, or -AccessToken's.</summary>
        /// <exception cref="ArgumentException">It is missing or not a string or SecureString.</exception>
        private protected string ActingToken()
        {
            var name = FederatedToken == null ? nameof(AccessToken) : nameof(FederatedToken);
            var token = SecretText.FromParameter(FederatedToken?.AccessToken ?? AccessToken, name);
            return string.IsNullOrWhiteSpace(token)
                ? throw new ArgumentException("A Google access token is required: pipe one in, or pass -AccessToken.", name)
                : token!;
        }
    }
}
