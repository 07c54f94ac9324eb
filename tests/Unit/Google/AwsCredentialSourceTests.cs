using System.Text.Json;
using System.Text.Json.Nodes;
using StsEmulator;
using StsEmulator.Aws;
using StsPowerShell.Core.Google;
using StsPowerShell.Tests.Support;

namespace StsPowerShell.Tests.Google;

/// <summary>
/// The aws1 credential source reads instance metadata at the URLs its configuration names, as Google's libraries
/// do. Every test names the emulator (under a root the AWS default paths do not use) or gives no URL: nothing
/// leaves loopback.
/// </summary>
public class AwsCredentialSourceTests
{
    private const string Root = MetadataEndpoints.AlternateRoot + "/latest";

    private static async Task<StsEmulatorHost> Start()
    {
        var emulator = await StsEmulatorHost.StartAsync();
        emulator.State.Clock = () => TestOptions.FixedNow;
        emulator.State.Aws.ImdsAvailabilityZone = "sa-east-1c";
        return emulator;
    }

    private static JsonObject Configuration(StsEmulatorHost? emulator, bool url = true, bool regionUrl = true, bool sessionTokenUrl = true)
    {
        var source = new JsonObject
        {
            ["environment_id"] = "aws1",
            ["regional_cred_verification_url"] = "https://sts.{region}.amazonaws.com?Action=GetCallerIdentity&Version=2011-06-15",
        };
        if (url)
        {
            source["url"] = emulator!.BaseUrl + Root + "/meta-data/iam/security-credentials";
        }

        if (regionUrl)
        {
            source["region_url"] = emulator!.BaseUrl + Root + "/meta-data/placement/availability-zone";
        }

        if (sessionTokenUrl)
        {
            source["imdsv2_session_token_url"] = emulator!.BaseUrl + Root + "/api/token";
        }

        var json = ExternalAccountFiles.Workload(emulator, source);
        json["subject_token_type"] = "urn:ietf:params:aws:token-type:aws4_request";
        return json;
    }

    private static Task<string> SubjectToken(JsonObject configuration, Dictionary<string, string?> environment) =>
        ExternalAccountConfiguration.Parse(configuration.ToJsonString(), "/config.json").CredentialSource
            .GetSubjectTokenAsync(new SubjectTokenContext(environment, new TestOptions().Create()) { MetadataTimeout = TimeSpan.FromSeconds(5) }, CancellationToken.None);

    /// <summary>The signed request's URL and headers.</summary>
    private static (string Url, Dictionary<string, string> Headers) Decode(string subjectToken)
    {
        using var document = JsonDocument.Parse(Uri.UnescapeDataString(subjectToken));
        var headers = document.RootElement.GetProperty("headers").EnumerateArray()
            .ToDictionary(h => h.GetProperty("key").GetString()!, h => h.GetProperty("value").GetString()!, StringComparer.OrdinalIgnoreCase);
        return (document.RootElement.GetProperty("url").GetString()!, headers);
    }

    private static string ClosedLoopbackUrl()
    {
        var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        var port = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return $"http://127.0.0.1:{port}";
    }

    private static string[] Lines(StsEmulatorHost emulator) => emulator.State.Requests.Select(r => r.Method + " " + r.Path).ToArray();

    [Fact]
    public async Task TheConfiguredUrlsAreUsedAsWrittenWithOneSession()
    {
        await using var emulator = await Start();
        var environment = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase)
        {
            // The AWS tools' variables do not move the URLs a configuration file names.
            ["AWS_EC2_METADATA_SERVICE_ENDPOINT"] = ClosedLoopbackUrl(),
            ["AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE"] = "IPv6",
        };
        var before = environment.ToArray();

        var (url, headers) = Decode(await SubjectToken(Configuration(emulator), environment));

