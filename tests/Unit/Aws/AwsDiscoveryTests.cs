using StsEmulator;
using StsEmulator.Aws;
using StsPowerShell.Core.Aws;
using StsPowerShell.Tests.Support;

namespace StsPowerShell.Tests.Aws;

/// <summary>
/// Credential and region discovery, each source over real HTTP or real files and processes. Every test's
/// environment points instance metadata at the emulator or disables it: nothing leaves loopback.
/// </summary>
public class AwsDiscoveryTests
{
    private const string ProfileKeyId = "AKIAPROFILEEXAMPLE01";
    private const string ProfileSecret = "profile/Secret+Key/000000000000000000000";

    private static string StaticProfile(string section) =>
        $"[{section}]\naws_access_key_id = {ProfileKeyId}\naws_secret_access_key = {ProfileSecret}\n";

    [Fact]
    public async Task EnvironmentVariablesComeFirst()
    {
        await using var emulator = await StsEmulatorHost.StartAsync();
        using var environment = new AwsTestEnvironment(emulator);
        environment.Variables["AWS_ACCESS_KEY_ID"] = "AKIAENVIRONMENT00001";
        environment.Variables["AWS_SECRET_ACCESS_KEY"] = "environment-secret-value";
        environment.Variables["AWS_SESSION_TOKEN"] = "environment-session-token";
        environment.WriteFile(".aws/credentials", StaticProfile("default"));

        var credentials = await new AwsCredentialDiscovery(environment.Options()).FindCredentialsAsync();

        Assert.Equal("AKIAENVIRONMENT00001", credentials.AccessKeyId);
        Assert.Equal("environment-session-token", credentials.SessionToken);
        Assert.Equal("environment variables", credentials.Source);
        Assert.Equal(0, emulator.State.RequestCount);
    }

    [Fact]
    public async Task EmptyEnvironmentVariablesCountAsUnset()
    {
        using var environment = new AwsTestEnvironment(null);
        environment.Variables["AWS_ACCESS_KEY_ID"] = "";
        environment.Variables["AWS_SECRET_ACCESS_KEY"] = " ";
        environment.WriteFile(".aws/credentials", StaticProfile("default"));

        var credentials = await new AwsCredentialDiscovery(environment.Options()).FindCredentialsAsync();

        Assert.Equal(ProfileKeyId, credentials.AccessKeyId);
    }

    [Fact]
    public async Task AKeyIdWithoutItsSecretIsAnError()
    {
        using var environment = new AwsTestEnvironment(null);
        environment.Variables["AWS_ACCESS_KEY_ID"] = "AKIAENVIRONMENT00001";
        var error = await Assert.ThrowsAsync<AwsDiscoveryException>(() => new AwsCredentialDiscovery(environment.Options()).FindCredentialsAsync());
        Assert.Contains("AWS_ACCESS_KEY_ID but not AWS_SECRET_ACCESS_KEY", error.Message);
    }

    [Fact]
    public async Task TheDefaultProfileOfTheSharedCredentialsFile()
    {
        using var environment = new AwsTestEnvironment(null);
        environment.WriteFile(".aws/credentials", "# comment\n[other]\naws_access_key_id = x\n\n" + StaticProfile("default") + "aws_session_token = profile-session-token\n");

        var credentials = await new AwsCredentialDiscovery(environment.Options()).FindCredentialsAsync();

        Assert.Equal(ProfileKeyId, credentials.AccessKeyId);
        Assert.Equal(ProfileSecret, credentials.SecretAccessKey);
        Assert.Equal("profile-session-token", credentials.SessionToken);
        Assert.Equal("profile 'default'", credentials.Source);
    }

