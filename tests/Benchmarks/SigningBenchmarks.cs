using Amazon.Runtime;
using Amazon.Runtime.Internal;
using Amazon.Runtime.Internal.Auth;
using BenchmarkDotNet.Attributes;
using StsPowerShell.Core.Aws;

namespace StsPowerShell.Benchmarks;

/// <summary>
/// (b) SigV4 signing of the GetCallerIdentity request Google needs (host, x-amz-date, x-amz-security-token,
/// x-goog-cloud-target-resource), the module's signer against AWSSDK.Core's AWS4Signer. Goal: at least 2× faster.
/// </summary>
[MemoryDiagnoser]
public class SigningBenchmarks
{
    private const string Audience = "//iam.googleapis.com/projects/123456789012/locations/global/workloadIdentityPools/pool/providers/aws";
    private static readonly DateTimeOffset SigningTime = new(2026, 11, 22, 10, 0, 0, TimeSpan.Zero);
    private readonly AwsCredentials credentials = new("ASIAEXAMPLEEXAMPLE01", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", "IQoJb3JpZ2luX2VjEXAMPLE+session/token==");
    private readonly AWS4Signer awsSigner = new();
    private readonly StsClientConfig awsConfig = new() { AuthenticationRegion = "us-east-1", AuthenticationServiceName = "sts", ServiceURL = "https://sts.us-east-1.amazonaws.com" };

    [Benchmark(Baseline = true)]
    public string AwsSdkAws4Signer()
    {
        var request = new DefaultRequest(new GetCallerIdentityStub(), "sts")
        {
            HttpMethod = "POST",
            Endpoint = new Uri("https://sts.us-east-1.amazonaws.com"),
            ResourcePath = "/",
        };
        request.Parameters["Action"] = "GetCallerIdentity";
        request.Parameters["Version"] = "2011-06-15";
        request.Headers["x-goog-cloud-target-resource"] = Audience;
        request.Headers["X-Amz-Security-Token"] = credentials.SessionToken;
        request.Headers["X-Amz-Date"] = SigV4Signer.AmzDate(SigningTime);
        return awsSigner.SignRequest(request, awsConfig, null, credentials.AccessKeyId, credentials.SecretAccessKey).ForAuthorizationHeader;
    }

    [Benchmark]
    public string StsPowerShellSigV4Signer()
    {
        var request = new SigV4Request("POST", "/");
        request.Query.Add(new("Action", "GetCallerIdentity"));
        request.Query.Add(new("Version", "2011-06-15"));
        request.Headers.Add(new("host", "sts.us-east-1.amazonaws.com"));
        request.Headers.Add(new("x-amz-date", SigV4Signer.AmzDate(SigningTime)));
        request.Headers.Add(new("x-amz-security-token", credentials.SessionToken!));
        request.Headers.Add(new("x-goog-cloud-target-resource", Audience));
        return SigV4Signer.Sign(request, credentials, "us-east-1", "sts", SigningTime).Authorization;
    }

    [Benchmark]
    public string StsPowerShellWholeToken() => CallerIdentityToken.Create(credentials, "us-east-1", Audience, SigningTime).Token;

    // A runbook's one signature: fresh credentials, so no signing key is cached yet.
    [Benchmark]
    public string StsPowerShellFirstSignature()
    {
        var fresh = new AwsCredentials(credentials.AccessKeyId, credentials.SecretAccessKey, credentials.SessionToken);
        return CallerIdentityToken.Create(fresh, "us-east-1", Audience, SigningTime).Token;
    }

    private sealed class GetCallerIdentityStub : AmazonWebServiceRequest
    {
    }

    private sealed class StsClientConfig : ClientConfig
    {
        public override string RegionEndpointServiceName => "sts";

        public override string ServiceVersion => "2011-06-15";

        public override string UserAgent => "benchmark";
    }
}
