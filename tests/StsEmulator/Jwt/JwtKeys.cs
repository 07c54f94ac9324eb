using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace StsEmulator.Jwt;

/// <summary>The emulator's signing keys: it mints JWTs for tests and verifies subject tokens against them.</summary>
public sealed class JwtKeys : IDisposable
{
    public const string DefaultKeyId = "";
    public const string RsaKeyId = "emulator-rs256";
    public const string EcKeyId = "emulator-es256";

    private readonly RSA rsa = RSA.Create(2048);
    private readonly ECDsa ec = ECDsa.Create(ECCurve.NamedCurves.nistP256);

    public string Mint(JwtSpec spec)
    {
        var header = new JsonObject { ["alg"] = spec.Algorithm, ["typ"] = "JWT" };
        var kid = spec.KeyId == DefaultKeyId ? (spec.Algorithm == "ES256" ? EcKeyId : RsaKeyId) : spec.KeyId;
        if (kid != null)
        {
            header["kid"] = kid;
        }

        var payload = spec.ExtraClaims?.DeepClone().AsObject() ?? new JsonObject();
        Set(payload, "iss", spec.Issuer);
        Set(payload, "sub", spec.Subject);
        if (spec.Audience is { Length: 1 })
        {
            payload["aud"] = spec.Audience[0];
        }
        else if (spec.Audience != null)
        {
            payload["aud"] = new JsonArray(spec.Audience.Select(a => (JsonNode)JsonValue.Create(a)!).ToArray());
        }

        if (spec.IssuedAt is DateTimeOffset iat)
        {
            payload["iat"] = iat.ToUnixTimeSeconds();
        }

        if (spec.ExpiresAt is DateTimeOffset exp)
        {
            payload["exp"] = exp.ToUnixTimeSeconds();
        }

        var signingInput = Base64Url.Encode(Encoding.UTF8.GetBytes(header.ToJsonString())) + "." + Base64Url.Encode(Encoding.UTF8.GetBytes(payload.ToJsonString()));
        var data = Encoding.ASCII.GetBytes(signingInput);
        var signature = spec.Algorithm switch
        {
            "ES256" => ec.SignData(data, HashAlgorithmName.SHA256),
            "RS256" => rsa.SignData(data, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1),
            _ => rsa.SignData(data, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1),
        };
        return signingInput + "." + Base64Url.Encode(signature);
    }

    /// <summary>True when <paramref name="signature"/> over <paramref name="signingInput"/> verifies with key <paramref name="kid"/> for <paramref name="alg"/>.</summary>
    public bool Verify(string kid, string alg, byte[] signingInput, byte[] signature) => (kid, alg) switch
    {
        (RsaKeyId, "RS256") => rsa.VerifyData(signingInput, signature, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1),
        (EcKeyId, "ES256") => ec.VerifyData(signingInput, signature, HashAlgorithmName.SHA256),
        _ => false,
    };

    public bool IsKnownKey(string kid) => kid is RsaKeyId or EcKeyId;

    public void Dispose()
    {
        rsa.Dispose();
        ec.Dispose();
    }

    private static void Set(JsonObject payload, string name, string? value)
    {
        if (value != null)
        {
            payload[name] = value;
        }
    }
}