        Assert.Equal(
            new[]
            {
                $"PUT {Root}/api/token",
                $"GET {Root}/meta-data/placement/availability-zone",
                $"GET {Root}/meta-data/iam/security-credentials",
                $"GET {Root}/meta-data/iam/security-credentials/emulator-role",
            },
            Lines(emulator));
        var requests = emulator.State.Requests.ToArray();
        Assert.Equal("21600", requests[0].Header("X-aws-ec2-metadata-token-ttl-seconds"));
        var session = Assert.Single(emulator.State.Aws.ImdsSessionTokens).Key;
        Assert.All(requests.Skip(1), r => Assert.Equal(session, r.Header("X-aws-ec2-metadata-token")));

        // The availability zone minus its letter; placement/region (us-west-2) is not asked.
        Assert.Equal("https://sts.sa-east-1.amazonaws.com?Action=GetCallerIdentity&Version=2011-06-15", url);
        Assert.StartsWith($"AWS4-HMAC-SHA256 Credential={AwsSettings.TemporaryAccessKeyId}/20261122/sa-east-1/sts/aws4_request", headers["Authorization"]);
        Assert.Equal(AwsSettings.SessionToken, headers["x-amz-security-token"]);
        Assert.Equal(before, environment.ToArray());
    }

    [Fact]
    public async Task WithoutImdsv2SessionTokenUrlNoSessionIsAskedFor()
    {
        await using var emulator = await Start();
        emulator.State.Aws.ImdsRequireSessionToken = false;

        var (_, headers) = Decode(await SubjectToken(Configuration(emulator, sessionTokenUrl: false), new Dictionary<string, string?>()));

        Assert.Equal(
            new[] { $"GET {Root}/meta-data/placement/availability-zone", $"GET {Root}/meta-data/iam/security-credentials", $"GET {Root}/meta-data/iam/security-credentials/emulator-role" },
            Lines(emulator));
        Assert.All(emulator.State.Requests, r => Assert.Null(r.Header("X-aws-ec2-metadata-token")));
        Assert.Equal(AwsSettings.SessionToken, headers["x-amz-security-token"]);
    }

    [Fact]
    public async Task ARefusedSessionTokenIsAnErrorNotAFallbackToImdsV1()
    {
        await using var emulator = await Start();
        emulator.State.Aws.ImdsTokenStatus = 403;
        emulator.State.Aws.ImdsRequireSessionToken = false;

        var error = await Assert.ThrowsAsync<SubjectTokenSourceException>(() => SubjectToken(Configuration(emulator), new Dictionary<string, string?>()));

        Assert.Contains("session token request answered HTTP 403", error.Message);
        Assert.Equal(new[] { $"PUT {Root}/api/token" }, Lines(emulator));
    }

    [Theory]
    [InlineData("AWS_REGION")]
    [InlineData("AWS_DEFAULT_REGION")]
    public async Task KeysAndRegionFromTheEnvironmentNeedNoMetadata(string regionVariable)
    {
        await using var emulator = await Start();
        var environment = new Dictionary<string, string?>
        {
            ["AWS_ACCESS_KEY_ID"] = AwsSettings.AccessKeyId,
            ["AWS_SECRET_ACCESS_KEY"] = AwsSettings.SecretAccessKey,
            [regionVariable] = "eu-north-1",
        };

        var (url, headers) = Decode(await SubjectToken(Configuration(emulator), environment));

        Assert.Equal(0, emulator.State.RequestCount);
        Assert.StartsWith("https://sts.eu-north-1.amazonaws.com", url);
        Assert.Contains($"Credential={AwsSettings.AccessKeyId}/", headers["Authorization"]);
    }

    [Fact]
    public async Task KeysFromTheEnvironmentAndTheRegionFromRegionUrl()
    {
        await using var emulator = await Start();
        var environment = new Dictionary<string, string?>
        {
            ["AWS_ACCESS_KEY_ID"] = AwsSettings.AccessKeyId,
            ["AWS_SECRET_ACCESS_KEY"] = AwsSettings.SecretAccessKey,
        };

        var (url, headers) = Decode(await SubjectToken(Configuration(emulator), environment));

        Assert.Equal(new[] { $"PUT {Root}/api/token", $"GET {Root}/meta-data/placement/availability-zone" }, Lines(emulator));
        Assert.StartsWith("https://sts.sa-east-1.amazonaws.com", url);
        Assert.Contains($"Credential={AwsSettings.AccessKeyId}/", headers["Authorization"]);
        Assert.False(headers.ContainsKey("x-amz-security-token"));
    }

    [Fact]
    public async Task AwsEc2MetadataDisabledTurnsTheConfiguredUrlsOff()
    {
        await using var emulator = await Start();
        var environment = new Dictionary<string, string?> { ["AWS_EC2_METADATA_DISABLED"] = "true" };

        var error = await Assert.ThrowsAsync<SubjectTokenSourceException>(() => SubjectToken(Configuration(emulator), environment));

        Assert.Contains("instance metadata: disabled by AWS_EC2_METADATA_DISABLED", error.Message);
        Assert.Equal(0, emulator.State.RequestCount);

        environment["AWS_ACCESS_KEY_ID"] = AwsSettings.AccessKeyId;
        environment["AWS_SECRET_ACCESS_KEY"] = AwsSettings.SecretAccessKey;
        environment["AWS_REGION"] = "eu-north-1";
        await SubjectToken(Configuration(emulator), environment);
        Assert.Equal(0, emulator.State.RequestCount);
    }

    [Fact]
    public async Task WithoutUrlOrRegionUrlTheErrorSaysWhichIsMissing()
    {
        await using var emulator = await Start();
        var environment = new Dictionary<string, string?> { ["AWS_REGION"] = "eu-north-1" };

        var error = await Assert.ThrowsAsync<SubjectTokenSourceException>(() => SubjectToken(Configuration(emulator, url: false), environment));
        Assert.Contains("credential_source names no url", error.Message);

        environment.Remove("AWS_REGION");
        environment["AWS_ACCESS_KEY_ID"] = AwsSettings.AccessKeyId;
        environment["AWS_SECRET_ACCESS_KEY"] = AwsSettings.SecretAccessKey;
        error = await Assert.ThrowsAsync<SubjectTokenSourceException>(() => SubjectToken(Configuration(emulator, regionUrl: false), environment));
        Assert.Contains("credential_source names no region_url", error.Message);
        Assert.Equal(0, emulator.State.RequestCount);
    }

    // Parsed only: nothing is sent to any of these addresses.
    [Theory]
    [InlineData("url", "http://169.254.169.254/latest/meta-data/iam/security-credentials", true)]
    [InlineData("region_url", "http://[fd00:ec2::254]/latest/meta-data/placement/availability-zone", true)]
    [InlineData("imdsv2_session_token_url", "http://169.254.169.254/latest/api/token", true)]
    [InlineData("url", "http://127.0.0.1:8080/latest/meta-data/iam/security-credentials", true)]
    [InlineData("url", "https://localhost/latest/meta-data/iam/security-credentials", true)]
    [InlineData("url", "https://metadata.example/latest/meta-data/iam/security-credentials", false)]
    [InlineData("region_url", "http://169.254.170.2/latest/meta-data/placement/availability-zone", false)]
    [InlineData("imdsv2_session_token_url", "https://169.254.169.254/latest/api/token", false)]
    [InlineData("imdsv2_session_token_url", "http://10.0.0.1/latest/api/token", false)]
    public void OnlyTheAwsMetadataAddressesOrLoopbackAreAccepted(string field, string value, bool accepted)
    {
        var json = Configuration(null, url: false, regionUrl: false, sessionTokenUrl: false);
        json["credential_source"]![field] = value;

        if (accepted)
        {
            Assert.IsType<AwsCredentialSource>(ExternalAccountConfiguration.Parse(json.ToJsonString(), "/config.json").CredentialSource);
        }
        else
        {
            var error = Assert.Throws<ExternalAccountConfigurationException>(() => ExternalAccountConfiguration.Parse(json.ToJsonString(), "/config.json"));
            Assert.Equal("credential_source." + field, error.Field);
            Assert.Contains("169.254.169.254", error.Message);
        }
    }
}
