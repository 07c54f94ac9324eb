using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace StsPowerShell.Tests.Support;

/// <summary>
/// A CA, an intermediate and leaves made at run time (RSA or ECDSA), written as PEM and PFX files in a folder of
/// their own. Validity is fixed around <see cref="TestOptions.FixedNow"/>, never the wall clock.
/// </summary>
public sealed class TestCertificates : IDisposable
{
    public static readonly DateTimeOffset NotBefore = TestOptions.FixedNow.AddDays(-30);
    public static readonly DateTimeOffset NotAfter = TestOptions.FixedNow.AddDays(365);

    public TestCertificates(bool ecdsa = false)
    {
        Folder = Directory.CreateTempSubdirectory("sts-x509-").FullName;
        Root = NewCa("CN=StsPowerShell Test Root", null);
        Intermediate = NewCa("CN=StsPowerShell Test Intermediate", Root);
        Leaf = NewLeaf("CN=workload.example", Intermediate, ecdsa);
        DirectLeaf = NewLeaf("CN=direct.example", Root, ecdsa);
    }

    public string Folder { get; }

    public X509Certificate2 Root { get; }

    public X509Certificate2 Intermediate { get; }

    /// <summary>Issued by <see cref="Intermediate"/>.</summary>
    public X509Certificate2 Leaf { get; }

    /// <summary>Issued by <see cref="Root"/> directly.</summary>
    public X509Certificate2 DirectLeaf { get; }

    public static X509Certificate2 NewCa(string subject, X509Certificate2? issuer)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest(subject, key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        if (issuer == null)
        {
            return request.CreateSelfSigned(NotBefore, NotAfter);
        }

        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(issuer, true, false));
        using var issued = request.Create(issuer, NotBefore, NotAfter, Serial());
        return issued.CopyWithPrivateKey(key);
    }

    public static X509Certificate2 NewLeaf(string subject, X509Certificate2 issuer, bool ecdsa, DateTimeOffset? notBefore = null, DateTimeOffset? notAfter = null)
    {
        using AsymmetricAlgorithm key = ecdsa ? ECDsa.Create(ECCurve.NamedCurves.nistP256) : RSA.Create(2048);
        var request = key is RSA rsa
            ? new CertificateRequest(subject, rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1)
            : new CertificateRequest(subject, (ECDsa)key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension(new OidCollection { new Oid("1.3.6.1.5.5.7.3.2") }, false));
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(issuer, true, false));
        // The CAs are ECDSA: an RSA leaf is signed through a generator for the issuer's key.
        using var issuerKey = issuer.GetECDsaPrivateKey()!;
        using var issued = request.Create(issuer.SubjectName, X509SignatureGenerator.CreateForECDsa(issuerKey), notBefore ?? NotBefore, notAfter ?? NotAfter, Serial());
        return key is RSA r ? issued.CopyWithPrivateKey(r) : issued.CopyWithPrivateKey((ECDsa)key);
    }

    /// <summary>Writes <paramref name="certificates"/> as one PEM file and returns its path.</summary>
    public string WritePem(string name, params X509Certificate2[] certificates)
    {
        var path = Path.Combine(Folder, name);
        File.WriteAllText(path, string.Concat(certificates.Select(c => c.ExportCertificatePem() + "\n")));
        return path;
    }

    /// <summary>Writes the leaf's unencrypted PKCS#8 key as PEM and returns its path.</summary>
    public string WriteKey(string name, X509Certificate2 certificate)
    {
        var path = Path.Combine(Folder, name);
        using AsymmetricAlgorithm key = (AsymmetricAlgorithm?)certificate.GetRSAPrivateKey() ?? certificate.GetECDsaPrivateKey()!;
        File.WriteAllText(path, key.ExportPkcs8PrivateKeyPem() + "\n");
        return path;
    }

    public string WritePfx(string name, X509Certificate2 certificate, string? password)
    {
        var path = Path.Combine(Folder, name);
        File.WriteAllBytes(path, certificate.Export(X509ContentType.Pfx, password));
        return path;
    }

    public void Dispose()
    {
        Root.Dispose();
        Intermediate.Dispose();
        Leaf.Dispose();
        DirectLeaf.Dispose();
        Directory.Delete(Folder, true);
    }

    private static byte[] Serial()
    {
        var serial = RandomNumberGenerator.GetBytes(16);
        serial[0] &= 0x7F;
        return serial;
    }
}
