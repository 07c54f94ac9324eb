using System;
using System.Reflection;

namespace StsPowerShell.Core.Aws
{
    /// <summary>
    /// Reads an AWS SDK for .NET credentials object (AWS.Tools passes Amazon.Runtime.AWSCredentials, whose
    /// GetCredentials() returns ImmutableCredentials with AccessKey, SecretKey and Token) by reflection, so this
    /// library never loads the AWS SDK itself and cannot clash with the version AWS.Tools loaded.
    /// </summary>
    public static class AwsSdkCredentials
    {
        /// <summary>The keys <paramref name="credential"/> holds.</summary>
        /// <exception cref="ArgumentException">It is not such an object; ParamName is <paramref name="parameterName"/>.</exception>
        public static AwsCredentials Read(object credential, string parameterName)
        {
            object immutable;
            try
            {
                immutable = credential.GetType().GetMethod("GetCredentials", BindingFlags.Public | BindingFlags.Instance, null, Type.EmptyTypes, null)?.Invoke(credential, null) ?? credential;
            }
            catch (TargetInvocationException e) when (e.InnerException != null)
            {
                // Its own message may quote what it was given; the type says enough.
                throw new ArgumentException($"The credentials object's GetCredentials() failed with {e.InnerException.GetType().FullName}.", parameterName, e.InnerException);
            }

            var keyId = Property(immutable, "AccessKey");
            var secret = Property(immutable, "SecretKey");
            if (string.IsNullOrWhiteSpace(keyId) || string.IsNullOrWhiteSpace(secret))
            {
                throw new ArgumentException($"Expected a PSCredential (key id as user name, secret as password) or an AWS.Tools credentials object, not a {credential.GetType().FullName}.", parameterName);
            }

            return new AwsCredentials(keyId!, secret!, Property(immutable, "Token"), null, "-" + parameterName);
        }

        private static string? Property(object target, string name) =>
            target.GetType().GetProperty(name, BindingFlags.Public | BindingFlags.Instance)?.GetValue(target) as string;
    }
}
