using StsEmulator;
using StsEmulator.Aws;
using StsPowerShell.Binding;
using StsPowerShell.Core.Aws;
using StsPowerShell.Tests.Support;

namespace StsPowerShell.Tests.Cmdlets;

/// <summary>New-AwsCallerIdentityToken's parameter mapping, without PowerShell.</summary>
public class AwsCallerIdentityParametersTests
{
    [Fact]
    public void APSCredentialCarriesTheKeyIdAndSecret()
    {
        var parameters = new AwsCallerIdentityParameters
        {
            CredentialUserName = AwsSettings.TemporaryAccessKeyId,
            CredentialPassword = SecretText.ToSecureString(AwsSettings.TemporarySecretAccessKey),
            SessionToken = SecretText.ToSecureString(AwsSettings.SessionToken),
        };
        var credentials = parameters.ExplicitCredentials()!;
        Assert.Equal(AwsSettings.TemporaryAccessKeyId, credentials.AccessKeyId);
        Assert.Equal(AwsSettings.TemporarySecretAccessKey, credentials.SecretAccessKey);
        Assert.Equal(AwsSettings.SessionToken, credentials.SessionToken);
    }

    [Fact]
    public void AnAwsToolsCredentialsObjectIsReadThroughGetCredentials()
    {
        var credentials = new AwsCallerIdentityParameters { Credential = new FakeSessionAWSCredentials() }.ExplicitCredentials()!;
        Assert.Equal("ASIAFROMAWSTOOLS0001", credentials.AccessKeyId);
        Assert.Equal("aws-tools-secret", credentials.SecretAccessKey);
        Assert.Equal("aws-tools-session", credentials.SessionToken);
        Assert.Equal("-Credential", credentials.Source);
    }

    [Fact]
    public void NoKeysMeansDiscovery()
    {
        Assert.Null(new AwsCallerIdentityParameters { ProfileName = "x" }.ExplicitCredentials());
    }

    public static TheoryData<int> Invalid() => new(Enumerable.Range(0, InvalidCases.Length));

    private static readonly (Func<AwsCallerIdentityParameters> Create, string Parameter)[] InvalidCases =
    {
        (() => new() { Audience = EmulatorState.WorkloadProvider, Region = "us-east-1", AccessKey = "AKIA1" }, "SecretKey"),
        (() => new() { Audience = EmulatorState.WorkloadProvider, Region = "us-east-1", AccessKey = "AKIA1", SecretKey = 42 }, "SecretKey"),
        (() => new() { Audience = EmulatorState.WorkloadProvider, Region = "us-east-1", Credential = new object() }, "Credential"),
        (() => new() { Audience = EmulatorState.WorkloadProvider, Region = "us-east-1", CredentialUserName = "AKIA1" }, "Credential"),
        (() => new() { Audience = EmulatorState.WorkloadProvider, Region = "Not A Region", AccessKey = "AKIA1", SecretKey = "s3cret-value" }, "Region"),
        (() => new() { Audience = "projects/1/pools/x", Region = "us-east-1", AccessKey = "AKIA1", SecretKey = "s3cret-value" }, "Audience"),
        (() => new() { Audience = EmulatorState.WorkloadProvider, Region = "us-east-1", AccessKey = "AKIA1", SecretKey = "s3cret-value", StsEndpoint = "http://sts.amazonaws.com" }, "StsEndpoint"),
    };

    [Theory]
    [MemberData(nameof(Invalid))]
    public async Task ErrorsNameTheCmdletParameterAndNothingIsSent(int index)
    {
        await using var emulator = await StsEmulatorHost.StartAsync();
        using var environment = new AwsTestEnvironment(emulator);
        var (create, parameter) = InvalidCases[index];

        var error = await Assert.ThrowsAnyAsync<ArgumentException>(() => create().CreateAsync(environment.Options(), () => TestOptions.FixedNow, CancellationToken.None));

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
