using System;
using System.Reflection;
using System.Security;
using System.Threading;
using System.Threading.Tasks;
using StsPowerShell.Core.Aws;
using StsPowerShell.Core.Http;

namespace StsPowerShell.Binding
{
    /// <summary>
    /// The values New-AwsCallerIdentityToken was given, and the flow they drive: explicit keys or discovered
    /// ones, the region, the endpoint, and the signed token. Every input error names the cmdlet parameter.
    /// </summary>
    internal sealed class AwsCallerIdentityParameters
    {
        public string Audience { get; set; } = string.Empty;

        public string? Region { get; set; }

        public string? StsEndpoint { get; set; }

        public string? AccessKey { get; set; }

        /// <summary>A string or SecureString.</summary>
        public object? SecretKey { get; set; }

        /// <summary>A string or SecureString.</summary>
        public object? SessionToken { get; set; }

        /// <summary>An AWS.Tools credentials object (anything with GetCredentials()), already unwrapped; PSCredential arrives as <see cref="CredentialUserName"/> and <see cref="CredentialPassword"/>.</summary>
        public object? Credential { get; set; }

        public string? CredentialUserName { get; set; }

        public SecureString? CredentialPassword { get; set; }

        public string? ProfileName { get; set; }

        public string? ProfileLocation { get; set; }

        /// <summary>Finds what is missing, signs, and returns the token.</summary>
        public async Task<CallerIdentityToken> CreateAsync(AwsDiscoveryOptions discovery, Func<DateTimeOffset> clock, CancellationToken cancellationToken)
        {
            var endpoint = string.IsNullOrWhiteSpace(StsEndpoint) ? null : EndpointPolicy.Parse(StsEndpoint, "StsEndpoint");
            discovery.ProfileName = ProfileName;
            discovery.ProfileLocation = ProfileLocation;
            var finder = new AwsCredentialDiscovery(discovery);
            var credentials = ExplicitCredentials() ?? await finder.FindCredentialsAsync(cancellationToken).ConfigureAwait(false);
            var region = string.IsNullOrWhiteSpace(Region) ? await finder.FindRegionAsync(cancellationToken).ConfigureAwait(false) : Region!.Trim();
            try
            {
                return CallerIdentityToken.Create(credentials, region, Audience, clock(), endpoint);
            }
            catch (ArgumentException e) when (e.ParamName == "region" || e.ParamName == "audience")
            {
                throw ParameterNames.Rename(e, e.ParamName == "region" ? "Region" : "Audience");
            }
        }

        /// <summary>Credentials given as parameters, or null to discover them.</summary>
        /// <exception cref="ArgumentException">A key is given without its secret, or the credential object is unusable.</exception>
        public AwsCredentials? ExplicitCredentials()
        {
            if (!string.IsNullOrEmpty(AccessKey))
            {
                var secret = SecretText.FromParameter(SecretKey, "SecretKey");
                if (string.IsNullOrEmpty(secret))
                {
                    throw new ArgumentException("-AccessKey needs -SecretKey.", "SecretKey");
                }

                return new AwsCredentials(AccessKey!, secret!, SecretText.FromParameter(SessionToken, "SessionToken"), null, "parameters");
            }

            if (!string.IsNullOrEmpty(CredentialUserName))
            {
                var secret = CredentialPassword == null ? null : SecretText.ToPlainText(CredentialPassword);
                if (string.IsNullOrEmpty(secret))
                {
                    throw new ArgumentException("The PSCredential's password must hold the AWS secret access key.", "Credential");
                }

                return new AwsCredentials(CredentialUserName!, secret!, SecretText.FromParameter(SessionToken, "SessionToken"), null, "-Credential");
            }

            return Credential == null ? null : FromAwsToolsObject(Credential);
        }

        // AWS.Tools passes Amazon.Runtime.AWSCredentials; its GetCredentials() returns ImmutableCredentials
        // (AccessKey, SecretKey, Token). Read by reflection so the module never loads the AWS SDK itself.
        private static AwsCredentials FromAwsToolsObject(object credential)
        {
            var immutable = credential.GetType().GetMethod("GetCredentials", BindingFlags.Public | BindingFlags.Instance, null, Type.EmptyTypes, null)?.Invoke(credential, null) ?? credential;
            var keyId = Property(immutable, "AccessKey");
            var secret = Property(immutable, "SecretKey");
            if (string.IsNullOrEmpty(keyId) || string.IsNullOrEmpty(secret))
            {
                throw new ArgumentException($"Expected a PSCredential (key id as user name, secret as password) or an AWS.Tools credentials object, not a {credential.GetType().FullName}.", "Credential");
            }

            return new AwsCredentials(keyId!, secret!, Property(immutable, "Token"), null, "-Credential");
        }

        private static string? Property(object target, string name) =>
            target.GetType().GetProperty(name, BindingFlags.Public | BindingFlags.Instance)?.GetValue(target) as string;
    }
}
