using StsEmulator;
using StsEmulator.Aws;
using StsPowerShell.Core.Aws;
using StsPowerShell.Tests.Support;

namespace StsPowerShell.Tests.Aws;

/// <summary>New-AwsCallerIdentityToken's parameter mapping, without PowerShell.</summary>
public class CallerIdentityTokenCreationTests
{
    [Fact]
    public void AnAwsToolsCredentialsObjectIsReadThroughGetCredentials()
    {
        var credentials = AwsSdkCredentials.Read(new FakeSessionAWSCredentials(), "Credential");
        Assert.Equal("ASIAFROMAWSTOOLS0001", credentials.AccessKeyId);
        Assert.Equal("aws-tools-secret", credentials.SecretAccessKey);
        Assert.Equal("aws-tools-session", credentials.SessionToken);
        Assert.Equal("-Credential", credentials.Source);
    }

    [Fact]
    public void AnythingElseIsNotCredentials()
    {
        var error = Assert.Throws<ArgumentException>(() => AwsSdkCredentials.Read(new object(), "Credential"));
        Assert.Equal("Credential", error.ParamName);
    }

    public static TheoryData<int> Invalid() => new(Enumerable.Range(0, InvalidCases.Length));

    private static readonly (string Audience, string? Region, string? Endpoint, string Parameter)[] InvalidCases =
    {
        (EmulatorState.WorkloadProvider, "Not A Region", null, "Region"),
        ("projects/1/pools/x", "us-east-1", null, "Audience"),
        ("projects/1/pools/x", null, null, "Audience"),
        (EmulatorState.WorkloadProvider, "us-east-1", "http://sts.amazonaws.com", "StsEndpoint"),
    };

    [Theory]
    [MemberData(nameof(Invalid))]
    public async Task ErrorsNameTheParameterAndNothingIsSent(int index)
    {
        await using var emulator = await StsEmulatorHost.StartAsync();
        using var environment = new AwsTestEnvironment(emulator);
        var (audience, region, endpoint, parameter) = InvalidCases[index];
        var keys = new AwsCredentials("AKIA1", "s3cret-value");

        var error = await Assert.ThrowsAnyAsync<ArgumentException>(() => CallerIdentityToken.CreateAsync(keys, region, audience, endpoint == null ? null : new Uri(endpoint), environment.Options(), CancellationToken.None));

        Assert.Equal(parameter, error.ParamName);
        Assert.DoesNotContain("s3cret-value", error.Message);
        Assert.Equal(0, emulator.State.RequestCount);
    }

    [Fact]
    public void TheOutputObjectBindsToTheExchangeAndHidesTheToken()
    {
        var token = CallerIdentityToken.Create(new AwsCredentials(AwsSettings.AccessKeyId, AwsSettings.SecretAccessKey), "us-east-1", EmulatorState.WorkloadProvider, TestOptions.FixedNow);
        var secure = AwsSubjectToken.FromToken(token, asPlainText: false);
        var plain = AwsSubjectToken.FromToken(token, asPlainText: true);

        Assert.IsType<System.Security.SecureString>(secure.SubjectToken);
        Assert.Equal(token.Token, plain.SubjectToken);
        Assert.Equal("urn:ietf:params:aws:token-type:aws4_request", secure.SubjectTokenType);
        Assert.Equal(EmulatorState.WorkloadProvider, secure.Audience);
        Secrets.AssertAbsent(secure.ToString(), token.Token, AwsSettings.SecretAccessKey);
    }

    // The shape of AWS.Tools' Amazon.Runtime.SessionAWSCredentials, as far as the module reads it.
    private sealed class FakeSessionAWSCredentials
    {
        public FakeImmutableCredentials GetCredentials() => new();
    }

    private sealed class FakeImmutableCredentials
    {
        public string AccessKey => "ASIAFROMAWSTOOLS0001";

        public string SecretKey => "aws-tools-secret";

        public string Token => "aws-tools-session";
    }
}
