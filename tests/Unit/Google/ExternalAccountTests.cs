using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.WebUtilities;
using StsEmulator;
using StsEmulator.Aws;
using StsPowerShell.Core.Exchange;
using StsPowerShell.Core.Google;
using StsPowerShell.Tests.Support;

namespace StsPowerShell.Tests.Google;

/// <summary>external_account files end to end: each credential source, impersonation, workforce pools, and reuse.</summary>
public sealed class ExternalAccountTests : IDisposable
{
    private readonly string folder = Directory.CreateTempSubdirectory("sts-ext-").FullName;

    public void Dispose() => Directory.Delete(folder, recursive: true);

    private static async Task<StsEmulatorHost> Start()
    {
        var emulator = await StsEmulatorHost.StartAsync();
        emulator.State.Clock = () => TestOptions.FixedNow;
        return emulator;
    }

    private static Dictionary<string, string?> Environment(StsEmulatorHost? emulator = null) => new(StringComparer.OrdinalIgnoreCase)
    {
        ["AWS_EC2_METADATA_DISABLED"] = emulator == null ? "true" : null,
    };

    private async Task<IssuedToken> Token(string configPath, Dictionary<string, string?> environment, TestOptions? options = null, TokenCache? cache = null, bool force = false, params string[] scopes)
    {
        var credential = new ExternalAccountCredential(ExternalAccountConfiguration.Load(configPath), new SubjectTokenContext(environment, (options ?? new TestOptions()).Create()));
        return await credential.GetAccessTokenAsync(scopes.Length == 0 ? new[] { "cloud-platform" } : scopes, force ? TokenReuse.Refresh : TokenReuse.Reuse, cache ?? new TokenCache(() => TestOptions.FixedNow), CancellationToken.None);
    }

    [Theory]
    [InlineData("text")]
    [InlineData("json")]
    public async Task AFileSourceInTextOrJson(string format)
    {
        await using var emulator = await Start();
        var jwt = emulator.MintJwt();
        var tokenFile = Path.Combine(folder, "token");
        File.WriteAllText(tokenFile, format == "text" ? jwt + "\n" : JsonSerializer.Serialize(new { id_token = jwt }));
        var source = new JsonObject { ["file"] = tokenFile, ["format"] = format == "text" ? new JsonObject { ["type"] = "text" } : new JsonObject { ["type"] = "json", ["subject_token_field_name"] = "id_token" } };
        var config = ExternalAccountFiles.Write(folder, ExternalAccountFiles.Workload(emulator, source));

        var token = await Token(config, Environment());

        Assert.StartsWith("ya29.emulator.", token.Token);
        Assert.Equal(TestOptions.FixedNow.AddSeconds(3599), token.ExpiresOn);
        var form = QueryHelpers.ParseQuery(Assert.Single(emulator.State.Requests).Body);
        Assert.Equal(jwt, form["subject_token"].ToString());
        Assert.Equal("https://www.googleapis.com/auth/cloud-platform", form["scope"].ToString());
        Assert.Equal(EmulatorState.WorkloadProvider, form["audience"].ToString());
    }

    [Fact]
    public async Task AMissingTokenFileIsASourceError()
    {
        await using var emulator = await Start();
        var config = ExternalAccountFiles.Write(folder, ExternalAccountFiles.Workload(emulator, new JsonObject { ["file"] = Path.Combine(folder, "absent") }));
        var error = await Assert.ThrowsAsync<SubjectTokenSourceException>(() => Token(config, Environment()));
        Assert.Equal("file", error.Kind);
        Assert.Contains("does not exist", error.Message);
        Assert.Equal(0, emulator.State.RequestCount);
    }

    [Fact]
    public async Task AUrlSourceWithHeadersAndJson()
    {
        await using var emulator = await Start();
        var source = new JsonObject
        {
            ["url"] = emulator.BaseUrl + "/subject-token?format=json",
            ["headers"] = new JsonObject { ["Metadata"] = "true" },
            ["format"] = new JsonObject { ["type"] = "json", ["subject_token_field_name"] = "access_token" },
        };
        var config = ExternalAccountFiles.Write(folder, ExternalAccountFiles.Workload(emulator, source));

        var token = await Token(config, Environment());

        Assert.NotEmpty(token.Token);
        Assert.Equal("true", emulator.State.Requests.First().Header("Metadata"));
    }

    [Fact]
    public async Task AUrlSourceRefusalCarriesTheServersWords()
    {
        await using var emulator = await Start();
        var config = ExternalAccountFiles.Write(folder, ExternalAccountFiles.Workload(emulator, new JsonObject { ["url"] = emulator.BaseUrl + "/subject-token" }));
        var error = await Assert.ThrowsAsync<SubjectTokenSourceException>(() => Token(config, Environment()));
        Assert.Contains("missing_header: The Metadata: true header is required.", error.Message);
    }

