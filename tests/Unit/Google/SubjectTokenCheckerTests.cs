using System.Text;
using System.Text.Json.Nodes;
using StsEmulator;
using StsEmulator.Aws;
using StsEmulator.Jwt;
using StsPowerShell.Core.Aws;
using StsPowerShell.Core.Exchange;
using StsPowerShell.Core.Google;
using StsPowerShell.Tests.Support;

namespace StsPowerShell.Tests.Google;

/// <summary>The subject-token checker on valid and broken tokens of each kind, and its use on invalid_grant.</summary>
public class SubjectTokenCheckerTests
{
    private static readonly DateTimeOffset Now = TestOptions.FixedNow;

    private static IReadOnlyList<SubjectTokenCheck> Failed(string token, string type, string? audience = EmulatorState.WorkloadProvider) =>
        SubjectTokenChecker.Check(token, type, audience, Now).Where(c => !c.Passed).ToList();

    [Fact]
    public async Task AValidJwtPassesEveryCheck()
    {
        await using var emulator = await StsEmulatorHost.StartAsync();
        emulator.State.Clock = () => Now;
        var checks = SubjectTokenChecker.Check(emulator.MintJwt(), "jwt", EmulatorState.WorkloadProvider, Now);
        Assert.Equal(9, checks.Count);
        Assert.All(checks, c => Assert.True(c.Passed, c.ToString()));
    }

    public static TheoryData<string, Func<StsEmulatorHost, string>> BrokenJwts() => new()
    {
        { "kid header", e => e.MintJwt(new JwtSpec { KeyId = null }) },
        { "alg RS256 or ES256", e => e.MintJwt(new JwtSpec { Algorithm = "HS256", KeyId = "k" }) },
        { "iss claim (an OIDC issuer URL)", e => e.State.Keys.Mint(new JwtSpec { Subject = "s", Audience = new[] { EmulatorState.WorkloadProvider }, IssuedAt = Now.AddMinutes(-1), ExpiresAt = Now.AddHours(1) }) },
        { "iat in the past", e => e.MintJwt(new JwtSpec { IssuedAt = Now.AddMinutes(10), ExpiresAt = Now.AddHours(1) }) },
        { "exp not passed", e => e.MintJwt(new JwtSpec { IssuedAt = Now.AddHours(-3), ExpiresAt = Now.AddHours(-2) }) },
        { "exp at most 48 hours after iat", e => e.MintJwt(new JwtSpec { IssuedAt = Now.AddHours(-1), ExpiresAt = Now.AddHours(48) }) },
        { "sub claim", e => e.MintJwt(new JwtSpec { Subject = null }) },
        { "aud matches the provider (its name, https:-prefixed by default, or an allowed audience)", e => e.MintJwt(new JwtSpec { Audience = new[] { "https://someone.else" } }) },
    };

    [Theory]
    [MemberData(nameof(BrokenJwts))]
    public async Task EachBrokenJwtFailsExactlyItsCheck(string requirement, Func<StsEmulatorHost, string> mint)
    {
        await using var emulator = await StsEmulatorHost.StartAsync();
        emulator.State.Clock = () => Now;
        var token = mint(emulator);

        var failed = Failed(token, "id_token");

        Assert.Equal(requirement, Assert.Single(failed).Requirement);
        Secrets.AssertAbsent(string.Join("\n", SubjectTokenChecker.Check(token, "jwt", EmulatorState.WorkloadProvider, Now)), token);
    }

    [Fact]
    public void WhatIsNotAJwtIsOneFailedCheck()
    {
        var failed = Assert.Single(SubjectTokenChecker.Check("opaque-token-value", "jwt", null, Now));
        Assert.False(failed.Passed);
        Assert.DoesNotContain("opaque-token-value", failed.Detail);
    }

    [Fact]
    public void AValidAwsTokenPassesEveryCheck()
    {
        var token = CallerIdentityToken.Create(new AwsCredentials(AwsSettings.TemporaryAccessKeyId, AwsSettings.TemporarySecretAccessKey, AwsSettings.SessionToken), "us-east-1", EmulatorState.WorkloadProvider, Now.AddMinutes(-2));
        var checks = SubjectTokenChecker.Check(token.Token, "aws4_request", EmulatorState.WorkloadProvider, Now);
        Assert.Equal(13, checks.Count);
        Assert.All(checks, c => Assert.True(c.Passed, c.ToString()));
        Secrets.AssertAbsent(string.Join("\n", checks), AwsSettings.SessionToken, token.Token);
    }

