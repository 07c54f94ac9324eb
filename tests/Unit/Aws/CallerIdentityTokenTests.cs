using System.Text.Json;
using StsEmulator;
using StsEmulator.Aws;
using StsPowerShell.Core.Aws;
using StsPowerShell.Core.Exchange;
using StsPowerShell.Tests.Support;

namespace StsPowerShell.Tests.Aws;

public class CallerIdentityTokenTests
{
    private static readonly DateTimeOffset SigningTime = new(2026, 11, 22, 10, 0, 0, TimeSpan.Zero);
    private static readonly string GoldenFolder = Path.Combine(RepositoryPaths.Root, "tests/Unit/TestData/caller-identity");
    private static readonly AwsCredentials StaticKeys = new(AwsSettings.AccessKeyId, AwsSettings.SecretAccessKey);
    private static readonly AwsCredentials TemporaryKeys = new(AwsSettings.TemporaryAccessKeyId, AwsSettings.TemporarySecretAccessKey, AwsSettings.SessionToken);

    [Fact]
    public void AFixedSigningTimeGivesTheIndependentlyComputedTokenByteForByte()
    {
        var token = CallerIdentityToken.Create(StaticKeys, "us-east-1", EmulatorState.WorkloadProvider, SigningTime);
        Assert.Equal(File.ReadAllText(Path.Combine(GoldenFolder, "static-keys.txt")), token.Token);
        Assert.Equal(TokenTypes.Aws4Request, token.TokenType);
        Assert.Equal("https://sts.us-east-1.amazonaws.com?Action=GetCallerIdentity&Version=2011-06-15", token.Url);
    }

    [Fact]
    public void TemporaryCredentialsSignTheSessionTokenAndItSurvivesUrlDecoding()
    {
        var token = CallerIdentityToken.Create(TemporaryKeys, "us-east-1", EmulatorState.WorkloadProvider, SigningTime);

        Assert.Equal(File.ReadAllText(Path.Combine(GoldenFolder, "session-token.txt")), token.Token);
        Assert.DoesNotContain("+", token.Token);
        Assert.DoesNotContain("/", token.Token);
        var headers = Headers(token.Token);
        Assert.Equal(AwsSettings.SessionToken, headers["x-amz-security-token"]);
        Assert.Contains("SignedHeaders=host;x-amz-date;x-amz-security-token;x-goog-cloud-target-resource,", headers["Authorization"]);
    }

    [Fact]
    public void TheJsonHasTheDocumentedShapeWithoutNeedlessEscapes()
    {
        const string audience = "//iam.googleapis.com/projects/1/locations/global/workloadIdentityPools/p<&>'/providers/q";
        var token = CallerIdentityToken.Create(StaticKeys, "eu-west-1", audience, SigningTime);
        var json = Uri.UnescapeDataString(token.Token);

        Assert.DoesNotContain("\\u", json);
        Assert.Contains(audience, json);
        var root = JsonDocument.Parse(json).RootElement;
        Assert.Equal(new[] { "url", "method", "headers" }, root.EnumerateObject().Select(p => p.Name));
        Assert.Equal("POST", root.GetProperty("method").GetString());
        Assert.Equal(new[] { "Authorization", "host", "x-amz-date", "x-goog-cloud-target-resource" }, Headers(token.Token).Keys);
        Assert.Equal("sts.eu-west-1.amazonaws.com", Headers(token.Token)["host"]);
        Assert.Equal("20261122T100000Z", Headers(token.Token)["x-amz-date"]);
    }

    [Theory]
    [InlineData("https://sts.amazonaws.com", "https://sts.amazonaws.com?Action=GetCallerIdentity&Version=2011-06-15", "sts.amazonaws.com")]
    [InlineData("https://sts.us-gov-west-1.amazonaws.com/?Action=GetCallerIdentity&Version=2011-06-15", "https://sts.us-gov-west-1.amazonaws.com/?Action=GetCallerIdentity&Version=2011-06-15", "sts.us-gov-west-1.amazonaws.com")]
    public void AGivenEndpointIsUsedAsWritten(string endpoint, string expectedUrl, string expectedHost)
    {
        var token = CallerIdentityToken.Create(StaticKeys, "us-east-1", EmulatorState.WorkloadProvider, SigningTime, new Uri(endpoint));
        Assert.Equal(expectedUrl, token.Url);
        Assert.Equal(expectedHost, Headers(token.Token)["host"]);
    }

    [Theory]
    [InlineData("US-EAST-1", null, "Region")]
    [InlineData("us east 1", null, "Region")]
    [InlineData("us-east-1", "iam.googleapis.com/projects/1", "Audience")]
    [InlineData("us-east-1", "", "Audience")]
    public void MalformedInputIsRefused(string region, string? audience, string parameter)
    {
        var error = Assert.Throws<ArgumentException>(() => CallerIdentityToken.Create(StaticKeys, region, audience ?? EmulatorState.WorkloadProvider, SigningTime));
        Assert.Equal(parameter, error.ParamName);
    }

    [Fact]
    public void ToStringNeverShowsTheTokenOrSecrets()
    {
        var token = CallerIdentityToken.Create(TemporaryKeys, "us-east-1", EmulatorState.WorkloadProvider, SigningTime);
        Secrets.AssertAbsent(token.ToString() + TemporaryKeys, token.Token, AwsSettings.TemporarySecretAccessKey, AwsSettings.SessionToken);
        Assert.Contains(AwsSettings.TemporaryAccessKeyId, token.ToString());
    }

    private static Dictionary<string, string> Headers(string token) =>
        JsonDocument.Parse(Uri.UnescapeDataString(token)).RootElement.GetProperty("headers").EnumerateArray()
            .ToDictionary(h => h.GetProperty("key").GetString()!, h => h.GetProperty("value").GetString()!);
}