    [Fact]
    public async Task AnAws1SourceUsesInstanceMetadata()
    {
        await using var emulator = await Start();
        var source = new JsonObject
        {
            ["environment_id"] = "aws1",
            ["region_url"] = emulator.BaseUrl + "/latest/meta-data/placement/availability-zone",
            ["url"] = emulator.BaseUrl + "/latest/meta-data/iam/security-credentials",
            ["regional_cred_verification_url"] = "https://sts.{region}.amazonaws.com?Action=GetCallerIdentity&Version=2011-06-15",
            ["imdsv2_session_token_url"] = emulator.BaseUrl + "/latest/api/token",
        };
        var json = ExternalAccountFiles.Workload(emulator, source);
        json["subject_token_type"] = "urn:ietf:params:aws:token-type:aws4_request";
        var config = ExternalAccountFiles.Write(folder, json);

        var token = await Token(config, Environment(emulator));

        Assert.NotEmpty(token.Token);
        var subject = Uri.UnescapeDataString(QueryHelpers.ParseQuery(emulator.State.Requests.Last().Body)["subject_token"].ToString());
        Assert.Contains("sts.us-west-2.amazonaws.com", subject);
        Assert.Contains(AwsSettings.TemporaryAccessKeyId, subject);
    }

    [Fact]
    public async Task AnAws1SourcePrefersEnvironmentKeysAndNeverReadsProfiles()
    {
        await using var emulator = await Start();
        var home = Path.Combine(folder, "home");
        Directory.CreateDirectory(Path.Combine(home, ".aws"));
        File.WriteAllText(Path.Combine(home, ".aws", "credentials"), "[default]\naws_access_key_id = AKIAPROFILE\naws_secret_access_key = profile-secret\n");
        var json = ExternalAccountFiles.Workload(emulator, new JsonObject { ["environment_id"] = "aws1" });
        json["subject_token_type"] = "urn:ietf:params:aws:token-type:aws4_request";
        var config = ExternalAccountFiles.Write(folder, json);
        var environment = Environment();
        environment["HOME"] = home;
        environment["AWS_ACCESS_KEY_ID"] = AwsSettings.AccessKeyId;
        environment["AWS_SECRET_ACCESS_KEY"] = AwsSettings.SecretAccessKey;
        environment["AWS_REGION"] = "eu-north-1";

        await Token(config, environment);

        Assert.Equal(1, emulator.State.RequestCount);
        environment.Remove("AWS_ACCESS_KEY_ID");
        environment.Remove("AWS_SECRET_ACCESS_KEY");
        var error = await Assert.ThrowsAsync<SubjectTokenSourceException>(() => Token(config, environment));
        Assert.DoesNotContain("profile", error.Message);
    }

    private string ExecutableConfig(StsEmulatorHost emulator, JsonObject response, bool outputFile, out string recordFile, out string responseFile, JsonObject? extra = null)
    {
        responseFile = Path.Combine(folder, "response.json");
        recordFile = Path.Combine(folder, "variables.txt");
        File.WriteAllText(responseFile, response.ToJsonString());
        var executable = new JsonObject
        {
            ["command"] = $"sh {Path.Combine(RepositoryPaths.Root, "tests/Unit/TestData/executable-source/respond.sh")} {responseFile} {recordFile}",
            ["timeout_millis"] = 10000,
        };
        if (outputFile)
        {
            executable["output_file"] = Path.Combine(folder, "cache.json");
        }

        var json = ExternalAccountFiles.Workload(emulator, new JsonObject { ["executable"] = executable });
        foreach (var field in extra ?? new JsonObject())
        {
            json[field.Key] = field.Value?.DeepClone();
        }

        return ExternalAccountFiles.Write(folder, json);
    }

    private static JsonObject Success(string jwt, DateTimeOffset? expires = null) => new()
    {
        ["version"] = 1,
        ["success"] = true,
        ["token_type"] = "urn:ietf:params:oauth:token-type:jwt",
        ["id_token"] = jwt,
        ["expiration_time"] = (expires ?? TestOptions.FixedNow.AddHours(1)).ToUnixTimeSeconds(),
    };

    [Fact]
    public async Task AnExecutableRunsOnlyWhenAllowed()
    {
        await using var emulator = await Start();
        var config = ExecutableConfig(emulator, Success(emulator.MintJwt()), false, out var record, out _);

        var error = await Assert.ThrowsAsync<SubjectTokenSourceException>(() => Token(config, Environment()));

        Assert.Contains("set GOOGLE_EXTERNAL_ACCOUNT_ALLOW_EXECUTABLES=1", error.Message);
        Assert.False(File.Exists(record));
        Assert.Equal(0, emulator.State.RequestCount);
    }

