using StsEmulator;
using StsEmulator.Jwt;
using StsPowerShell.Core.Oidc;

namespace StsPowerShell.Tests.Oidc;

public class JwtClaimsTests
{
    [Fact]
    public async Task DecodesHeaderAndRegisteredClaims()
    {
        await using var emulator = await StsEmulatorHost.StartAsync();
        var iat = new DateTimeOffset(2026, 11, 22, 9, 0, 0, TimeSpan.Zero);
        var jwt = emulator.MintJwt(new JwtSpec { Algorithm = "ES256", Subject = "subject-1", Audience = new[] { "a", "b" }, IssuedAt = iat, ExpiresAt = iat.AddHours(1) });

        var claims = JwtClaims.Decode(jwt);

        Assert.Equal("ES256", claims.Algorithm);
        Assert.Equal(JwtKeys.EcKeyId, claims.KeyId);
        Assert.Equal(emulator.BaseUrl, claims.Issuer);
        Assert.Equal("subject-1", claims.Subject);
        Assert.Equal(new[] { "a", "b" }, claims.Audiences);
        Assert.Equal(iat, claims.IssuedAt);
        Assert.Equal(iat.AddHours(1), claims.ExpiresOn);
        Assert.Null(claims.NotBefore);
    }

    [Theory]
    [InlineData("secret-opaque-token", "has 1 dot-separated parts")]
    [InlineData("a.b.c.d", "has 4 dot-separated parts")]
    [InlineData("!!.e30.sig", "header is not base64url-encoded JSON")]
    [InlineData("e30.WzFd.sig", "payload is not a JSON object")]
    public void RefusesWhatIsNotAJwtWithoutQuotingIt(string token, string reason)
    {
        var error = Assert.Throws<StsPowerShell.Core.UnusableInputException>(() => JwtClaims.Decode(token));
        Assert.Contains(reason, error.Message);
        Assert.DoesNotContain("secret-opaque", error.Message);
    }
}
