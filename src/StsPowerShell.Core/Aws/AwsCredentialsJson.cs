using System;
using System.Globalization;
using System.Text.Json;

using StsPowerShell.Core.Http;

namespace StsPowerShell.Core.Aws
{
    /// <summary>
    /// Reads the credential documents of the instance metadata service, the container credentials endpoint
    /// and credential_process. Errors describe the shape, never the content.
    /// </summary>
    internal static class AwsCredentialsJson
    {
        /// <summary>The credentials in <paramref name="json"/>, or throws <see cref="UnusableInputException"/> saying what is wrong.</summary>
        public static AwsCredentials Parse(string json, string source, string sessionTokenField)
        {
            JsonDocument document;
            try
            {
                document = JsonText.Parse(json);
            }
            catch (JsonException)
            {
                throw new UnusableInputException("the answer is not JSON");
            }

            using (document)
            {
                var root = document.RootElement;
                if (root.ValueKind != JsonValueKind.Object)
                {
                    throw new UnusableInputException("the answer is not a JSON object");
                }

                var code = JsonText.String(root, "Code");
                if (code != null && !string.Equals(code, "Success", StringComparison.OrdinalIgnoreCase))
                {
                    throw new UnusableInputException($"the answer's Code is '{code}', not Success");
                }

                var keyId = JsonText.String(root, "AccessKeyId");
                var secret = JsonText.String(root, "SecretAccessKey");
                if (string.IsNullOrEmpty(keyId) || string.IsNullOrEmpty(secret))
                {
                    throw new UnusableInputException("the answer lacks AccessKeyId or SecretAccessKey");
                }

                DateTimeOffset? expiration = null;
                var expirationText = JsonText.String(root, "Expiration");
                if (expirationText != null)
                {
                    if (!DateTimeOffset.TryParse(expirationText, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var parsed))
                    {
                        throw new UnusableInputException("the answer's Expiration is not a date");
                    }

                    expiration = parsed;
                }

                return new AwsCredentials(keyId!, secret!, JsonText.String(root, sessionTokenField), expiration, source);
            }
        }

    }
}