    [PosixShellFact]
    public async Task AnAllowedExecutableGetsGooglesVariablesAndItsTokenIsExchanged()
    {
        await using var emulator = await Start();
        var extra = new JsonObject { ["service_account_impersonation_url"] = $"{emulator.BaseUrl}/v1/projects/-/serviceAccounts/{EmulatorState.DefaultServiceAccount}:generateAccessToken" };
        var config = ExecutableConfig(emulator, Success(emulator.MintJwt()), true, out var record, out _, extra);
        var environment = Environment();
        environment[ExecutableCredentialSource.AllowVariable] = "1";

        var token = await Token(config, environment);

        Assert.NotEmpty(token.Token);
        var variables = File.ReadAllLines(record);
        Assert.Contains($"GOOGLE_EXTERNAL_ACCOUNT_AUDIENCE={EmulatorState.WorkloadProvider}", variables);
        Assert.Contains("GOOGLE_EXTERNAL_ACCOUNT_TOKEN_TYPE=urn:ietf:params:oauth:token-type:jwt", variables);
        Assert.Contains("GOOGLE_EXTERNAL_ACCOUNT_INTERACTIVE=0", variables);
        Assert.Contains($"GOOGLE_EXTERNAL_ACCOUNT_IMPERSONATED_EMAIL={EmulatorState.DefaultServiceAccount}", variables);
        Assert.Contains($"GOOGLE_EXTERNAL_ACCOUNT_OUTPUT_FILE={Path.Combine(folder, "cache.json")}", variables);
    }

    [PosixShellFact]
    public async Task AValidOutputFileIsUsedWithoutRunningAndAnExpiredOneIsNot()
    {
        await using var emulator = await Start();
        var config = ExecutableConfig(emulator, Success(emulator.MintJwt()), true, out var record, out _);
        var environment = Environment();
        environment[ExecutableCredentialSource.AllowVariable] = "1";
        var cacheFile = Path.Combine(folder, "cache.json");
        File.WriteAllText(cacheFile, Success(emulator.MintJwt()).ToJsonString());

        await Token(config, environment);
        Assert.False(File.Exists(record));

        File.WriteAllText(cacheFile, Success(emulator.MintJwt(), TestOptions.FixedNow.AddMinutes(-1)).ToJsonString());
        await Token(config, environment);
        Assert.True(File.Exists(record));
    }

    [PosixShellTheory]
    [InlineData("{\"version\":1,\"success\":false,\"code\":\"401\",\"message\":\"Caller not authorized.\"}", "reported failure 401: Caller not authorized.")]
    [InlineData("{\"version\":2,\"success\":true}", "has no version 1")]
    [InlineData("{\"version\":1,\"success\":true,\"token_type\":\"urn:ietf:params:oauth:token-type:saml2\",\"saml_response\":\"x\",\"expiration_time\":4102444800}", "but the configuration's subject_token_type is urn:ietf:params:oauth:token-type:jwt")]
    [InlineData("{\"version\":1,\"success\":true,\"token_type\":\"urn:ietf:params:oauth:token-type:jwt\",\"id_token\":\"x\"}", "has no expiration_time, which output_file requires")]
    [InlineData("not json", "is not JSON")]
    public async Task ExecutableResponsesAreValidated(string response, string expected)
    {
        await using var emulator = await Start();
        var config = ExecutableConfig(emulator, new JsonObject(), true, out _, out var responseFile);
        File.WriteAllText(responseFile, response);
        var environment = Environment();
        environment[ExecutableCredentialSource.AllowVariable] = "1";

        var error = await Assert.ThrowsAsync<SubjectTokenSourceException>(() => Token(config, environment));

        Assert.Contains(expected, error.Message);
    }

    [Fact]
    public async Task ImpersonationFromTheConfigurationUsesItsLifetimeAndTheIamScope()
    {
        await using var emulator = await Start();
        var tokenFile = Path.Combine(folder, "token");
        File.WriteAllText(tokenFile, emulator.MintJwt());
        var json = ExternalAccountFiles.Workload(emulator, new JsonObject { ["file"] = tokenFile });
        json["service_account_impersonation_url"] = $"{emulator.BaseUrl}/v1/projects/-/serviceAccounts/{EmulatorState.DefaultServiceAccount}:generateAccessToken";
        json["service_account_impersonation"] = new JsonObject { ["token_lifetime_seconds"] = 900 };
        var config = ExternalAccountFiles.Write(folder, json);

        var token = await Token(config, Environment(), scopes: "devstorage.read_only");

        Assert.Equal(TestOptions.FixedNow.AddSeconds(900), token.ExpiresOn);
        Assert.Equal("https://www.googleapis.com/auth/devstorage.read_only", token.Scope);
        var requests = emulator.State.Requests.ToArray();
        Assert.Equal("https://www.googleapis.com/auth/iam", QueryHelpers.ParseQuery(requests[0].Body)["scope"].ToString());
        var iam = JsonDocument.Parse(requests[1].Body).RootElement;
        Assert.Equal("900s", iam.GetProperty("lifetime").GetString());
        Assert.Equal("https://www.googleapis.com/auth/devstorage.read_only", iam.GetProperty("scope")[0].GetString());
    }