    public static TheoryData<string, Func<JsonObject, JsonObject>, string> BrokenAwsTokens() => new()
    {
        { "stale", json => json, "x-amz-date within 15 minutes of now" },
        { "other audience", json => Header(json, "x-goog-cloud-target-resource", EmulatorState.WorkforceProvider), "x-goog-cloud-target-resource matches the audience" },
        { "GET", json => { json["method"] = "GET"; return json; }, "method POST" },
        { "evil host", json => { json["url"] = "https://sts.evil.example?Action=GetCallerIdentity&Version=2011-06-15"; return json; }, "url is an https AWS STS endpoint" },
        { "no date", json => Remove(json, "x-amz-date"), "x-amz-date header" },
    };

    [Theory]
    [MemberData(nameof(BrokenAwsTokens))]
    public void BrokenAwsTokensFailTheirCheck(string name, Func<JsonObject, JsonObject> breakIt, string requirement)
    {
        var signedAt = name == "stale" ? Now.AddMinutes(-20) : Now;
        var token = CallerIdentityToken.Create(new AwsCredentials(AwsSettings.AccessKeyId, AwsSettings.SecretAccessKey), "us-east-1", EmulatorState.WorkloadProvider, signedAt);
        var json = breakIt(JsonNode.Parse(Uri.UnescapeDataString(token.Token))!.AsObject());

        var failed = Failed(SigV4Signer.UriEncode(json.ToJsonString()), "aws4_request");

        Assert.Contains(failed, c => c.Requirement == requirement);
    }

    private static string Saml(string audience, DateTimeOffset notBefore, DateTimeOffset notOnOrAfter) =>
        Convert.ToBase64String(Encoding.UTF8.GetBytes($"""
            <samlp:Response xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion">
              <saml:Assertion>
                <saml:Issuer>https://idp.example.com</saml:Issuer>
                <saml:Subject><saml:NameID>user@example.com</saml:NameID></saml:Subject>
                <saml:Conditions NotBefore="{notBefore.UtcDateTime:yyyy-MM-ddTHH:mm:ssZ}" NotOnOrAfter="{notOnOrAfter.UtcDateTime:yyyy-MM-ddTHH:mm:ssZ}">
                  <saml:AudienceRestriction><saml:Audience>{audience}</saml:Audience></saml:AudienceRestriction>
                </saml:Conditions>
              </saml:Assertion>
            </samlp:Response>
            """));

    [Fact]
    public void SamlAssertionsAreCheckedForAudienceAndValidity()
    {
        var expected = "https://iam.googleapis.com" + EmulatorState.WorkforceProvider[("//iam.googleapis.com").Length..];
        Assert.Empty(Failed(Saml(expected, Now.AddMinutes(-5), Now.AddMinutes(5)), "saml2", EmulatorState.WorkforceProvider));
        Assert.Equal("Audience is the provider (https://iam.googleapis.com/…)", Assert.Single(Failed(Saml("https://other.example", Now.AddMinutes(-5), Now.AddMinutes(5)), "saml2", EmulatorState.WorkforceProvider)).Requirement);
        Assert.Equal("now within Conditions NotBefore and NotOnOrAfter", Assert.Single(Failed(Saml(expected, Now.AddMinutes(-10), Now.AddMinutes(-5)), "saml2", EmulatorState.WorkforceProvider)).Requirement);
        Assert.Equal("a base64-encoded SAML 2.0 assertion or response", Assert.Single(Failed("not base64!", "saml2")).Requirement);
    }

