using System.Text.Json.Nodes;
using StsEmulator;
using StsEmulator.Aws;
using StsPowerShell.Core.Aws;
using StsPowerShell.Core.Exchange;
using StsPowerShell.Tests.Support;

namespace StsPowerShell.Tests.Aws;

/// <summary>
/// New-AwsCallerIdentityToken | Invoke-StsTokenExchange, as the cmdlets run it, against the emulator: its STS
/// verifies the AWS signature, its metadata services hand out the credentials.
/// </summary>
public class AwsFederationEndToEndTests
{
    private static TokenExchangeRequest Exchange(CallerIdentityToken token, string audience = EmulatorState.WorkloadProvider, string? subjectToken = null)
    {
        var request = new TokenExchangeRequestBuilder { SubjectToken = subjectToken ?? token.Token, SubjectTokenType = token.TokenType, RequestedTokenType = "access_token" };
        request.Audiences.Add(audience);
        request.Scopes.Add(Exchanges.CloudPlatform);
        return request.Build();
    }

    [Fact]
    public async Task InstanceMetadataCredentialsBecomeAGoogleAccessToken()
    {
        await using var emulator = await StsEmulatorHost.StartAsync();
        using var environment = new AwsTestEnvironment(emulator);
        var token = await CallerIdentityToken.CreateAsync(null, null, EmulatorState.WorkloadProvider, null, environment.Options(), CancellationToken.None);
        var options = new TestOptions();
        var response = await new StsClient(emulator.TokenEndpoint, options: options.Create()).ExchangeTokenAsync(Exchange(token));

        Assert.Equal("us-west-2", token.Region);
        Assert.Equal(AwsSettings.TemporaryAccessKeyId, token.AccessKeyId);
        Assert.StartsWith("instance metadata at", token.CredentialSource);
        Assert.StartsWith("ya29.emulator.", response.AccessToken);
        Secrets.AssertAbsent(environment.Logger.All + options.Logger.All, token.Token, AwsSettings.TemporarySecretAccessKey, AwsSettings.SessionToken, response.AccessToken);
    }

    [Fact]
    public async Task KeysGivenAsParametersSkipDiscovery()
    {
        await using var emulator = await StsEmulatorHost.StartAsync();
        using var environment = new AwsTestEnvironment(emulator);
        var keys = new AwsCredentials(AwsSettings.AccessKeyId, AwsSettings.SecretAccessKey);

        var token = await CallerIdentityToken.CreateAsync(keys, "eu-west-1", EmulatorState.WorkloadProvider, null, environment.Options(), CancellationToken.None);
        Assert.Equal(0, emulator.State.RequestCount);

        var response = await new StsClient(emulator.TokenEndpoint, options: new TestOptions().Create()).ExchangeTokenAsync(Exchange(token));
        Assert.NotEmpty(response.AccessToken);
        Assert.Equal("parameters", token.CredentialSource);
    }

    [Fact]
    public async Task TemporaryKeysFromTheEnvironmentAreAcceptedWithTheirSessionToken()
    {
        await using var emulator = await StsEmulatorHost.StartAsync();
        using var environment = new AwsTestEnvironment(emulator);
        environment.Variables["AWS_ACCESS_KEY_ID"] = AwsSettings.TemporaryAccessKeyId;
        environment.Variables["AWS_SECRET_ACCESS_KEY"] = AwsSettings.TemporarySecretAccessKey;
        environment.Variables["AWS_SESSION_TOKEN"] = AwsSettings.SessionToken;
        environment.Variables["AWS_REGION"] = "us-east-2";
        var token = await CallerIdentityToken.CreateAsync(null, null, EmulatorState.WorkloadProvider, null, environment.Options(), CancellationToken.None);

        var response = await new StsClient(emulator.TokenEndpoint, options: new TestOptions().Create()).ExchangeTokenAsync(Exchange(token));

        Assert.NotEmpty(response.AccessToken);
        Assert.Equal(0, emulator.State.Requests.Count(r => r.Path.StartsWith("/latest", StringComparison.Ordinal)));
    }

    public static TheoryData<string, string> Tamperings() => new()
    {
        { "signature", "signature does not match" },
        { "old-date", "more than 15 minutes" },
        { "other-audience", "does not match the audience" },
        { "unknown-key", "is not known" },
        { "no-session-token", "needs its x-amz-security-token" },
        { "method", "method must be POST" },
        { "url-host", "is not an AWS STS endpoint" },
        { "no-date-header", "lacks the x-amz-date header" },
        { "changed-signed-header", "signature does not match" },
        { "not-json", "not a URL-encoded JSON" },
    };

    [Theory]
    [MemberData(nameof(Tamperings))]
    public async Task TamperedTokensAreRefusedWithInvalidGrantSayingWhat(string tampering, string reason)
    {
        await using var emulator = await StsEmulatorHost.StartAsync();
        emulator.State.Clock = () => TestOptions.FixedNow;
        var keys = new AwsCredentials(AwsSettings.AccessKeyId, AwsSettings.SecretAccessKey);
        var signedAt = tampering == "old-date" ? TestOptions.FixedNow.AddMinutes(-20) : TestOptions.FixedNow;
        var audience = tampering == "other-audience" ? EmulatorState.WorkforceProvider : EmulatorState.WorkloadProvider;
        if (tampering == "unknown-key")
        {
            keys = new AwsCredentials("AKIAUNKNOWNEXAMPLE00", "unknown-secret-value");
        }
        else if (tampering == "no-session-token")
        {
            keys = new AwsCredentials(AwsSettings.TemporaryAccessKeyId, AwsSettings.TemporarySecretAccessKey);
        }

        var token = CallerIdentityToken.Create(keys, "us-east-1", audience, signedAt);
        var request = Exchange(token, subjectToken: tampering switch
        {
            "signature" => Edit(token.Token, json => Header(json, "Authorization", v => v[..^4] + "0000")),
            "method" => Edit(token.Token, json => json["method"] = "GET"),
            "url-host" => Edit(token.Token, json => json["url"] = "https://sts.evil.example?Action=GetCallerIdentity&Version=2011-06-15"),
            "no-date-header" => Edit(token.Token, json => json["headers"]!.AsArray().Remove(json["headers"]!.AsArray().First(h => (string?)h!["key"] == "x-amz-date"))),
            "changed-signed-header" => Edit(token.Token, json => Header(json, "x-goog-cloud-target-resource", _ => "https:" + EmulatorState.WorkloadProvider)),
            "not-json" => "not%20json",
            _ => token.Token,
        });

        var error = await Assert.ThrowsAsync<StsOAuthException>(() => new StsClient(emulator.TokenEndpoint, options: new TestOptions().Create()).ExchangeTokenAsync(request));

        Assert.Equal("invalid_grant", error.Error);
        Assert.Contains(reason, error.ErrorDescription);
        Secrets.AssertAbsent(error.Message, request.SubjectToken);
    }

    private static string Edit(string token, Action<JsonObject> change)
    {
        var json = JsonNode.Parse(Uri.UnescapeDataString(token))!.AsObject();
        change(json);
        return SigV4Signer.UriEncode(json.ToJsonString());
    }

    private static void Header(JsonObject json, string key, Func<string, string> change)
    {
        var header = json["headers"]!.AsArray().First(h => (string?)h!["key"] == key)!;
        header["value"] = change((string)header["value"]!);
    }
}