    [Fact]
    public async Task ANamedProfileFromParameterOrAwsProfileAndAConfigFileSection()
    {
        using var environment = new AwsTestEnvironment(null);
        environment.WriteFile(".aws/config", "[profile build]\nregion = eu-central-1\n" + StaticProfile("profile build").Split('\n', 2)[1]);
        environment.WriteFile(".aws/credentials", StaticProfile("default").Replace(ProfileKeyId, "AKIADEFAULTPROFILE01"));

        var byParameter = environment.Options();
        byParameter.ProfileName = "build";
        Assert.Equal(ProfileKeyId, (await new AwsCredentialDiscovery(byParameter).FindCredentialsAsync()).AccessKeyId);
        Assert.Equal("eu-central-1", await new AwsCredentialDiscovery(byParameter).FindRegionAsync());

        environment.Variables["AWS_PROFILE"] = "build";
        Assert.Equal(ProfileKeyId, (await new AwsCredentialDiscovery(environment.Options()).FindCredentialsAsync()).AccessKeyId);
    }

    [Fact]
    public async Task ProfileLocationAndTheFileVariablesMoveTheFiles()
    {
        using var environment = new AwsTestEnvironment(null);
        var custom = environment.WriteFile("elsewhere/creds", StaticProfile("default"));
        var options = environment.Options();
        options.ProfileLocation = custom;
        Assert.Equal(ProfileKeyId, (await new AwsCredentialDiscovery(options).FindCredentialsAsync()).AccessKeyId);

        environment.Variables["AWS_SHARED_CREDENTIALS_FILE"] = custom;
        Assert.Equal(ProfileKeyId, (await new AwsCredentialDiscovery(environment.Options()).FindCredentialsAsync()).AccessKeyId);
    }

    [Fact]
    public async Task ANamedProfileThatDoesNotExistIsAnErrorNotAFallback()
    {
        await using var emulator = await StsEmulatorHost.StartAsync();
        using var environment = new AwsTestEnvironment(emulator);
        var options = environment.Options();
        options.ProfileName = "missing";

        var error = await Assert.ThrowsAsync<AwsDiscoveryException>(() => new AwsCredentialDiscovery(options).FindCredentialsAsync());

        Assert.Contains("'missing' was asked for", error.Message);
        Assert.Equal(0, emulator.State.RequestCount);
    }

    [PosixShellFact]
    public async Task CredentialProcessIsRunAndItsDocumentRead()
    {
        using var environment = new AwsTestEnvironment(null);
        environment.WriteFile(".aws/config", $"[default]\ncredential_process = sh \"{AwsTestEnvironment.CredentialProcessScript("ok.sh")}\"\n");

        var credentials = await new AwsCredentialDiscovery(environment.Options()).FindCredentialsAsync();

        Assert.Equal(AwsSettings.TemporaryAccessKeyId, credentials.AccessKeyId);
        Assert.Equal(AwsSettings.SessionToken, credentials.SessionToken);
        Assert.Equal(new DateTimeOffset(2099, 1, 1, 0, 0, 0, TimeSpan.Zero), credentials.Expiration);
    }

    [PosixShellTheory]
    [InlineData("fails.sh", "exited with code 3")]
    [InlineData("version2.sh", "not a Version 1 credentials document")]
    [InlineData("hangs.sh", "did not finish within")]
    public async Task CredentialProcessFailuresAreListedWithoutItsOutput(string script, string reason)
    {
        using var environment = new AwsTestEnvironment(null);
        environment.WriteFile(".aws/config", $"[default]\ncredential_process = sh {AwsTestEnvironment.CredentialProcessScript(script)}\n");
        var options = environment.Options();
        options.ProcessTimeout = TimeSpan.FromMilliseconds(500);

        var error = await Assert.ThrowsAsync<AwsDiscoveryException>(() => new AwsCredentialDiscovery(options).FindCredentialsAsync());

        Assert.Contains(error.Tried, t => t.StartsWith("credential_process of profile 'default'", StringComparison.Ordinal) && t.Contains(reason));
        Assert.DoesNotContain("secret-in-stderr", error.Message);
    }

