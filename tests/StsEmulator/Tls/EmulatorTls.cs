using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace StsEmulator.Tls;

/// <summary>
/// A test CA and a server certificate it issued, made in memory at start, so the emulator can serve HTTPS under
/// names such as sts.test and clients verify it as they would a real server: by trusting the CA (on Linux,
/// SSL_CERT_FILE pointing at <see cref="CaFile"/>), never by turning validation off.
/// </summary>
public sealed class EmulatorTls : IDisposable
{
    /// <summary>The names the server certificate covers when none are given.</summary>
    public static readonly IReadOnlyList<string> DefaultNames = new[] { "sts.test", "localhost", "127.0.0.1", "::1" };

    private readonly string? ownedFolder;

    private EmulatorTls(X509Certificate2 ca, X509Certificate2 server, string caFile, string? ownedFolder)
    {
        Ca = ca;
        ServerCertificate = server;
        CaFile = caFile;
        this.ownedFolder = ownedFolder;
    }

    /// <summary>The CA certificate (public part only).</summary>
    public X509Certificate2 Ca { get; }

    /// <summary>The server certificate with its private key, for Kestrel.</summary>
    public X509Certificate2 ServerCertificate { get; }

    /// <summary>The PEM file holding just the CA certificate.</summary>
    public string CaFile { get; }

    /// <summary>
    /// Makes the CA and the server certificate for <paramref name="names"/> (DNS names or IP addresses) and writes
    /// the CA as PEM to <paramref name="caFile"/>, or to a new temporary folder (removed on dispose) when null.
    /// </summary>
    public static EmulatorTls Create(IEnumerable<string>? names = null, string? caFile = null)
    {
        var subjectNames = (names ?? DefaultNames).Select(n => n.Trim()).Where(n => n.Length > 0).ToArray();
        if (subjectNames.Length == 0)
        {
            throw new ArgumentException("The server certificate needs at least one name.", nameof(names));
        }

        // Valid from an hour ago (clock skew between processes) for one day: long enough for any test run.
        var notBefore = DateTimeOffset.UtcNow.AddHours(-1);
        var notAfter = DateTimeOffset.UtcNow.AddDays(1);
        var run = Guid.NewGuid().ToString("N")[..8];

        using var caKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var caRequest = new CertificateRequest($"CN=StsEmulator Test CA {run}", caKey, HashAlgorithmName.SHA256);
        caRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, true, 0, true));
        caRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        caRequest.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(caRequest.PublicKey, false));
        using var caWithKey = caRequest.CreateSelfSigned(notBefore, notAfter);

        using var serverKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var serverRequest = new CertificateRequest($"CN={subjectNames[0]}", serverKey, HashAlgorithmName.SHA256);
        serverRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        serverRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        serverRequest.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension(new OidCollection { new Oid("1.3.6.1.5.5.7.3.1") }, false));
        serverRequest.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(serverRequest.PublicKey, false));
        serverRequest.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(caWithKey, true, false));
        var alternativeNames = new SubjectAlternativeNameBuilder();
        foreach (var name in subjectNames)
        {
            if (IPAddress.TryParse(name, out var address))
            {
                alternativeNames.AddIpAddress(address);
            }
            else
            {
                alternativeNames.AddDnsName(name);
            }
        }

        serverRequest.CertificateExtensions.Add(alternativeNames.Build());
        var serial = RandomNumberGenerator.GetBytes(16);
        serial[0] &= 0x7F;
        using var issued = serverRequest.Create(caWithKey, notBefore, notAfter, serial);
        using var issuedWithKey = issued.CopyWithPrivateKey(serverKey);

        // Re-imported from PKCS#12: a certificate joined to an ephemeral key object is not usable by SslStream on
        // every platform (Windows' SChannel refuses it); one loaded from PFX is. Linux keeps the key in memory.
        var flags = OperatingSystem.IsWindows() ? X509KeyStorageFlags.DefaultKeySet : X509KeyStorageFlags.EphemeralKeySet;
        var server = X509CertificateLoader.LoadPkcs12(issuedWithKey.Export(X509ContentType.Pfx), null, flags);
        var ca = X509CertificateLoader.LoadCertificate(caWithKey.RawData);

        string? ownedFolder = null;
        if (string.IsNullOrEmpty(caFile))
        {
            ownedFolder = Path.Combine(Path.GetTempPath(), $"StsEmulator-tls-{run}");
            Directory.CreateDirectory(ownedFolder);
            caFile = Path.Combine(ownedFolder, "ca.pem");
        }
        else
        {
            caFile = Path.GetFullPath(caFile);
            Directory.CreateDirectory(Path.GetDirectoryName(caFile)!);
        }

        File.WriteAllText(caFile, ca.ExportCertificatePem() + "\n");
        return new EmulatorTls(ca, server, caFile, ownedFolder);
    }

    public void Dispose()
    {
        ServerCertificate.Dispose();
        Ca.Dispose();
        if (ownedFolder != null)
        {
            try
            {
                Directory.Delete(ownedFolder, true);
            }
            catch (IOException)
            {
                // Left in the temporary folder: a public certificate, harmless.
            }
        }
    }
}
