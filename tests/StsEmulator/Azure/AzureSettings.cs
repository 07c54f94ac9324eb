using System.Security.Cryptography;

namespace StsEmulator.Azure;

/// <summary>An Entra managed identity: its application (client) id, its service principal (object) id and, for a user-assigned one, its ARM id.</summary>
public sealed record AzureIdentity(string ClientId, string ObjectId, string? ResourceId = null);

/// <summary>What the emulated Azure managed identity services know: the tenant, the identities and the secrets they check.</summary>
public sealed class AzureSettings
{
    public const string TenantId = "7e3f5a2c-1b4d-4c8e-9f60-2a1b3c4d5e6f";

    /// <summary>Entra's v1 issuer, the one managed identity tokens carry.</summary>
    public const string Issuer = "https://sts.windows.net/" + TenantId + "/";

    /// <summary>The app ID URI a test asks for as resource; the emulator's pool providers allow it as audience.</summary>
    public const string AppIdUri = "api://emulator-google-federation";

    public const string SubscriptionId = "0b1c2d3e-4f5a-4b6c-8d7e-9f0a1b2c3d4e";

    private ArcKeyFile? arcKey;

    public AzureIdentity SystemIdentity { get; } = new("5a8e7c31-0f2d-4e6b-a9c4-3d1e2f4a5b6c", "c1d2e3f4-a5b6-4c7d-8e9f-0a1b2c3d4e5f");

    /// <summary>User-assigned identities the services know; tests may add more before requests.</summary>
    public List<AzureIdentity> UserIdentities { get; } = new()
    {
        new(
            "9d4b6e2a-3c1f-4a8d-b7e5-6f0c2d1a3b4e",
            "e4f5a6b7-c8d9-4e0f-a1b2-c3d4e5f6a7b8",
            $"/subscriptions/{SubscriptionId}/resourceGroups/emulator-rg/providers/Microsoft.ManagedIdentity/userAssignedIdentities/emulator-uami"),
    };

    /// <summary>App Service's IDENTITY_HEADER, new at every start so no test can depend on a fixed value.</summary>
    public string IdentityHeader { get; set; } = NewSecret();

    /// <summary>Service Fabric's IDENTITY_HEADER, sent as the secret header.</summary>
    public string ServiceFabricSecret { get; set; } = NewSecret();

    public TimeSpan TokenLifetime { get; set; } = TimeSpan.FromHours(1);

    /// <summary>The key file the Arc challenge names; null until a test sets one.</summary>
    public ArcKeyFile? ArcKey => Volatile.Read(ref arcKey);

    /// <summary>
    /// Names <paramref name="path"/> in the Arc challenge. With <paramref name="writeKey"/>, writes a fresh secret
    /// there (creating the file and its folder) and accepts only that; without, accepts whatever the file holds
    /// when asked, so a test can point at a file the emulator did not write.
    /// </summary>
    public ArcKeyFile UseArcKeyFile(string path, bool writeKey = true)
    {
        var fullPath = Path.GetFullPath(path);
        string? secret = null;
        if (writeKey)
        {
            secret = NewSecret();
            Directory.CreateDirectory(Path.GetDirectoryName(fullPath)!);
            File.WriteAllText(fullPath, secret);
        }

        var key = new ArcKeyFile(fullPath, secret);
        Volatile.Write(ref arcKey, key);
        return key;
    }

    private static string NewSecret() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));
}

/// <summary>The Arc key file and, when the emulator wrote it, the secret it remembers.</summary>
public sealed record ArcKeyFile(string Path, string? Secret)
{
    public bool Accepts(string presented)
    {
        var expected = Secret;
        if (expected == null)
        {
            try
            {
                expected = File.ReadAllText(Path);
            }
            catch (Exception e) when (e is IOException || e is UnauthorizedAccessException)
            {
                return false;
            }
        }

        return CryptographicOperations.FixedTimeEquals(System.Text.Encoding.UTF8.GetBytes(expected), System.Text.Encoding.UTF8.GetBytes(presented));
    }
}
