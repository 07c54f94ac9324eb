using System.Net;
using System.Text;
using System.Text.Json;
using StsEmulator;
using StsEmulator.Jwt;

namespace StsPowerShell.Tests.Emulator;

/// <summary>
/// The emulator's Google STS rules, driven with raw HTTP so requests the module would refuse can be sent.
/// </summary>
public class TokenEndpointTests
{
    private static readonly HttpClient Http = new();

    private static Dictionary<string, string> ValidFields(string subjectToken) => new()
    {
        ["grant_type"] = "urn:ietf:params:oauth:grant-type:token-exchange",
        ["subject_token"] = subjectToken,
        ["subject_token_type"] = "urn:ietf:params:oauth:token-type:jwt",
        ["requested_token_type"] = "urn:ietf:params:oauth:token-type:access_token",
        ["audience"] = EmulatorState.WorkloadProvider,
        ["scope"] = "https://www.googleapis.com/auth/cloud-platform",
    };

    private static async Task<(HttpStatusCode Status, JsonElement Body)> Post(StsEmulatorHost emulator, IEnumerable<KeyValuePair<string, string>> fields)
    {
        using var response = await Http.PostAsync(emulator.TokenEndpoint, new FormUrlEncodedContent(fields));
        return (response.StatusCode, JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone());
    }

    private static async Task AssertRefused(StsEmulatorHost emulator, Dictionary<string, string> fields, string error, string descriptionPart)
    {
        var (status, body) = await Post(emulator, fields);
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal(error, body.GetProperty("error").GetString());
        Assert.Contains(descriptionPart, body.GetProperty("error_description").GetString());
    }

    [Fact]
    public async Task AcceptsAValidJwtAsForm()
    {
        await using var emulator = await StsEmulatorHost.StartAsync();
        var (status, body) = await Post(emulator, ValidFields(emulator.MintJwt()));
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("Bearer", body.GetProperty("token_type").GetString());
        Assert.Equal(3599, body.GetProperty("expires_in").GetInt32());
    }

