using System.Management.Automation;
using System.Security.Cryptography.X509Certificates;

namespace StsPowerShell.Parameters
{
    /// <summary>
    /// Declines a certificate (live, or deserialized from remoting or Import-Clixml) or an object that names one by its
    /// Thumbprint and carries no token, for a catch-all pipeline parameter. PowerShell's binder offers a piped object
    /// to the default parameter set first and settles on that set as soon as anything there binds; a refusal shaped as
    /// an invalid cast is skipped silently, so the binder goes on to the set whose parameters take the certificate.
    /// </summary>
    public sealed class DeclineCertificateAttribute : ArgumentTransformationAttribute
    {
        private const string DeserializedCertificate = "Deserialized.System.Security.Cryptography.X509Certificates.X509Certificate2";

        /// <inheritdoc />
        public override object? Transform(EngineIntrinsics engineIntrinsics, object? inputData)
        {
            var namesCertificate = inputData is PSObject wrapped
                ? wrapped.BaseObject is X509Certificate
                    || wrapped.TypeNames.Contains(DeserializedCertificate)
                    || (wrapped.Properties["Thumbprint"] != null && wrapped.Properties["SubjectToken"] == null && wrapped.Properties["AccessToken"] == null)
                : inputData is X509Certificate;
            return namesCertificate
                ? throw new ArgumentTransformationMetadataException("A certificate is not a subject token.", new PSInvalidCastException("A certificate is not a subject token."))
                : inputData;
        }
    }
}
