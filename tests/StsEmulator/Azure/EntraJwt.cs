using System.Text.Json.Nodes;
using StsEmulator.Jwt;

namespace StsEmulator.Azure;

/// <summary>A managed identity access token as Entra issues it, and what the token services say about it.</summary>
public sealed record EntraToken(string Jwt, AzureIdentity Identity, string Resource, DateTimeOffset IssuedAt, DateTimeOffset ExpiresAt);

/// <summary>Mints Entra-like (v1) app tokens with the emulator's RS256 key.</summary>
public static class EntraJwt
{
    public static EntraToken Mint(EmulatorState state, AzureIdentity identity, string resource)
    {
        var now = state.Clock();
        var expires = now + state.Azure.TokenLifetime;
        var jwt = state.Keys.Mint(new JwtSpec
        {
            Issuer = AzureSettings.Issuer,
            Subject = identity.ObjectId,
            Audience = new[] { resource },
            IssuedAt = now,
            ExpiresAt = expires,
            ExtraClaims = new JsonObject
            {
                ["nbf"] = now.ToUnixTimeSeconds(),
                ["oid"] = identity.ObjectId,
                ["tid"] = AzureSettings.TenantId,
                ["appid"] = identity.ClientId,
                ["idtyp"] = "app",
            },
        });
        return new EntraToken(jwt, identity, resource, now, expires);
    }
}