    [Fact]
    public async Task ContainerCredentialsFromTheFullUriWithAnAuthorizationToken()
    {
        await using var emulator = await StsEmulatorHost.StartAsync();
        emulator.State.Aws.ContainerAuthorizationToken = "container-authorization-value";
        using var environment = new AwsTestEnvironment(emulator);
        environment.Variables["AWS_CONTAINER_CREDENTIALS_FULL_URI"] = emulator.ContainerCredentialsUrl;
        environment.Variables["AWS_CONTAINER_AUTHORIZATION_TOKEN"] = "container-authorization-value";

        var credentials = await new AwsCredentialDiscovery(environment.Options()).FindCredentialsAsync();

        Assert.Equal(AwsSettings.TemporaryAccessKeyId, credentials.AccessKeyId);
        Assert.Equal(AwsSettings.SessionToken, credentials.SessionToken);
        Assert.StartsWith("container credentials at http://127.0.0.1:", credentials.Source);
        var request = Assert.Single(emulator.State.Requests);
        Assert.Equal("container-authorization-value", request.Header("Authorization"));
    }

    [Fact]
    public async Task ContainerCredentialsFromTheRelativeUriWithATokenFile()
    {
        await using var emulator = await StsEmulatorHost.StartAsync();
        emulator.State.Aws.ContainerAuthorizationToken = "token-from-file";
        using var environment = new AwsTestEnvironment(emulator);
        environment.Variables["AWS_CONTAINER_CREDENTIALS_RELATIVE_URI"] = "/container/credentials/v2/abc";
        environment.Variables["AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE"] = environment.WriteFile("eks-token", "token-from-file\n");

        var credentials = await new AwsCredentialDiscovery(environment.Options()).FindCredentialsAsync();

        Assert.Equal(AwsSettings.TemporaryAccessKeyId, credentials.AccessKeyId);
        Assert.Equal("/container/credentials/v2/abc", Assert.Single(emulator.State.Requests).Path);
    }

    [Fact]
    public async Task AFullUriOverPlainHttpToAnotherHostIsRefused()
    {
        using var environment = new AwsTestEnvironment(null);
        environment.Variables["AWS_CONTAINER_CREDENTIALS_FULL_URI"] = "http://example.com/creds";
        var error = await Assert.ThrowsAsync<AwsDiscoveryException>(() => new AwsCredentialDiscovery(environment.Options()).FindCredentialsAsync());
        Assert.Contains(error.Tried, t => t.Contains("neither https, loopback nor an ECS/EKS container address"));
    }

    [Fact]
    public async Task InstanceMetadataWithAnImdsV2SessionToken()
    {
        await using var emulator = await StsEmulatorHost.StartAsync();
        using var environment = new AwsTestEnvironment(emulator);

        var discovery = new AwsCredentialDiscovery(environment.Options());
        var credentials = await discovery.FindCredentialsAsync();
        var region = await discovery.FindRegionAsync();

        Assert.Equal(AwsSettings.TemporaryAccessKeyId, credentials.AccessKeyId);
        Assert.Equal(AwsSettings.SessionToken, credentials.SessionToken);
        Assert.Equal("us-west-2", region);
        var requests = emulator.State.Requests.ToArray();
        Assert.Equal(new[] { "PUT /latest/api/token", "GET /latest/meta-data/iam/security-credentials/", "GET /latest/meta-data/iam/security-credentials/emulator-role", "GET /latest/meta-data/placement/region" },
            requests.Select(r => r.Method + " " + r.Path));
        Assert.Equal("21600", requests[0].Header("X-aws-ec2-metadata-token-ttl-seconds"));
        Assert.All(requests.Skip(1), r =>
        {
            Assert.StartsWith("imds-", r.Header("X-aws-ec2-metadata-token"));
            Assert.Null(r.Header("Content-Type"));
        });
        Assert.Contains(environment.Logger.Messages, m => m.Contains("using an IMDSv2 session token"));
    }

