using BenchmarkDotNet.Attributes;
using Google.Apis.Auth.OAuth2;
using StsEmulator;
using StsEmulator.Aws;
using StsPowerShell.Core;
using StsPowerShell.Core.Exchange;
using StsPowerShell.Core.Google;
using StsPowerShell.Core.Http;

namespace StsPowerShell.Benchmarks;

/// <summary>
/// (c) The AWS-to-Google flow end to end from an external_account configuration (parse, sign GetCallerIdentity
/// with keys from the environment, exchange at the STS), the module against Google.Apis.Auth, both against the
/// emulator on loopback. A new credential each time, so neither reuses a cached token. Goal: faster.
/// </summary>
[MemoryDiagnoser]
public class FederationBenchmarks
{
    private StsEmulatorHost emulator = null!;
    private string configuration = null!;
    private IReadOnlyDictionary<string, string?> environment = null!;

    [GlobalSetup]
    public async Task Setup()
    {
        emulator = await StsEmulatorHost.StartAsync();
        emulator.State.RecordRequests = false;
        emulator.State.RememberIssuedTokens = false;

        // Google.Apis.Auth reads AWS keys and region from the process environment; so does this benchmark.
        Environment.SetEnvironmentVariable("AWS_ACCESS_KEY_ID", AwsSettings.AccessKeyId);
        Environment.SetEnvironmentVariable("AWS_SECRET_ACCESS_KEY", AwsSettings.SecretAccessKey);
        Environment.SetEnvironmentVariable("AWS_REGION", "us-east-1");
        Environment.SetEnvironmentVariable("AWS_EC2_METADATA_DISABLED", "true");
        environment = EnvironmentVariables.FromProcess();
        configuration = $$"""
            {
              "type": "external_account",
              "audience": "{{EmulatorState.WorkloadProvider}}",
              "subject_token_type": "urn:ietf:params:aws:token-type:aws4_request",
              "token_url": "{{emulator.TokenEndpoint}}",
              "credential_source": {
                "environment_id": "aws1",
                "regional_cred_verification_url": "https://sts.{region}.amazonaws.com?Action=GetCallerIdentity&Version=2011-06-15"
              }
            }
            """;
        await GoogleApisAuth();
        await StsPowerShell();
    }

    [GlobalCleanup]
    public async Task Cleanup() => await emulator.DisposeAsync();

    [Benchmark(Baseline = true)]
    public async Task<string> GoogleApisAuth()
    {
        var credential = CredentialFactory.FromJson<AwsExternalAccountCredential>(configuration).ToGoogleCredential().CreateScoped("https://www.googleapis.com/auth/cloud-platform");
        return await ((ITokenAccess)credential).GetAccessTokenForRequestAsync();
    }

    [Benchmark]
    public async Task<string> StsPowerShell()
    {
        var parsed = ExternalAccountConfiguration.Parse(configuration, "benchmark.json");
        var token = await new StsPowerShell.Core.Google.ExternalAccountCredential(parsed, new SubjectTokenContext(environment, new StsHttpOptions()))
            .GetAccessTokenAsync(new[] { "https://www.googleapis.com/auth/cloud-platform" }, TokenReuse.None, TokenCache.Shared, CancellationToken.None);
        return token.Token;
    }
}
