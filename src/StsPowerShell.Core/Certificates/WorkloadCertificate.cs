using System;
using System.Collections.Generic;
using System.Globalization;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace StsPowerShell.Core.Certificates
{
    /// <summary>
    /// A client certificate with its private key and the rest of its chain, checked for use in X.509 workload identity
    /// federation: it is presented in TLS, and its chain is the subject token (<see cref="SubjectToken"/>).
    /// </summary>
    public sealed class WorkloadCertificate
    {
        private WorkloadCertificate(X509Certificate2 certificate, IReadOnlyList<X509Certificate2> chain, string subjectToken)
        {
            Certificate = certificate;
            Chain = chain;
            SubjectToken = subjectToken;
        }

        /// <summary>The leaf, with its private key.</summary>
        public X509Certificate2 Certificate { get; }

        /// <summary>The certificates after the leaf, in the order they are sent.</summary>
        public IReadOnlyList<X509Certificate2> Chain { get; }

        /// <summary>
        /// The subject token exactly as Google's libraries build it (google-auth's <c>_X509Supplier</c>): a JSON array
        /// (Python's <c>json.dumps</c>, so ", " between items) of the standard-Base64 DER certificates, leaf first.
        /// </summary>
        public string SubjectToken { get; }

        /// <summary>
        /// Checks <paramref name="certificate"/> and <paramref name="chain"/> (as read from a chain file, which may
        /// begin with the leaf) at <paramref name="now"/> and builds the subject token. Errors name <paramref name="parameterName"/>.
        /// </summary>
        /// <param name="certificate">The leaf.</param>
        /// <param name="chain">The chain file's certificates, in file order; empty when there is none.</param>
        /// <param name="now">The time validity is checked at.</param>
        /// <param name="parameterName">Where the certificate came from, for errors.</param>
        /// <param name="chainParameterName">Where the chain came from, for errors about it; <paramref name="parameterName"/> when null.</param>
        /// <param name="openPrivateKey">Opens the key, as TLS will; replaceable for tests (an unreadable key cannot be made on every platform).</param>
        /// <exception cref="CertificateUnusableException">No private key, a key the account may not use, outside its validity, or the leaf later in the chain.</exception>
        public static WorkloadCertificate Create(X509Certificate2 certificate, IReadOnlyList<X509Certificate2> chain, DateTimeOffset now, string parameterName, string? chainParameterName = null, Func<X509Certificate2, IDisposable?>? openPrivateKey = null)
        {
            var name = Describe(certificate);
            if (!certificate.HasPrivateKey)
            {
                throw new CertificateUnusableException(CertificateProblem.NoPrivateKey,
                    $"The certificate {name} has no private key, so it cannot authenticate in TLS. Use the certificate store entry or PFX file that holds its key, or give its PEM key file.", parameterName);
            }

            CheckKeyReadable(certificate, name, parameterName, openPrivateKey ?? OpenPrivateKey);
            var notBefore = new DateTimeOffset(certificate.NotBefore.ToUniversalTime(), TimeSpan.Zero);
            var notAfter = new DateTimeOffset(certificate.NotAfter.ToUniversalTime(), TimeSpan.Zero);
            if (now > notAfter)
            {
                throw new CertificateUnusableException(CertificateProblem.Expired,
                    $"The certificate {name} expired at {Utc(notAfter)} (now {Utc(now)}). Use its renewed certificate (for a certificate auto-enrolled from Active Directory, the newest one in the store with the same template).", parameterName);
            }

            if (now < notBefore)
            {
                throw new CertificateUnusableException(CertificateProblem.NotYetValid,
                    $"The certificate {name} is not valid before {Utc(notBefore)} (now {Utc(now)}). Check the machine's clock, or wait until then.", parameterName);
            }

            var chainParameter = chainParameterName ?? parameterName;
            return new WorkloadCertificate(certificate, Order(certificate, chain, name, chainParameter), BuildSubjectToken(certificate, chain, name, chainParameter));
        }

        /// <summary>The subject token for <paramref name="leaf"/> and a chain file's <paramref name="chain"/>, as google-auth builds it.</summary>
        /// <exception cref="CertificateUnusableException">The leaf appears in the chain after its first position.</exception>
        internal static string BuildSubjectToken(X509Certificate2 leaf, IReadOnlyList<X509Certificate2> chain, string name, string parameterName)
        {
            var builder = new StringBuilder("[");
            Append(builder, leaf);
            foreach (var certificate in Order(leaf, chain, name, parameterName))
            {
                builder.Append(", ");
                Append(builder, certificate);
            }

            return builder.Append(']').ToString();
        }

        /// <summary>How errors and verbose messages name a certificate: its subject and thumbprint, nothing secret.</summary>
        public static string Describe(X509Certificate2 certificate) => $"'{certificate.Subject}' (thumbprint {certificate.Thumbprint})";

        // Google's rule: a chain that starts with the leaf does not repeat it; the leaf anywhere later is an error.
        private static List<X509Certificate2> Order(X509Certificate2 leaf, IReadOnlyList<X509Certificate2> chain, string name, string parameterName)
        {
            var rest = new List<X509Certificate2>(chain.Count);
            for (var i = 0; i < chain.Count; i++)
            {
                if (SameCertificate(chain[i], leaf))
                {
                    if (i == 0)
                    {
                        continue;
                    }

                    throw new CertificateUnusableException(CertificateProblem.ChainOrder,
                        $"The certificate chain names the leaf {name} in position {i + 1}; the leaf must come first (or not at all), then each certificate's issuer.", parameterName);
                }

                rest.Add(chain[i]);
            }

            return rest;
        }

        private static bool SameCertificate(X509Certificate2 a, X509Certificate2 b)
        {
            var left = a.RawData;
            var right = b.RawData;
            if (left.Length != right.Length)
            {
                return false;
            }

            for (var i = 0; i < left.Length; i++)
            {
                if (left[i] != right[i])
                {
                    return false;
                }
            }

            return true;
        }

        private static void Append(StringBuilder builder, X509Certificate2 certificate) =>
            builder.Append('"').Append(Convert.ToBase64String(certificate.RawData)).Append('"');

        private static void CheckKeyReadable(X509Certificate2 certificate, string name, string parameterName, Func<X509Certificate2, IDisposable?> openPrivateKey)
        {
            try
            {
                using var key = openPrivateKey(certificate);
                if (key != null)
                {
                    return;
                }
            }
            catch (Exception e) when (e is CryptographicException || e is UnauthorizedAccessException || e is NotSupportedException)
            {
                throw KeyNotReadable(name, parameterName, e);
            }

            throw KeyNotReadable(name, parameterName, null);
        }

        private static CertificateUnusableException KeyNotReadable(string name, string parameterName, Exception? inner)
        {
            var account = CurrentAccount();
            return new CertificateUnusableException(CertificateProblem.KeyNotReadable,
                $"The private key of the certificate {name} cannot be used by {account}{(inner == null ? string.Empty : " (" + inner.Message.Trim() + ")")}. " +
                $"Grant {account} Read on the key: in certlm.msc (LocalMachine) or certmgr.msc (CurrentUser), right-click the certificate, All Tasks, Manage Private Keys, " +
                "Add the account with Read permission, or have the certificate reissued to a template that grants it (for a service, its virtual account such as NT SERVICE\\<name>). Keys of LocalMachine certificates are files under %ProgramData%\\Microsoft\\Crypto; only an administrator can change who reads them.",
                parameterName, inner);
        }

        // The key types TLS can use; a certificate whose key is of another algorithm cannot be used either.
        private static IDisposable? OpenPrivateKey(X509Certificate2 certificate) =>
            (IDisposable?)certificate.GetRSAPrivateKey() ?? certificate.GetECDsaPrivateKey();

        private static string CurrentAccount()
        {
            var domain = Environment.UserDomainName;
            return string.IsNullOrEmpty(domain) || string.Equals(domain, Environment.MachineName, StringComparison.OrdinalIgnoreCase) && !IsWindows()
                ? Environment.UserName
                : domain + "\\" + Environment.UserName;
        }

        private static bool IsWindows() => System.Runtime.InteropServices.RuntimeInformation.IsOSPlatform(System.Runtime.InteropServices.OSPlatform.Windows);

        private static string Utc(DateTimeOffset time) => time.UtcDateTime.ToString("u", CultureInfo.InvariantCulture);
    }
}
