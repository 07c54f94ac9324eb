using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using StsEmulator;
using StsEmulator.Jwt;

namespace StsPowerShell.Tests.Emulator;

/// <summary>
/// The emulator's token introspection (token_info_url), asked as gcloud asks: a form with token and
/// token_type_hint, gcloud's own client as Basic.
/// </summary>
public class IntrospectionEndpointTests
{
    private const string AccessTokenType = "urn:ietf:params:oauth:token-type:access_token";
    private const string WorkloadPrincipal = "principal://iam.googleapis.com/projects/123456789012/locations/global/workloadIdentityPools/emulator-pool/subject/jwt-subject";

    private static readonly HttpClient Http = new();

    private static AuthenticationHeaderValue Basic(string id, string secret) => new("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{id}:{secret}")));

    private static AuthenticationHeaderValue Gcloud => Basic(EmulatorState.GcloudClientId, EmulatorState.GcloudClientSecret);

    private static async Task<(HttpStatusCode Status, JsonElement Body, HttpResponseMessage Response)> Send(Uri uri, HttpContent content, AuthenticationHeaderValue? client)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, uri) { Content = content };
        request.Headers.Authorization = client;
        var response = await Http.SendAsync(request);
        return (response.StatusCode, JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone(), response);
    }

    private static Task<(HttpStatusCode Status, JsonElement Body, HttpResponseMessage Response)> Introspect(StsEmulatorHost emulator, string token, AuthenticationHeaderValue? client, string? hint = AccessTokenType)
    {
        var fields = new Dictionary<string, string> { ["token"] = token };
        if (hint != null)
        {
            fields["token_type_hint"] = hint;
        }

        return Send(emulator.TokenInfoEndpoint, new FormUrlEncodedContent(fields), client);
    }

    /// <summary>A JWT exchanged at the token endpoint for <paramref name="audience"/>, with <paramref name="client"/> authenticating.</summary>
    private static async Task<string> Exchange(StsEmulatorHost emulator, AuthenticationHeaderValue? client, string audience = EmulatorState.WorkloadProvider)
    {
        var (status, body, response) = await Send(emulator.TokenEndpoint, new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "urn:ietf:params:oauth:grant-type:token-exchange",
            ["subject_token"] = emulator.MintJwt(new JwtSpec { Audience = new[] { audience } }),
            ["subject_token_type"] = "urn:ietf:params:oauth:token-type:jwt",
            ["requested_token_type"] = AccessTokenType,
            ["audience"] = audience,
            ["scope"] = "https://www.googleapis.com/auth/cloud-platform",
        }), client);
        response.Dispose();
        Assert.Equal(HttpStatusCode.OK, status);
        return body.GetProperty("access_token").GetString()!;
    }

    private static void AssertInactive(HttpStatusCode status, JsonElement body)
    {
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("""{"active":false}""", body.GetRawText());
    }

    [Fact]
    public async Task DescribesATokenIssuedToGcloudAsGoogleDoes()
    {
        await using var emulator = await StsEmulatorHost.StartAsync();
        var now = new DateTimeOffset(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);
        emulator.State.Clock = () => now;
        var token = await Exchange(emulator, Gcloud);

        var (status, body, response) = await Introspect(emulator, token, Gcloud);
        response.Dispose();
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.True(body.GetProperty("active").GetBoolean());
        Assert.Equal(EmulatorState.GcloudClientId, body.GetProperty("client_id").GetString());
        Assert.Equal(WorkloadPrincipal, body.GetProperty("username").GetString());
        Assert.Equal(WorkloadPrincipal, body.GetProperty("sub").GetString());
        Assert.Equal("https://www.googleapis.com/auth/cloud-platform", body.GetProperty("scope").GetString());
        Assert.Equal(now.ToUnixTimeSeconds(), body.GetProperty("iat").GetInt64());
        Assert.Equal((now + emulator.State.AccessTokenLifetime).ToUnixTimeSeconds(), body.GetProperty("exp").GetInt64());
        Assert.Equal(emulator.BaseUrl, body.GetProperty("iss").GetString());
    }

    [Fact]
    public async Task NamesAWorkforcePrincipalAfterItsPool()
    {
        await using var emulator = await StsEmulatorHost.StartAsync();
        var token = await Exchange(emulator, null, EmulatorState.WorkforceProvider);
        var (_, body, response) = await Introspect(emulator, token, null);
        response.Dispose();
        Assert.Equal("principal://iam.googleapis.com/locations/global/workforcePools/emulator-workforce/subject/jwt-subject", body.GetProperty("username").GetString());
    }

    [Fact]
    public async Task ATokenIssuedToNoClientIsDescribedToAnyCallerAndAServiceAccountsByItsEmail()
    {
        await using var emulator = await StsEmulatorHost.StartAsync();
        var token = emulator.State.Issue("https://www.googleapis.com/auth/cloud-platform", "sa:" + EmulatorState.DefaultServiceAccount);
        foreach (var client in new[] { null, Gcloud })
        {
            var (_, body, response) = await Introspect(emulator, token, client, hint: null);
            response.Dispose();
            Assert.True(body.GetProperty("active").GetBoolean());
            Assert.Equal(EmulatorState.DefaultServiceAccount, body.GetProperty("username").GetString());
            Assert.False(body.TryGetProperty("client_id", out _));
        }
    }

    [Fact]
    public async Task ATokenIssuedToGcloudIsInactiveToAnyOtherCaller()
    {
        await using var emulator = await StsEmulatorHost.StartAsync();
        emulator.State.Clients["other"] = "other-secret";
        var token = await Exchange(emulator, Gcloud);
        foreach (var client in new[] { null, Basic("other", "other-secret") })
        {
            var (status, body, response) = await Introspect(emulator, token, client);
            response.Dispose();
            AssertInactive(status, body);
        }
    }

    [Fact]
    public async Task UnknownAndExpiredTokensAreInactive()
    {
        await using var emulator = await StsEmulatorHost.StartAsync();
        var now = DateTimeOffset.UtcNow;
        emulator.State.Clock = () => now;
        var token = await Exchange(emulator, Gcloud);
        now += emulator.State.AccessTokenLifetime;
        foreach (var candidate in new[] { token, "ya29.emulator.unknown" })
        {
            var (status, body, response) = await Introspect(emulator, candidate, Gcloud);
            response.Dispose();
            AssertInactive(status, body);
        }
    }

    [Fact]
    public async Task AcceptsGooglesCamelCaseJsonBody()
    {
        await using var emulator = await StsEmulatorHost.StartAsync();
        var token = await Exchange(emulator, null);
        var json = JsonSerializer.Serialize(new { token, tokenTypeHint = "access_token" });
        var (status, body, response) = await Send(emulator.TokenInfoEndpoint, new StringContent(json, Encoding.UTF8, "application/json"), null);
        response.Dispose();
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.True(body.GetProperty("active").GetBoolean());
    }

    [Fact]
    public async Task AWrongClientSecretIsRefusedWithAChallenge()
    {
        await using var emulator = await StsEmulatorHost.StartAsync();
        var token = await Exchange(emulator, Gcloud);
        var (status, body, response) = await Introspect(emulator, token, Basic(EmulatorState.GcloudClientId, "not-the-secret"));
        using (response)
        {
            Assert.Equal(HttpStatusCode.Unauthorized, status);
            Assert.Equal("invalid_client", body.GetProperty("error").GetString());
            Assert.Equal("Basic", response.Headers.WwwAuthenticate.Single().Scheme);
        }
    }

    [Theory]
    [InlineData("", AccessTokenType, "token is required")]
    [InlineData("ya29.emulator.x", "urn:ietf:params:oauth:token-type:refresh_token", "Invalid token_type_hint")]
    public async Task RefusesAMalformedRequest(string token, string hint, string descriptionPart)
    {
        await using var emulator = await StsEmulatorHost.StartAsync();
        var (status, body, response) = await Introspect(emulator, token, null, hint);
        response.Dispose();
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("invalid_request", body.GetProperty("error").GetString());
        Assert.Contains(descriptionPart, body.GetProperty("error_description").GetString());
    }

    [Fact]
    public async Task TheInfoLineNamesTheEndpointAndGcloudsClient()
    {
        await using var emulator = await StsEmulatorHost.StartAsync();
        var info = JsonSerializer.SerializeToElement(emulator.Info());
        Assert.Equal(emulator.BaseUrl + "/v1/introspect", info.GetProperty("tokenInfoEndpoint").GetString());
        Assert.Equal(EmulatorState.GcloudClientId, info.GetProperty("gcloudClientId").GetString());
        Assert.Equal(EmulatorState.GcloudClientSecret, info.GetProperty("gcloudClientSecret").GetString());
    }
}