    [Fact]
    public async Task WithoutATypeTheShapeSaysWhichTokenItIs()
    {
        await using var emulator = await StsEmulatorHost.StartAsync();
        emulator.State.Clock = () => Now;
        var aws = CallerIdentityToken.Create(new AwsCredentials("AKIAEXAMPLE", "secret-value"), "us-east-1", EmulatorState.WorkloadProvider, Now).Token;
        var saml = Saml(EmulatorState.WorkforceProvider, Now.AddMinutes(-1), Now.AddMinutes(5));

        Assert.Equal(TokenTypes.Jwt, SubjectTokenChecker.DetectType(emulator.MintJwt()));
        Assert.Equal(TokenTypes.Aws4Request, SubjectTokenChecker.DetectType(aws));
        Assert.Equal(TokenTypes.Saml2, SubjectTokenChecker.DetectType(saml));
        Assert.Null(SubjectTokenChecker.DetectType("ya29.opaque-access-token"));

        var checks = SubjectTokenChecker.Check(emulator.MintJwt(), null, EmulatorState.WorkloadProvider, Now);
        Assert.Equal("ok: a token type recognisable by its shape (" + TokenTypes.Jwt + ")", checks[0].ToString());
        Assert.All(checks, c => Assert.True(c.Passed));
        Assert.Equal(SubjectTokenChecker.Check(emulator.MintJwt(), "jwt", EmulatorState.WorkloadProvider, Now).Count + 1, checks.Count);
        var unknown = Assert.Single(SubjectTokenChecker.Check("ya29.opaque-access-token", null, null, Now));
        Assert.False(unknown.Passed);
        Assert.Contains("give -SubjectTokenType", unknown.Detail);
    }

    [Fact]
    public void SamlWithADoctypeIsRefusedNotExpanded()
    {
        var xml = Convert.ToBase64String(Encoding.UTF8.GetBytes("<!DOCTYPE x [<!ENTITY e SYSTEM \"file:///etc/passwd\">]><x>&e;</x>"));
        Assert.False(Assert.Single(SubjectTokenChecker.Check(xml, "saml2", null, Now)).Passed);
    }

    [Fact]
    public async Task InvalidGrantFromGoogleNamesTheChecksThatFail()
    {
        await using var emulator = await StsEmulatorHost.StartAsync();
        emulator.State.Clock = () => Now;
        var jwt = emulator.MintJwt(new JwtSpec { Audience = new[] { "https://someone.else" } });
        var operation = new TokenExchangeOperation(emulator.TokenEndpoint, null, new TestOptions().Create(), new TokenCache(() => Now));
        var request = operation.Prepare(Exchanges.JwtBuilder(jwt));

        var error = await Assert.ThrowsAsync<StsOAuthException>(() => operation.ExchangeAsync(request, TokenReuse.None, null, CancellationToken.None));

        Assert.StartsWith("Error code invalid_grant: The JWT's aud does not match", error.Message);
        Assert.Contains("Subject token checks that fail: FAILED: aud matches the provider", error.Message);
        Assert.Equal("invalid_grant", error.Error);
        Secrets.AssertAbsent(error.Message, jwt);
    }

    [Fact]
    public async Task ReuseTokenReturnsTheSessionsTokenForAnIdenticalExchange()
    {
        await using var emulator = await StsEmulatorHost.StartAsync();
        emulator.State.Clock = () => Now;
        var options = new TestOptions().Create();
        var logger = new RecordingLogger();
        options.Logger = logger;
        var operation = new TokenExchangeOperation(emulator.TokenEndpoint, null, options, new TokenCache(() => Now));
        var jwt = emulator.MintJwt();
        TokenExchangeRequest Request() => operation.Prepare(Exchanges.JwtBuilder(jwt));

        var first = await operation.ExchangeAsync(Request(), TokenReuse.Reuse, null, CancellationToken.None);
        Assert.DoesNotContain("Reusing", logger.All);
        var second = await operation.ExchangeAsync(Request(), TokenReuse.Reuse, null, CancellationToken.None);
        Assert.Contains("Reusing", logger.All);
        var third = await operation.ExchangeAsync(Request(), TokenReuse.Refresh, null, CancellationToken.None);
        var fourth = await operation.ExchangeAsync(Request(), TokenReuse.Reuse, null, CancellationToken.None);

        Assert.Same(first, second);
        Assert.NotEqual(first.Token, third.Token);
        Assert.Same(third, fourth);
        Assert.Equal(2, emulator.State.RequestCount);
    }

    private static JsonObject Header(JsonObject json, string key, string value)
    {
        json["headers"]!.AsArray().First(h => (string?)h!["key"] == key)!["value"] = value;
        return json;
    }

    private static JsonObject Remove(JsonObject json, string key)
    {
        var headers = json["headers"]!.AsArray();
        headers.Remove(headers.First(h => (string?)h!["key"] == key));
        return json;
    }
}