    [Theory]
    [InlineData(403)]
    [InlineData(404)]
    [InlineData(405)]
    public async Task ImdsV1OnlyWhenTheSessionTokenIsRefusedSo(int status)
    {
        await using var emulator = await StsEmulatorHost.StartAsync();
        emulator.State.Aws.ImdsTokenStatus = status;
        emulator.State.Aws.ImdsRequireSessionToken = false;
        using var environment = new AwsTestEnvironment(emulator);

        var credentials = await new AwsCredentialDiscovery(environment.Options()).FindCredentialsAsync();

        Assert.Equal(AwsSettings.TemporaryAccessKeyId, credentials.AccessKeyId);
        Assert.All(emulator.State.Requests.Skip(1), r => Assert.Null(r.Header("X-aws-ec2-metadata-token")));
        Assert.Contains(environment.Logger.Messages, m => m.Contains($"refused an IMDSv2 session token with HTTP {status}; falling back to IMDSv1"));
    }

    [Fact]
    public async Task AnotherSessionTokenFailureDoesNotFallBack()
    {
        await using var emulator = await StsEmulatorHost.StartAsync();
        emulator.State.Aws.ImdsTokenStatus = 400;
        emulator.State.Aws.ImdsRequireSessionToken = false;
        using var environment = new AwsTestEnvironment(emulator);

        var error = await Assert.ThrowsAsync<AwsDiscoveryException>(() => new AwsCredentialDiscovery(environment.Options()).FindCredentialsAsync());

        Assert.Contains(error.Tried, t => t.Contains("session token request answered HTTP 400"));
        Assert.All(emulator.State.Requests, r => Assert.Equal("PUT", r.Method));
    }

    [Fact]
    public async Task NoMetadataServiceMeansNoFallback()
    {
        using var environment = new AwsTestEnvironment(null);
        environment.Variables.Remove("AWS_EC2_METADATA_DISABLED");
        var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        var port = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        environment.Variables["AWS_EC2_METADATA_SERVICE_ENDPOINT"] = $"http://127.0.0.1:{port}";

        var error = await Assert.ThrowsAsync<AwsDiscoveryException>(() => new AwsCredentialDiscovery(environment.Options()).FindCredentialsAsync());

        Assert.Contains(error.Tried, t => t.Contains($"no metadata service answered at http://127.0.0.1:{port}"));
        Assert.DoesNotContain(environment.Logger.Messages, m => m.Contains("IMDSv1"));
    }

    [Fact]
    public async Task AMetadataEndpointThatIsNotAUrlIsListedNotThrown()
    {
        using var environment = new AwsTestEnvironment(null);
        environment.Variables.Remove("AWS_EC2_METADATA_DISABLED");
        environment.Variables["AWS_EC2_METADATA_SERVICE_ENDPOINT"] = "not a url";

        var error = await Assert.ThrowsAsync<AwsDiscoveryException>(() => new AwsCredentialDiscovery(environment.Options()).FindCredentialsAsync());

        Assert.Contains("instance metadata: AWS_EC2_METADATA_SERVICE_ENDPOINT is not an absolute URL", error.Tried);
    }

    [Fact]
    public async Task ExpiredCredentialsAreRefusedAndEverySourceIsListed()
    {
        await using var emulator = await StsEmulatorHost.StartAsync();
        emulator.State.Aws.CredentialsExpiration = TestOptions.FixedNow.AddMinutes(-1);
        using var environment = new AwsTestEnvironment(emulator);
        environment.Variables["AWS_CONTAINER_CREDENTIALS_FULL_URI"] = emulator.ContainerCredentialsUrl;

        var error = await Assert.ThrowsAsync<AwsDiscoveryException>(() => new AwsCredentialDiscovery(environment.Options()).FindCredentialsAsync());

        Assert.Equal(AwsDiscoveryTarget.Credentials, error.Target);
        Assert.Equal(4, error.Tried.Count);
        Assert.StartsWith("environment variables", error.Tried[0]);
        Assert.StartsWith("profile 'default'", error.Tried[1]);
        Assert.Contains("expired at", error.Tried[2]);
        Assert.Contains("expired at", error.Tried[3]);
        Secrets.AssertAbsent(error.Message + environment.Logger.All, AwsSettings.TemporarySecretAccessKey, AwsSettings.SessionToken);
    }