    [Fact]
    public async Task AWorkforceFileSendsItsUserProject()
    {
        await using var emulator = await Start();
        var tokenFile = Path.Combine(folder, "token");
        File.WriteAllText(tokenFile, emulator.MintJwt(new StsEmulator.Jwt.JwtSpec { Audience = new[] { EmulatorState.WorkforceProvider } }));
        var json = ExternalAccountFiles.Workload(emulator, new JsonObject { ["file"] = tokenFile });
        json["audience"] = EmulatorState.WorkforceProvider;
        json["subject_token_type"] = "urn:ietf:params:oauth:token-type:id_token";
        json["workforce_pool_user_project"] = "billing-project";
        var config = ExternalAccountFiles.Write(folder, json);

        await Token(config, Environment());

        Assert.Equal("{\"userProject\":\"billing-project\"}", QueryHelpers.ParseQuery(Assert.Single(emulator.State.Requests).Body)["options"].ToString());
    }

    [Fact]
    public async Task GoogleApplicationCredentialsIsTheDefaultFile()
    {
        await using var emulator = await Start();
        var tokenFile = Path.Combine(folder, "token");
        File.WriteAllText(tokenFile, emulator.MintJwt());
        var config = ExternalAccountFiles.Write(folder, ExternalAccountFiles.Workload(emulator, new JsonObject { ["file"] = tokenFile }));
        var environment = Environment();
        environment[ExternalAccountConfiguration.ApplicationCredentialsVariable] = config;

        var token = await Token(ExternalAccountConfiguration.ResolvePath(null, environment), environment);
        Assert.NotEmpty(token.Token);
        Assert.Equal("/explicit.json", ExternalAccountConfiguration.ResolvePath("/explicit.json", environment));

        environment.Remove(ExternalAccountConfiguration.ApplicationCredentialsVariable);
        var error = Assert.Throws<ArgumentException>(() => ExternalAccountConfiguration.ResolvePath(null, environment));
        Assert.Equal("ConfigurationFile", error.ParamName);
    }

    [Fact]
    public async Task TokensAreReusedUntilFiveMinutesBeforeExpiryAndForceGetsAFreshOne()
    {
        await using var emulator = await Start();
        var tokenFile = Path.Combine(folder, "token");
        File.WriteAllText(tokenFile, emulator.MintJwt(new StsEmulator.Jwt.JwtSpec { ExpiresAt = TestOptions.FixedNow.AddHours(2) }));
        var config = ExternalAccountFiles.Write(folder, ExternalAccountFiles.Workload(emulator, new JsonObject { ["file"] = tokenFile }));
        var now = TestOptions.FixedNow;
        var cache = new TokenCache(() => now);

        var first = await Token(config, Environment(), cache: cache);
        var second = await Token(config, Environment(), cache: cache);
        Assert.Equal(first.Token, second.Token);
        Assert.Equal(1, emulator.State.RequestCount);

        var otherScope = await Token(config, Environment(), cache: cache, scopes: "iam");
        Assert.NotEqual(first.Token, otherScope.Token);
        Assert.Equal(2, emulator.State.RequestCount);

        now = first.ExpiresOn!.Value.AddMinutes(-5).AddSeconds(1);
        var third = await Token(config, Environment(), cache: cache);
        Assert.NotEqual(first.Token, third.Token);
        Assert.Equal(3, emulator.State.RequestCount);

        var forced = await Token(config, Environment(), cache: cache, force: true);
        Assert.NotEqual(third.Token, forced.Token);
        Assert.Equal(4, emulator.State.RequestCount);
    }

    [Fact]
    public async Task ParallelCallersShareOneExchange()
    {
        await using var emulator = await Start();
        var tokenFile = Path.Combine(folder, "token");
        File.WriteAllText(tokenFile, emulator.MintJwt());
        var config = ExternalAccountFiles.Write(folder, ExternalAccountFiles.Workload(emulator, new JsonObject { ["file"] = tokenFile }));
        var cache = new TokenCache(() => TestOptions.FixedNow);

        var tokens = await Task.WhenAll(Enumerable.Range(0, 32).Select(_ => Task.Run(() => Token(config, Environment(), cache: cache))));

        Assert.Single(tokens.Select(t => t.Token).Distinct());
        Assert.Equal(1, emulator.State.RequestCount);
    }
}
