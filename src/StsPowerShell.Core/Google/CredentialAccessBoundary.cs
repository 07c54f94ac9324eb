using System;
using System.Collections.Generic;
using System.IO;
using System.Text;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using StsPowerShell.Core.Exchange;
using StsPowerShell.Core.Http;

namespace StsPowerShell.Core.Google
{
    /// <summary>
    /// Downscoping: a Google access token exchanged for one that can do only what a credential access boundary
    /// (at most 10 rules) allows.
    /// </summary>
    public static class CredentialAccessBoundary
    {
        /// <summary>Google's limit on the rules of one boundary.</summary>
        public const int MaximumRules = 10;

        // The name errors about the rules carry.
        private const string RulesName = "AccessBoundaryRule";

        /// <summary>The <c>options</c> JSON carrying the boundary.</summary>
        /// <exception cref="ArgumentException">There are no rules, more than 10, or the JSON exceeds 4096 characters.</exception>
        public static string ToOptions(IReadOnlyList<AccessBoundaryRule> rules)
        {
            if (rules.Count == 0 || rules.Count > MaximumRules)
            {
                throw new ArgumentException($"A credential access boundary has 1 to {MaximumRules} rules, not {rules.Count}.", RulesName);
            }

            using var stream = new MemoryStream();
            using (var writer = new Utf8JsonWriter(stream, StsOptionsJson.WriterOptions))
            {
                writer.WriteStartObject();
                writer.WriteStartObject("accessBoundary");
                writer.WriteStartArray("accessBoundaryRules");
                foreach (var rule in rules)
                {
                    writer.WriteStartObject();
                    writer.WriteString("availableResource", rule.AvailableResource);
                    writer.WriteStartArray("availablePermissions");
                    foreach (var permission in rule.AvailablePermissions)
                    {
                        writer.WriteStringValue(permission);
                    }

                    writer.WriteEndArray();
                    if (rule.ConditionExpression != null)
                    {
                        writer.WriteStartObject("availabilityCondition");
                        writer.WriteString("expression", rule.ConditionExpression);
                        if (rule.ConditionTitle != null)
                        {
                            writer.WriteString("title", rule.ConditionTitle);
                        }

                        if (rule.ConditionDescription != null)
                        {
                            writer.WriteString("description", rule.ConditionDescription);
                        }

                        writer.WriteEndObject();
                    }

                    writer.WriteEndObject();
                }

                writer.WriteEndArray();
                writer.WriteEndObject();
                writer.WriteEndObject();
            }

            var options = Encoding.UTF8.GetString(stream.ToArray());
            try
            {
                GoogleSts.ValidateOptions(options);
            }
            catch (ArgumentException e)
            {
                throw new ArgumentException($"The boundary is too large for Google's STS: {MessageText.Reason(e)} Use fewer or shorter rules.", RulesName);
            }

            return options;
        }

        /// <summary>
        /// Exchanges <paramref name="accessToken"/> for a downscoped token. Google states no expiry for it, so
        /// <paramref name="sourceExpiresOn"/> (the source token's) is used when the answer has none.
        /// </summary>
        public static async Task<IssuedToken> DownscopeAsync(Uri tokenEndpoint, string accessToken, DateTimeOffset? sourceExpiresOn, IReadOnlyList<AccessBoundaryRule> rules, StsHttpOptions options, CancellationToken cancellationToken)
        {
            var exchange = new TokenExchangeOperation(tokenEndpoint, null, options);
            var request = exchange.Prepare(new TokenExchangeRequestBuilder
            {
                SubjectToken = accessToken,
                SubjectTokenType = TokenTypes.AccessToken,
                RequestedTokenType = TokenTypes.AccessToken,
                Options = ToOptions(rules),
            });
            return await exchange.ExchangeAsync(request, TokenReuse.None, sourceExpiresOn, cancellationToken).ConfigureAwait(false);
        }
    }
}
