using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using StsPowerShell.Core.Exchange;
using StsPowerShell.Core.Google;
using StsPowerShell.Core.Http;

namespace StsPowerShell.Binding
{
    /// <summary>The values of the credential access boundary cmdlets, and the calls they drive; errors name cmdlet parameters.</summary>
    internal sealed class DownscopeParameters
    {
        public object? AccessToken { get; set; }

        public DateTimeOffset? AccessTokenExpiresOn { get; set; }

        public AccessBoundaryRule[] AccessBoundaryRule { get; set; } = Array.Empty<AccessBoundaryRule>();

        public string TokenEndpoint { get; set; } = GoogleSts.DefaultTokenEndpoint;

        public static AccessBoundaryRule NewRule(string availableResource, IEnumerable<string> availablePermission, string? conditionExpression, string? conditionTitle, string? conditionDescription)
        {
            try
            {
                return new AccessBoundaryRule(availableResource, availablePermission, conditionExpression, conditionTitle, conditionDescription);
            }
            catch (ArgumentException e)
            {
                throw ParameterNames.Rename(e, e.ParamName switch
                {
                    "availableResource" => "AvailableResource",
                    "availablePermissions" => "AvailablePermission",
                    _ => "ConditionExpression",
                });
            }
        }

        public Task<IssuedToken> DownscopeAsync(StsHttpOptions options, CancellationToken cancellationToken)
        {
            var endpoint = EndpointPolicy.Parse(TokenEndpoint, "TokenEndpoint");
            var token = SecretText.FromParameter(AccessToken, "AccessToken");
            if (string.IsNullOrEmpty(token))
            {
                throw new ArgumentException("A Google access token is required: pipe one in, or pass -AccessToken.", "AccessToken");
            }

            try
            {
                CredentialAccessBoundary.ToOptions(AccessBoundaryRule);
            }
            catch (ArgumentException e)
            {
                throw ParameterNames.Rename(e, "AccessBoundaryRule");
            }

            return CredentialAccessBoundary.DownscopeAsync(endpoint, token!, AccessTokenExpiresOn, AccessBoundaryRule.ToList(), options, cancellationToken);
        }
    }
}
