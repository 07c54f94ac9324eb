using System.Text.Json.Nodes;

namespace StsEmulator.Jwt;

/// <summary>What a minted JWT says. Null claims are left out, so tests can build broken tokens too.</summary>
public sealed class JwtSpec
{
    public string Algorithm { get; init; } = "RS256";

    /// <summary>The kid header; null leaves it out. Defaults to the key for <see cref="Algorithm"/>.</summary>
    public string? KeyId { get; init; } = JwtKeys.DefaultKeyId;

    public string? Issuer { get; init; }

    public string? Subject { get; init; } = "emulator-subject";

    /// <summary>A string, or several for an array.</summary>
    public string[]? Audience { get; init; }

    public DateTimeOffset? IssuedAt { get; init; }

    public DateTimeOffset? ExpiresAt { get; init; }

    public JsonObject? ExtraClaims { get; init; }
}