    [Fact]
    public async Task NothingAnywhereListsWhatWasTried()
    {
        using var environment = new AwsTestEnvironment(null);
        var error = await Assert.ThrowsAsync<AwsDiscoveryException>(() => new AwsCredentialDiscovery(environment.Options()).FindCredentialsAsync());
        Assert.Equal(
            "No AWS credentials were found. Tried: environment variables AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY: not set; "
            + $"profile 'default' in {Path.Combine(environment.Home, ".aws", "credentials")} and {Path.Combine(environment.Home, ".aws", "config")}: not found; "
            + "container credentials: AWS_CONTAINER_CREDENTIALS_RELATIVE_URI and AWS_CONTAINER_CREDENTIALS_FULL_URI not set; "
            + "instance metadata: disabled by AWS_EC2_METADATA_DISABLED.",
            error.Message);
    }

    [Fact]
    public async Task RegionComesFromAwsRegionThenAwsDefaultRegionThenProfileThenMetadata()
    {
        await using var emulator = await StsEmulatorHost.StartAsync();
        using var environment = new AwsTestEnvironment(emulator);
        environment.WriteFile(".aws/config", "[default]\nregion = ap-south-1\n");
        environment.Variables["AWS_REGION"] = "eu-west-3";
        environment.Variables["AWS_DEFAULT_REGION"] = "ca-central-1";
        Assert.Equal("eu-west-3", await new AwsCredentialDiscovery(environment.Options()).FindRegionAsync());
        environment.Variables["AWS_REGION"] = "";
        Assert.Equal("ca-central-1", await new AwsCredentialDiscovery(environment.Options()).FindRegionAsync());
        environment.Variables.Remove("AWS_DEFAULT_REGION");
        Assert.Equal("ap-south-1", await new AwsCredentialDiscovery(environment.Options()).FindRegionAsync());
        File.Delete(Path.Combine(environment.Home, ".aws/config"));
        Assert.Equal(0, emulator.State.RequestCount);
        Assert.Equal("us-west-2", await new AwsCredentialDiscovery(environment.Options()).FindRegionAsync());
    }

    [Fact]
    public async Task RegionFallsBackToTheAvailabilityZoneMinusItsLetter()
    {
        await using var emulator = await StsEmulatorHost.StartAsync();
        emulator.State.Aws.ImdsRegion = null;
        emulator.State.Aws.ImdsAvailabilityZone = "sa-east-1c";
        using var environment = new AwsTestEnvironment(emulator);
        Assert.Equal("sa-east-1", await new AwsCredentialDiscovery(environment.Options()).FindRegionAsync());
    }

    [Fact]
    public async Task NoRegionAnywhereIsAnError()
    {
        using var environment = new AwsTestEnvironment(null);
        var error = await Assert.ThrowsAsync<AwsDiscoveryException>(() => new AwsCredentialDiscovery(environment.Options()).FindRegionAsync());
        Assert.Equal(AwsDiscoveryTarget.Region, error.Target);
        Assert.Contains("AWS_REGION: not set; AWS_DEFAULT_REGION: not set", error.Message);
    }

    [Fact]
    public void TheSharedConfigParserSkipsNestedSettingsAndComments()
    {
        var sections = AwsSharedConfig.Parse("[profile a]\r\nregion=us-east-1\ns3 =\n  max_concurrent_requests = 20\n; note\n[ profile   b ]\nregion = x\n");
        Assert.Equal("us-east-1", sections["profile a"]["region"]);
        Assert.False(sections["profile a"].ContainsKey("max_concurrent_requests"));
        Assert.Equal("x", sections["profile b"]["region"]);
    }
}