    [Fact]
    public async Task AcceptsGooglesCamelCaseJsonBody()
    {
        await using var emulator = await StsEmulatorHost.StartAsync();
        var json = JsonSerializer.Serialize(new
        {
            grantType = "urn:ietf:params:oauth:grant-type:token-exchange",
            subjectToken = emulator.MintJwt(),
            subjectTokenType = "urn:ietf:params:oauth:token-type:jwt",
            requestedTokenType = "urn:ietf:params:oauth:token-type:access_token",
            audience = EmulatorState.WorkloadProvider,
            scope = "https://www.googleapis.com/auth/cloud-platform",
        });
        using var response = await Http.PostAsync(emulator.TokenEndpoint, new StringContent(json, Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task AcceptsTheWorkforceProviderAndAnArrayAudienceWithHttpsPrefix()
    {
        await using var emulator = await StsEmulatorHost.StartAsync();
        var jwt = emulator.MintJwt(new JwtSpec { Audience = new[] { "other", "https:" + EmulatorState.WorkforceProvider } });
        var fields = ValidFields(jwt);
        fields["audience"] = EmulatorState.WorkforceProvider;
        var (status, _) = await Post(emulator, fields);
        Assert.Equal(HttpStatusCode.OK, status);
    }

    public static TheoryData<string, string, string> FieldFaults() => new()
    {
        { "grant_type", "", "grant_type is required" },
        { "grant_type", "client_credentials", "not supported" },
        { "subject_token_type", "urn:ietf:params:oauth:token-type:refresh_token", "Invalid subject_token_type" },
        { "requested_token_type", "", "Invalid requested_token_type" },
        { "requested_token_type", "urn:ietf:params:oauth:token-type:id_token", "Invalid requested_token_type" },
        { "audience", "//iam.googleapis.com/projects/p/pools/x", "not the full resource name" },
        { "scope", "", "scope is required" },
        { "options", "{\"a\":\"" + new string('x', 4096) + "\"}", "must not exceed 4096" },
        { "options", "[]", "serialized JSON object" },
        { "options", "{\"userProject\":\"p\"}", "only accepted for workforce pool providers" },
        { "actor_token", "actor", "actor_token is not supported" },
    };

    [Theory]
    [MemberData(nameof(FieldFaults))]
    public async Task RefusesMalformedFields(string field, string value, string descriptionPart)
    {
        await using var emulator = await StsEmulatorHost.StartAsync();
        var fields = ValidFields(emulator.MintJwt());
        fields[field] = value;
        var error = field == "grant_type" && value.Length > 0 ? "unsupported_grant_type" : "invalid_request";
        await AssertRefused(emulator, fields, error, descriptionPart);
    }

    [Fact]
    public async Task AnUnknownProviderIsInvalidTarget()
    {
        await using var emulator = await StsEmulatorHost.StartAsync();
        var fields = ValidFields(emulator.MintJwt());
        fields["audience"] = "//iam.googleapis.com/projects/1/locations/global/workloadIdentityPools/nope/providers/nope";
        await AssertRefused(emulator, fields, "invalid_target", "does not exist");
    }

    [Fact]
    public async Task TwoAudiencesAreRefused()
    {
        await using var emulator = await StsEmulatorHost.StartAsync();
        var fields = ValidFields(emulator.MintJwt()).ToList();
        fields.Add(new("audience", EmulatorState.WorkforceProvider));
        var (status, body) = await Post(emulator, fields);
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("Exactly one audience", body.GetProperty("error_description").GetString());
    }

    public static TheoryData<string, Func<StsEmulatorHost, string>> BrokenJwts() => new()
    {
        { "not a JWT", _ => "abc.def" },
        { "alg header must be RS256 or ES256", e => e.MintJwt(new JwtSpec { Algorithm = "HS256", KeyId = JwtKeys.RsaKeyId }) },
        { "no kid header", e => e.MintJwt(new JwtSpec { KeyId = null }) },
        { "matches no key", e => e.MintJwt(new JwtSpec { KeyId = "unknown-key" }) },
        { "signature is invalid", e => e.MintJwt(new JwtSpec { Algorithm = "RS256", KeyId = JwtKeys.EcKeyId }) },
        { "signature is invalid", e => Tamper(e.MintJwt()) },
        { "not the provider's issuer", e => e.MintJwt(new JwtSpec { Issuer = "https://evil.example" }) },
        { "iat is in the future", e => e.MintJwt(new JwtSpec { IssuedAt = e.State.Clock().AddMinutes(5), ExpiresAt = e.State.Clock().AddHours(1) }) },
        { "more than 48 hours after its iat", e => e.MintJwt(new JwtSpec { IssuedAt = e.State.Clock().AddHours(-1), ExpiresAt = e.State.Clock().AddHours(48) }) },
        { "has expired", e => e.MintJwt(new JwtSpec { IssuedAt = e.State.Clock().AddHours(-2), ExpiresAt = e.State.Clock().AddHours(-1) }) },
        { "no sub claim", e => e.MintJwt(new JwtSpec { Subject = null }) },
        { "aud does not match", e => e.MintJwt(new JwtSpec { Audience = new[] { EmulatorState.WorkforceProvider } }) },
    };

    [Theory]
    [MemberData(nameof(BrokenJwts))]
    public async Task RefusesBrokenJwtsWithInvalidGrantSayingWhy(string descriptionPart, Func<StsEmulatorHost, string> mint)
    {
        await using var emulator = await StsEmulatorHost.StartAsync();
        var fixedNow = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
        emulator.State.Clock = () => fixedNow;
        await AssertRefused(emulator, ValidFields(mint(emulator)), "invalid_grant", descriptionPart);
    }

    [Fact]
    public async Task AnExpiredIssuedAccessTokenIsRefused()
    {
        await using var emulator = await StsEmulatorHost.StartAsync();
        var now = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
        emulator.State.Clock = () => now;
        var issued = emulator.State.Issue("scope", "subject");
        now = now.AddHours(2);
        var fields = new Dictionary<string, string>
        {
            ["grant_type"] = "urn:ietf:params:oauth:grant-type:token-exchange",
            ["subject_token"] = issued,
            ["subject_token_type"] = "urn:ietf:params:oauth:token-type:access_token",
            ["requested_token_type"] = "urn:ietf:params:oauth:token-type:access_token",
        };
        await AssertRefused(emulator, fields, "invalid_grant", "invalid or expired");
    }

    [Fact]
    public async Task ClientAuthenticationByTwoMethodsIsRefused()
    {
        await using var emulator = await StsEmulatorHost.StartAsync();
        emulator.State.Clients["c"] = "secret-1";
        var fields = ValidFields(emulator.MintJwt());
        fields["client_id"] = "c";
        fields["client_secret"] = "secret-1";
        using var request = new HttpRequestMessage(HttpMethod.Post, emulator.TokenEndpoint) { Content = new FormUrlEncodedContent(fields) };
        request.Headers.Authorization = new("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes("c:secret-1")));
        using var response = await Http.SendAsync(request);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("more than one method", await response.Content.ReadAsStringAsync());
    }

    private static string Tamper(string jwt)
    {
        var parts = jwt.Split('.');
        var payload = JsonDocument.Parse(Base64Url.Decode(parts[1])).RootElement;
        var changed = JsonSerializer.SerializeToUtf8Bytes(payload.EnumerateObject().ToDictionary(p => p.Name, p => p.Name == "sub" ? JsonDocument.Parse("\"someone-else\"").RootElement : p.Value));
        return parts[0] + "." + Base64Url.Encode(changed) + "." + parts[2];
    }
}
