using System.Text;
using Microsoft.AspNetCore.WebUtilities;
using StsEmulator;
using StsEmulator.Jwt;
using StsPowerShell.Core.Exchange;
using StsPowerShell.Tests.Support;

namespace StsPowerShell.Tests.Core;

/// <summary>What goes over the wire, read back from the emulator's record of the request.</summary>
public class StsClientWireTests
{
    [Fact]
    public async Task AValidJwtIsExchangedForAnAccessToken()
    {
        await using var emulator = await StsEmulatorHost.StartAsync();
        var options = new TestOptions();
        var client = new StsClient(emulator.TokenEndpoint, options: options.Create());

        var response = await client.ExchangeTokenAsync(Exchanges.Jwt(emulator.MintJwt()));

        Assert.StartsWith("ya29.emulator.", response.AccessToken);
        Assert.Equal(TokenTypes.AccessToken, response.IssuedTokenType);
        Assert.Equal("Bearer", response.TokenType);
        Assert.Equal(3599, response.ExpiresIn);
        Assert.Equal(TestOptions.FixedNow.AddSeconds(3599), response.ExpiresOn);
        Assert.Equal(1, emulator.State.RequestCount);
    }

    [Fact]
    public async Task Es256JwtsAreAcceptedToo()
    {
        await using var emulator = await StsEmulatorHost.StartAsync();
        var client = new StsClient(emulator.TokenEndpoint, options: new TestOptions().Create());
        var response = await client.ExchangeTokenAsync(Exchanges.Jwt(emulator.MintJwt(new JwtSpec { Algorithm = "ES256" })));
        Assert.NotEmpty(response.AccessToken);
    }

    [Fact]
    public async Task EveryFieldIsSentFormEncodedWithRepeatsAndEmptiesOmitted()
    {
        await using var emulator = await StsEmulatorHost.StartAsync();
        var client = new StsClient(emulator.TokenEndpoint, options: new TestOptions().Create(maximumRetryCount: 0));
        var request = new TokenExchangeRequestBuilder
        {
            SubjectToken = "subject+token/=",
            SubjectTokenType = "jwt",
            ActorToken = "actor token",
            ActorTokenType = "access_token",
            RequestedTokenType = "access_token",
            Options = "{\"userProject\":\"p&q=r\"}",
        };
        request.Audiences.Add("aud-one");
        request.Audiences.Add("aud two");
        request.Resources.Add("https://a.example/x?y=1");
        request.Resources.Add("https://b.example/");
        request.Scopes.Add("scope.one");
        request.Scopes.Add("https://www.googleapis.com/auth/cloud-platform");
        request.AdditionalHeaders["x-goog-user-project"] = "billing-project";

        // The emulator refuses this (two audiences, an actor token): only the wire matters here.
        await Assert.ThrowsAsync<StsOAuthException>(() => client.ExchangeTokenAsync(request.Build()));

        var sent = Assert.Single(emulator.State.Requests);
        Assert.Equal("application/x-www-form-urlencoded", sent.Header("Content-Type"));
        Assert.Equal("billing-project", sent.Header("x-goog-user-project"));
        Assert.Null(sent.Header("Authorization"));
        Assert.Equal(
            "grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Atoken-exchange"
            + "&resource=https%3A%2F%2Fa.example%2Fx%3Fy%3D1&resource=https%3A%2F%2Fb.example%2F"
            + "&audience=aud-one&audience=aud+two"
            + "&scope=scope.one+https%3A%2F%2Fwww.googleapis.com%2Fauth%2Fcloud-platform"
            + "&requested_token_type=urn%3Aietf%3Aparams%3Aoauth%3Atoken-type%3Aaccess_token"
            + "&subject_token=subject%2Btoken%2F%3D&subject_token_type=urn%3Aietf%3Aparams%3Aoauth%3Atoken-type%3Ajwt"
            + "&actor_token=actor+token&actor_token_type=urn%3Aietf%3Aparams%3Aoauth%3Atoken-type%3Aaccess_token"
            + "&options=%7B%22userProject%22%3A%22p%26q%3Dr%22%7D",
            sent.Body);

        // Decoding once gives the JSON back: options is encoded once, not twice as google-auth-python does.
        var form = QueryHelpers.ParseQuery(sent.Body);
        Assert.Equal("{\"userProject\":\"p&q=r\"}", form["options"].ToString());
    }

    [Fact]
    public async Task MinimalRequestSendsOnlyWhatIsSet()
    {
        await using var emulator = await StsEmulatorHost.StartAsync();
        var client = new StsClient(emulator.TokenEndpoint, options: new TestOptions().Create(maximumRetryCount: 0));
        await Assert.ThrowsAsync<StsOAuthException>(() => client.ExchangeTokenAsync(new TokenExchangeRequestBuilder { SubjectToken = "t0ken", SubjectTokenType = "jwt" }.Build()));
        Assert.Equal(
            "grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Atoken-exchange&subject_token=t0ken&subject_token_type=urn%3Aietf%3Aparams%3Aoauth%3Atoken-type%3Ajwt",
            Assert.Single(emulator.State.Requests).Body);
    }

