using System;
using System.Collections.Generic;
using System.IO;
using System.Reflection;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace StsPowerShell.Core.Certificates
{
    /// <summary>
    /// Loads client certificates from where Windows servers and Google's tools keep them: a certificate store, a PFX
    /// file, PEM certificate and key files, and a PEM chain file. Errors name the parameter the input came from and
    /// never hold a password or key material.
    /// </summary>
    public static class CertificateLoader
    {
        /// <summary>The largest PFX, PEM or chain file read: certificates are a few kilobytes.</summary>
        public const int MaximumFileBytes = 1024 * 1024;

        private const string BeginCertificate = "-----BEGIN CERTIFICATE-----";
        private const string EndCertificate = "-----END CERTIFICATE-----";

        // X509KeyStorageFlags.EphemeralKeySet (.NET Core 2.0, .NET Framework 4.7.2), which netstandard2.0 does not name.
        private const X509KeyStorageFlags EphemeralKeySet = (X509KeyStorageFlags)32;

        private static bool IsWindows => RuntimeInformation.IsOSPlatform(OSPlatform.Windows);

        /// <summary>The certificate with <paramref name="thumbprint"/> in the <paramref name="storeName"/> store of <paramref name="location"/>.</summary>
        /// <exception cref="CertificateUnusableException">The thumbprint is malformed or names no certificate there.</exception>
        public static X509Certificate2 FromStore(string thumbprint, StoreLocation location, string storeName, string parameterName)
        {
            var normalized = NormalizeThumbprint(thumbprint, location, storeName, parameterName);
            return FindInStore(normalized, location, storeName, parameterName)
                ?? throw new CertificateUnusableException(CertificateProblem.Unreadable, $"No certificate with thumbprint {normalized} is in {location}\\{storeName}.", parameterName);
        }

        /// <summary>
        /// A piped certificate itself when it holds its private key; otherwise (rehydrated from remoting or Import-Clixml,
        /// or read without its key) the entry with its thumbprint in the My store of <paramref name="location"/>, when that
        /// one has the key. Else the certificate as given, which <see cref="WorkloadCertificate.Create"/> then refuses.
        /// </summary>
        public static X509Certificate2 WithPrivateKey(X509Certificate2 certificate, StoreLocation location, string parameterName)
        {
            if (certificate.HasPrivateKey)
            {
                return certificate;
            }

            try
            {
                var stored = FindInStore(certificate.Thumbprint, location, "My", parameterName);
                if (stored != null && stored.HasPrivateKey)
                {
                    return stored;
                }

                stored?.Dispose();
                return certificate;
            }
            catch (CertificateUnusableException)
            {
                // A store that cannot be opened holds no key for it either: the refusal names the missing key.
                return certificate;
            }
        }

        /// <summary>Whether <paramref name="thumbprint"/>, as a person may have typed or pasted it, names <paramref name="certificate"/>.</summary>
        public static bool HasThumbprint(X509Certificate2 certificate, string thumbprint, StoreLocation location, string parameterName) =>
            Matches(certificate, NormalizeThumbprint(thumbprint, location, "My", parameterName));

        // A normalized thumbprint: 40 digits are the SHA-1 hash Windows shows, 64 the SHA-256 hash newer tools show.
        private static bool Matches(X509Certificate2 certificate, string thumbprint)
        {
            if (thumbprint.Length == 40)
            {
                return string.Equals(certificate.Thumbprint, thumbprint, StringComparison.OrdinalIgnoreCase);
            }

            using var sha256 = SHA256.Create();
            return string.Equals(BitConverter.ToString(sha256.ComputeHash(certificate.RawData)).Replace("-", string.Empty), thumbprint, StringComparison.OrdinalIgnoreCase);
        }

        private static string NormalizeThumbprint(string thumbprint, StoreLocation location, string storeName, string parameterName)
        {
            // Copied from the certificate dialog, a thumbprint carries spaces and an invisible left-to-right mark.
            var normalized = new string(Array.FindAll((thumbprint ?? string.Empty).ToCharArray(), Uri.IsHexDigit)).ToUpperInvariant();
            return normalized.Length == 40 || normalized.Length == 64
                ? normalized
                : throw new CertificateUnusableException(CertificateProblem.Unreadable, $"'{thumbprint}' is not a certificate thumbprint: expected 40 hexadecimal digits (SHA-1) as Get-ChildItem Cert:\\{location}\\{storeName} shows, or 64 (SHA-256).", parameterName);
        }

        private static X509Certificate2? FindInStore(string thumbprint, StoreLocation location, string storeName, string parameterName)
        {
            using var store = new X509Store(storeName, location);
            try
            {
                store.Open(OpenFlags.ReadOnly | OpenFlags.OpenExistingOnly);
            }
            catch (CryptographicException e)
            {
                throw new CertificateUnusableException(CertificateProblem.Unreadable, $"The certificate store {location}\\{storeName} cannot be opened: {e.Message.Trim()}", parameterName, e);
            }

            foreach (var certificate in store.Certificates)
            {
                if (Matches(certificate, thumbprint))
                {
                    return certificate;
                }

                certificate.Dispose();
            }

            return null;
        }

        /// <summary>The certificate with a private key in the PFX (PKCS#12) file at <paramref name="path"/>.</summary>
        /// <exception cref="CertificateUnusableException">The file is missing, too large, not PKCS#12, the password is wrong, or it holds no certificate.</exception>
        public static X509Certificate2 FromPfx(string path, string? password, string parameterName)
        {
            var bytes = ReadBytes(path, parameterName);
            var collection = new X509Certificate2Collection();
            try
            {
                // Windows TLS refuses an ephemeral key; elsewhere the key stays in memory rather than in a key store.
                collection.Import(bytes, password, IsWindows ? X509KeyStorageFlags.DefaultKeySet : EphemeralKeySet);
            }
            catch (CryptographicException e)
            {
                throw new CertificateUnusableException(CertificateProblem.Unreadable, $"{path} cannot be read as a PFX (PKCS#12) file: the password is wrong or the file is damaged ({e.GetType().Name}).", parameterName, e);
            }

            // The leaf is the certificate that comes with the key; a PFX without a key still yields its certificate,
            // which the checks then refuse for that reason.
            X509Certificate2? found = null;
            foreach (var certificate in collection)
            {
                if (found == null && certificate.HasPrivateKey)
                {
                    found = certificate;
                }
            }

            found ??= collection.Count > 0 ? collection[0] : null;
            return found ?? throw new CertificateUnusableException(CertificateProblem.Unreadable, $"{path} holds no certificate.", parameterName);
        }

        /// <summary>
        /// The certificate of the PEM file <paramref name="certificatePath"/> (the first one, as google-auth takes it) joined
        /// to the unencrypted PEM private key (PKCS#8, PKCS#1 or SEC 1) of <paramref name="keyPath"/>. Needs .NET 5 or later
        /// (PowerShell 7); on Windows the key is imported so that Windows TLS accepts it.
        /// </summary>
        /// <exception cref="CertificateUnusableException">A file is missing or malformed, the key does not match, or the runtime cannot read PEM keys.</exception>
        public static X509Certificate2 FromPem(string certificatePath, string keyPath, string parameterName)
        {
            ReadBytes(certificatePath, parameterName);
            ReadBytes(keyPath, parameterName);

            // X509Certificate2.CreateFromPemFile exists from .NET 5; this assembly targets netstandard2.0 for Windows PowerShell 5.1.
            var create = typeof(X509Certificate2).GetMethod("CreateFromPemFile", BindingFlags.Public | BindingFlags.Static, null, new[] { typeof(string), typeof(string) }, null);
            if (create == null)
            {
                throw new CertificateUnusableException(CertificateProblem.Unreadable,
                    "PEM private keys can be read on PowerShell 7 only. On Windows PowerShell 5.1, import the certificate and key into the certificate store (certutil -importPFX, or Import-PfxCertificate after openssl pkcs12 -export) and give -CertificateThumbprint, or give a PFX file.", parameterName);
            }

            X509Certificate2 loaded;
            try
            {
                loaded = (X509Certificate2)create.Invoke(null, new object[] { certificatePath, keyPath })!;
            }
            catch (TargetInvocationException e) when (e.InnerException is CryptographicException || e.InnerException is ArgumentException)
            {
                throw new CertificateUnusableException(CertificateProblem.Unreadable,
                    $"{certificatePath} and {keyPath} are not a PEM certificate and its unencrypted private key ({e.InnerException.GetType().Name}: the key may be encrypted, of another certificate, or not PEM).", parameterName, e.InnerException);
            }

            return IsWindows ? ImportForWindowsTls(loaded, parameterName) : loaded;
        }

        /// <summary>The certificates of the PEM chain file at <paramref name="path"/>, in file order (as google-auth splits it).</summary>
        /// <exception cref="CertificateUnusableException">The file is missing, too large or holds a block that is not a certificate.</exception>
        public static IReadOnlyList<X509Certificate2> ReadChain(string path, string parameterName)
        {
            var text = System.Text.Encoding.ASCII.GetString(ReadBytes(path, parameterName));
            var chain = new List<X509Certificate2>();
            var start = text.IndexOf(BeginCertificate, StringComparison.Ordinal);
            while (start >= 0)
            {
                var end = text.IndexOf(EndCertificate, start, StringComparison.Ordinal);
                if (end < 0)
                {
                    throw new CertificateUnusableException(CertificateProblem.Unreadable, $"{path}: certificate {chain.Count + 1} has no {EndCertificate} line.", parameterName);
                }

                var body = text.Substring(start + BeginCertificate.Length, end - start - BeginCertificate.Length);
                try
                {
                    chain.Add(new X509Certificate2(Convert.FromBase64String(body.Trim())));
                }
                catch (Exception e) when (e is FormatException || e is CryptographicException)
                {
                    throw new CertificateUnusableException(CertificateProblem.Unreadable, $"{path}: certificate {chain.Count + 1} is not a PEM certificate ({e.GetType().Name}).", parameterName, e);
                }

                start = text.IndexOf(BeginCertificate, end, StringComparison.Ordinal);
            }

            return chain.Count > 0 ? chain : throw new CertificateUnusableException(CertificateProblem.Unreadable, $"{path} holds no PEM certificate ({BeginCertificate}).", parameterName);
        }

        // A key loaded from PEM is ephemeral, and SChannel refuses ephemeral keys: through PKCS#12 it becomes a key
        // Windows TLS accepts (removed again when the certificate is disposed). Not verified here: the tests run on Linux.
        private static X509Certificate2 ImportForWindowsTls(X509Certificate2 loaded, string parameterName)
        {
            try
            {
                return new X509Certificate2(loaded.Export(X509ContentType.Pkcs12), (string?)null, X509KeyStorageFlags.DefaultKeySet);
            }
            catch (CryptographicException e)
            {
                throw new CertificateUnusableException(CertificateProblem.Unreadable,
                    $"Windows could not import the PEM key so that TLS can use it ({e.Message.Trim()}). Import the certificate and its key into the certificate store (Cert:\\CurrentUser\\My or Cert:\\LocalMachine\\My) and give it with -CertificateThumbprint or from Get-Item Cert:\\…", parameterName, e);
            }
            finally
            {
                loaded.Dispose();
            }
        }

        private static byte[] ReadBytes(string path, string parameterName)
        {
            try
            {
                var info = new FileInfo(path);
                if (!info.Exists)
                {
                    throw new CertificateUnusableException(CertificateProblem.Unreadable, $"The file {path} does not exist.", parameterName);
                }

                if (info.Length > MaximumFileBytes)
                {
                    throw new CertificateUnusableException(CertificateProblem.Unreadable, $"{path} is larger than {MaximumFileBytes} bytes; a certificate file is a few kilobytes.", parameterName);
                }

                return File.ReadAllBytes(path);
            }
            catch (Exception e) when (e is IOException || e is UnauthorizedAccessException || e is ArgumentException && !(e is CertificateUnusableException) || e is NotSupportedException)
            {
                throw new CertificateUnusableException(CertificateProblem.Unreadable, $"{path} cannot be read: {e.Message.Trim()}", parameterName, e);
            }
        }
    }
}
