using System.Security.Cryptography.X509Certificates;
using System.Text.Json;

namespace StsEmulator.X509;

/// <summary>
/// An X.509 pool provider's check of an mtls subject token, as Google's STS describes it: the token is a JSON array
/// of Base64 DER certificates, leaf first; the leaf is the certificate the client presented in TLS; the chain leads
/// to a trust anchor of the provider's trust store at the emulator's time.
/// </summary>
public static class X509TokenVerifier
{
    /// <summary>Why the token is refused, or null; <paramref name="subject"/> is the leaf's subject when accepted.</summary>
    public static string? Check(string token, X509Certificate2? presented, EmulatorState state, out string subject)
    {
        subject = string.Empty;
        if (presented == null)
        {
            return "An mtls subject token must be exchanged over mutual TLS: no client certificate was presented.";
        }

        List<X509Certificate2> certificates;
        try
        {
            using var document = JsonDocument.Parse(token);
            if (document.RootElement.ValueKind != JsonValueKind.Array || document.RootElement.GetArrayLength() == 0)
            {
                return "The subject token must be a non-empty JSON array of Base64-encoded DER certificates.";
            }

            certificates = document.RootElement.EnumerateArray().Select(e => X509CertificateLoader.LoadCertificate(Convert.FromBase64String(e.GetString() ?? string.Empty))).ToList();
        }
        catch (Exception e) when (e is JsonException or FormatException or InvalidOperationException or System.Security.Cryptography.CryptographicException)
        {
            return "The subject token must be a JSON array of Base64-encoded DER certificates.";
        }

        var leaf = certificates[0];
        if (!leaf.RawData.AsSpan().SequenceEqual(presented.RawData))
        {
            return "The leaf certificate of the subject token does not match the client certificate presented in TLS.";
        }

        if (state.X509TrustAnchors.Count == 0)
        {
            return "The X.509 pool provider has no trust anchors.";
        }

        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(state.X509TrustAnchors.ToArray());
        chain.ChainPolicy.ExtraStore.AddRange(certificates.Skip(1).ToArray());
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.VerificationTime = state.Clock().UtcDateTime;
        chain.ChainPolicy.VerificationTimeIgnored = false;
        if (!chain.Build(leaf))
        {
            var reasons = string.Join("; ", chain.ChainStatus.Select(s => s.Status.ToString()).Distinct());
            return $"The certificate chain does not validate against the trust store of the X.509 pool provider ({reasons}).";
        }

        subject = leaf.Subject;
        return null;
    }
}