    [Fact]
    public async Task BasicClientAuthenticationFormEncodesIdAndSecretFirst()
    {
        await using var emulator = await StsEmulatorHost.StartAsync();
        emulator.State.Clients["client id:1"] = Secrets.ClientSecret;
        var client = new StsClient(emulator.TokenEndpoint, new ClientAuthentication("client id:1", Secrets.ClientSecret), new TestOptions().Create());

        await client.ExchangeTokenAsync(Exchanges.Jwt(emulator.MintJwt()));

        var sent = Assert.Single(emulator.State.Requests);
        var expected = "client+id%3A1:" + StsPowerShell.Core.Http.FormUrlEncoding.Encode(Secrets.ClientSecret);
        Assert.Equal("Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes(expected)), sent.Header("Authorization"));
        Assert.DoesNotContain("client_secret", sent.Body);
    }

    [Fact]
    public async Task RequestBodyClientAuthenticationSendsIdAndSecretAsFields()
    {
        await using var emulator = await StsEmulatorHost.StartAsync();
        emulator.State.Clients["body-client"] = Secrets.ClientSecret;
        var client = new StsClient(emulator.TokenEndpoint, new ClientAuthentication("body-client", Secrets.ClientSecret, ClientAuthenticationMethod.RequestBody), new TestOptions().Create());

        await client.ExchangeTokenAsync(Exchanges.Jwt(emulator.MintJwt()));

        var sent = Assert.Single(emulator.State.Requests);
        Assert.Null(sent.Header("Authorization"));
        var form = QueryHelpers.ParseQuery(sent.Body);
        Assert.Equal("body-client", form["client_id"].ToString());
        Assert.Equal(Secrets.ClientSecret, form["client_secret"].ToString());
    }

    [Fact]
    public async Task AWrongClientSecretIsInvalidClient()
    {
        await using var emulator = await StsEmulatorHost.StartAsync();
        emulator.State.Clients["client"] = "the-right-secret";
        var client = new StsClient(emulator.TokenEndpoint, new ClientAuthentication("client", Secrets.ClientSecret), new TestOptions().Create());

        var error = await Assert.ThrowsAsync<StsOAuthException>(() => client.ExchangeTokenAsync(Exchanges.Jwt(emulator.MintJwt())));

        Assert.Equal("invalid_client", error.Error);
        Assert.Equal(401, error.StatusCode);
        Assert.Equal(1, error.Attempts);
    }

    [Fact]
    public async Task AnAccessTokenItIssuedCanBeExchangedAgain()
    {
        await using var emulator = await StsEmulatorHost.StartAsync();
        var client = new StsClient(emulator.TokenEndpoint, options: new TestOptions().Create());
        var first = await client.ExchangeTokenAsync(Exchanges.Jwt(emulator.MintJwt()));

        var second = await client.ExchangeTokenAsync(new TokenExchangeRequestBuilder
        {
            SubjectToken = first.AccessToken,
            SubjectTokenType = "access_token",
            RequestedTokenType = "access_token",
        }.Build());

        Assert.NotEqual(first.AccessToken, second.AccessToken);
    }

    [Fact]
    public async Task AnAuthorizationHeaderCannotBeCombinedWithBasicAuthentication()
    {
        await using var emulator = await StsEmulatorHost.StartAsync();
        var client = new StsClient(emulator.TokenEndpoint, new ClientAuthentication("id", "secret-value"), new TestOptions().Create());
        var request = Exchanges.Jwt("t0ken-value", change: r => r.AdditionalHeaders["Authorization"] = "Bearer x");
        var error = await Assert.ThrowsAsync<ArgumentException>(() => client.ExchangeTokenAsync(request));
        Assert.Equal("AdditionalHeader", error.ParamName);
        Assert.Equal(0, emulator.State.RequestCount);
    }

    [Fact]
    public async Task InvalidInputIsRefusedBeforeAnyRequest()
    {
        await using var emulator = await StsEmulatorHost.StartAsync();
        var exchange = new TokenExchangeOperation(emulator.TokenEndpoint, null, new TestOptions().Create());
        var request = Exchanges.JwtBuilder(emulator.MintJwt());
        request.Options = "{\"a\":\"" + new string('x', 5000) + "\"}";
        var error = Assert.Throws<ArgumentException>(() => exchange.Prepare(request));
        Assert.Equal("Options", error.ParamName);
        Assert.Equal(0, emulator.State.RequestCount);
    }

    [Fact]
    public void PlainHttpToAnotherHostIsRefusedAtConstruction()
    {
        var error = Assert.Throws<ArgumentException>(() => new StsClient(new Uri("http://sts.googleapis.com/v1/token")));
        Assert.Equal("tokenEndpoint", error.ParamName);
    }

    [Fact]
    public async Task VerboseOutputSaysWhatIsSentWhereWithoutSecrets()
    {
        await using var emulator = await StsEmulatorHost.StartAsync();
        emulator.State.Clients["client"] = Secrets.ClientSecret;
        var options = new TestOptions();
        var client = new StsClient(emulator.TokenEndpoint, new ClientAuthentication("client", Secrets.ClientSecret), options.Create());
        var jwt = emulator.MintJwt();

        var response = await client.ExchangeTokenAsync(Exchanges.Jwt(jwt));

        var log = options.Logger.All;
        Assert.Contains(emulator.TokenEndpoint.ToString(), log);
        Assert.Contains("subject_token_type " + TokenTypes.Jwt, log);
        Assert.Contains("audience " + EmulatorState.WorkloadProvider, log);
        Assert.Contains($"subject_token of {jwt.Length} characters", log);
        Assert.Contains("client client by Basic", log);
        Secrets.AssertAbsent(log, jwt, Secrets.ClientSecret, response.AccessToken);
        Secrets.AssertAbsent(response.ToString(), response.AccessToken);
    }
}
