using System.Text;
using System.Text.Json.Nodes;
using StsEmulator;
using StsEmulator.Aws;
using StsEmulator.Faults;
using StsPowerShell.Core.Aws;
using StsPowerShell.Core.Exchange;
using StsPowerShell.Core.Google;
using StsPowerShell.Core.Http;
using StsPowerShell.Core.Oidc;
using StsPowerShell.Tests.Support;

namespace StsPowerShell.Tests.Evidence;

/// <summary>
/// The leak scanner: every core path the cmdlets run, on success and on each failure, with the log captured;
/// every message, exception (with its inner exceptions and stack), and output's ToString() is searched for
/// each known secret in plain, URL-, form- and Base64-encoded forms. The server is told to echo secrets back.
/// </summary>
public sealed class SecretLeakTests : IDisposable
{
    private const string SubjectSecret = "leak-subject-token-4f7c1d";
    private const string ActorSecret = "leak-actor-token-9b2e6a";
    private const string ClientSecret = "leak-client-secret+/=&:8c3";
    private const string SystemAccessToken = "leak-system-access-token-1a9f";
    private const string GitHubRequestToken = "leak-github-request-token-7e4b";
    private const string UrlHeaderSecret = "leak-url-header-secret-2d8e";

    // A token is never this short; a value in the wrong parameter is quoted only up to 64 characters, so the
    // misplaced-token scenario uses a realistic length.
    private static readonly string LongSubjectSecret = "eyJhbGciOiJSUzI1NiJ9.leak-long-subject-" + new string('q', 80) + ".sig";

    private readonly List<string> secrets = new() { SubjectSecret, LongSubjectSecret, ActorSecret, ClientSecret, SystemAccessToken, GitHubRequestToken, UrlHeaderSecret, AwsSettings.SecretAccessKey, AwsSettings.TemporarySecretAccessKey, AwsSettings.SessionToken };
    private readonly StringBuilder seen = new();
    private readonly string folder = Directory.CreateTempSubdirectory("sts-leak-").FullName;
    private int scenarios;

    public void Dispose() => Directory.Delete(folder, true);

    private async Task<StsEmulatorHost> Start()
    {
        var emulator = await StsEmulatorHost.StartAsync();
        emulator.State.Clock = () => TestOptions.FixedNow;
        emulator.State.Clients["leaky-client"] = ClientSecret;
        emulator.State.Ci.AzureSystemAccessToken = SystemAccessToken;
        emulator.State.Ci.GitHubRequestToken = GitHubRequestToken;
        return emulator;
    }

    /// <summary>Runs one scenario, keeping everything it showed; issued tokens become secrets too.</summary>
    private async Task Run(string name, Func<StsHttpOptions, Task<object?>> scenario, int retries = 0)
    {
        scenarios++;
        var options = new TestOptions();
        try
        {
            var output = await scenario(options.Create(maximumRetryCount: retries, timeout: TimeSpan.FromSeconds(10)));
            seen.Append(name).Append(": ").AppendLine(output?.ToString());
            switch (output)
            {
                case TokenExchangeResponse response:
                    secrets.Add(response.AccessToken);
                    break;
                case IssuedToken issued:
                    secrets.Add(issued.Token);
                    break;
                case OidcToken oidc:
                    secrets.Add(oidc.Token);
                    break;
                case CallerIdentityToken aws:
                    secrets.Add(aws.Token);
                    break;
                case StsToken token:
                    secrets.Add((string)token.AccessToken);
                    break;
            }
        }
        catch (Exception e)
        {
            seen.Append(name).Append(" failed: ").AppendLine(e.ToString());
        }

        seen.AppendLine(options.Logger.All);
    }

    [Fact]
    public async Task NoSecretAppearsInAnyMessageLogOrOutput()
    {
        await using var emulator = await Start();
        // A server can echo only what it was sent: each echo holds the secrets of the request it answers.
        var echo = $"{{\"error\":\"invalid_grant\",\"error_description\":\"echo {SubjectSecret} {Uri.EscapeDataString(ClientSecret)}\"}}";
        var client = new ClientAuthentication("leaky-client", ClientSecret);

        TokenExchangeRequest Request(string subject, Action<TokenExchangeRequestBuilder>? change = null) => Exchanges.Jwt(subject, change: change);

        // The STS: success, refusal, an echoing server (JSON and raw), timeouts, refused connections, bad bodies.
        await Run("sts success", async o => await new StsClient(emulator.TokenEndpoint, client, o).ExchangeTokenAsync(Request(emulator.MintJwt())));
        await Run("sts refused", async o => await new StsClient(emulator.TokenEndpoint, client, o).ExchangeTokenAsync(Request(SubjectSecret)));
        emulator.EnqueueFault(Fault.WithStatus(400, echo));
        await Run("sts echo json", async o => await new StsClient(emulator.TokenEndpoint, client, o).ExchangeTokenAsync(Request(SubjectSecret)));
        emulator.EnqueueFault(Fault.WithStatus(502, $"<pre>{SubjectSecret} {Convert.ToBase64String(Encoding.UTF8.GetBytes(ClientSecret))}</pre>", contentType: "text/html"));
        await Run("sts echo raw", async o => await new StsClient(emulator.TokenEndpoint, client, o).ExchangeTokenAsync(Request(SubjectSecret)));
        emulator.EnqueueFault(Fault.WithStatus(200, $"{{\"access_token\":\"{SubjectSecret}\",\"expires_in\":true}}"));
        await Run("sts malformed echo", async o => await new StsClient(emulator.TokenEndpoint, client, o).ExchangeTokenAsync(Request(SubjectSecret)));
        emulator.EnqueueFault(Fault.SlowHeaders(TimeSpan.FromMinutes(1)));
        await Run("sts timeout", async o => { o.Timeout = TimeSpan.FromMilliseconds(300); return await new StsClient(emulator.TokenEndpoint, client, o).ExchangeTokenAsync(Request(SubjectSecret)); });
        await Run("sts refused connection", async o => await new StsClient(new Uri("http://127.0.0.1:9/v1/token"), client, o).ExchangeTokenAsync(Request(SubjectSecret)));
        emulator.EnqueueFault(Fault.WithStatus(400, $"{{\"error\":\"invalid_request\",\"error_description\":\"actor {ActorSecret} subject {FormUrlEncoding.Encode(SubjectSecret)}\"}}"));
        await Run("sts actor", async o =>
        {
            var request = Request(SubjectSecret, r =>
            {
                r.ActorToken = ActorSecret;
                r.ActorTokenType = "jwt";
            });
            return await new StsClient(emulator.TokenEndpoint, client, o).ExchangeTokenAsync(request);
        });
        await Run("sts bad input", o =>
        {
            var request = Request(LongSubjectSecret, r => r.SubjectTokenType = LongSubjectSecret);
            return new StsClient(emulator.TokenEndpoint, client, o).ExchangeTokenAsync(request).ContinueWith(t => (object?)t.Result);
        });
        await Run("sts invalid_grant diagnosis", async o =>
        {
            var jwt = emulator.MintJwt(new StsEmulator.Jwt.JwtSpec { Subject = null });
            secrets.Add(jwt);
            var operation = new TokenExchangeOperation(emulator.TokenEndpoint, null, o, new TokenCache(() => TestOptions.FixedNow));
            return await operation.ExchangeAsync(operation.Prepare(Exchanges.JwtBuilder(jwt)), TokenReuse.None, null, CancellationToken.None);
        });

        // AWS: signing with temporary keys, discovery failures, a refused token.
        await Run("aws token", async o =>
        {
            var token = CallerIdentityToken.Create(new AwsCredentials(AwsSettings.TemporaryAccessKeyId, AwsSettings.TemporarySecretAccessKey, AwsSettings.SessionToken), "us-east-1", EmulatorState.WorkloadProvider, TestOptions.FixedNow);
            secrets.Add(token.Token);
            var request = new TokenExchangeRequestBuilder { SubjectToken = token.Token, SubjectTokenType = token.TokenType, RequestedTokenType = "access_token" };
            request.Audiences.Add(EmulatorState.WorkforceProvider);
            request.Scopes.Add(Exchanges.CloudPlatform);
            return await new StsClient(emulator.TokenEndpoint, null, o).ExchangeTokenAsync(request.Build());
        });
        using (var environment = new AwsTestEnvironment(emulator))
        {
            environment.Variables["AWS_ACCESS_KEY_ID"] = AwsSettings.TemporaryAccessKeyId;
            environment.Variables["AWS_SECRET_ACCESS_KEY"] = AwsSettings.TemporarySecretAccessKey;
            environment.Variables["AWS_SESSION_TOKEN"] = AwsSettings.SessionToken;
            await Run("aws env discovery", async _ => await new AwsCredentialDiscovery(environment.Options()).FindCredentialsAsync());
            seen.AppendLine(environment.Logger.All);
        }

        using (var environment = new AwsTestEnvironment(emulator))
        {
            emulator.State.Aws.CredentialsExpiration = TestOptions.FixedNow.AddMinutes(-1);
            await Run("aws imds expired", async _ => await new AwsCredentialDiscovery(environment.Options()).FindCredentialsAsync());
            seen.AppendLine(environment.Logger.All);
            emulator.State.Aws.CredentialsExpiration = null;
            await Run("aws imds", async _ => await new AwsCredentialDiscovery(environment.Options()).FindCredentialsAsync());
            seen.AppendLine(environment.Logger.All);
        }

        // CI tokens: success and refusal with the wrong bearer token.
        await Run("azure success", async o => await AzurePipelinesIdToken.RequestAsync(StsEmulator.Ci.CiSettings.DefaultServiceConnectionId, emulator.AzureOidcRequestUri, SystemAccessToken, new Dictionary<string, string?>(), o, CancellationToken.None));
        emulator.EnqueueFault(Fault.WithStatus(401, $"{{\"message\":\"bad token {SystemAccessToken}\"}}"));
        await Run("azure echo", async o => await AzurePipelinesIdToken.RequestAsync(StsEmulator.Ci.CiSettings.DefaultServiceConnectionId, emulator.AzureOidcRequestUri, SystemAccessToken, new Dictionary<string, string?>(), o, CancellationToken.None));
        await Run("azure refused", async o => await AzurePipelinesIdToken.RequestAsync(StsEmulator.Ci.CiSettings.DefaultServiceConnectionId, emulator.AzureOidcRequestUri, SubjectSecret, new Dictionary<string, string?>(), o, CancellationToken.None));
        await Run("github success", async o => await GitHubActionsIdToken.RequestAsync("aud", emulator.GitHubIdTokenRequestUrl, GitHubRequestToken, new Dictionary<string, string?>(), o, CancellationToken.None));
        await Run("github refused", async o => await GitHubActionsIdToken.RequestAsync("aud", emulator.GitHubIdTokenRequestUrl, SubjectSecret, new Dictionary<string, string?>(), o, CancellationToken.None));

        // Impersonation and downscoping: success and refusal.
        var federated = emulator.State.Issue(Exchanges.CloudPlatform, "s");
        secrets.Add(federated);
        await Run("iam access", async o => await new IamCredentialsClient(new Uri(emulator.BaseUrl), o).GenerateAccessTokenAsync(federated, EmulatorState.DefaultServiceAccount, new[] { Exchanges.CloudPlatform }, null, Array.Empty<string>()));
        await Run("iam id", async o => await new IamCredentialsClient(new Uri(emulator.BaseUrl), o).GenerateIdTokenAsync(federated, EmulatorState.DefaultServiceAccount, "https://x", true, Array.Empty<string>()));
        await Run("iam refused", async o => await new IamCredentialsClient(new Uri(emulator.BaseUrl), o).GenerateAccessTokenAsync(SubjectSecret, EmulatorState.DefaultServiceAccount, new[] { Exchanges.CloudPlatform }, null, Array.Empty<string>()));
        await Run("downscope", async o => await CredentialAccessBoundary.DownscopeAsync(emulator.TokenEndpoint, federated, null, new[] { new AccessBoundaryRule("//storage.googleapis.com/projects/_/buckets/b", new[] { "roles/storage.objectViewer" }) }, o, CancellationToken.None));

        // external_account: a url source whose header is a secret, success and refusal; a malformed file with a client secret.
        var config = ExternalAccountFiles.Workload(emulator, new JsonObject { ["url"] = emulator.BaseUrl + "/subject-token", ["headers"] = new JsonObject { ["Metadata"] = "true", ["X-Secret"] = UrlHeaderSecret } });
        config["client_id"] = "leaky-client";
        config["client_secret"] = ClientSecret;
        var path = ExternalAccountFiles.Write(folder, config);
        await Run("external account", async o => await new ExternalAccountCredential(ExternalAccountConfiguration.Load(path), new SubjectTokenContext(new Dictionary<string, string?>(), o)).GetAccessTokenAsync(new[] { Exchanges.CloudPlatform }, TokenReuse.None, new TokenCache(() => TestOptions.FixedNow), CancellationToken.None));
        config["credential_source"] = new JsonObject { ["url"] = emulator.BaseUrl + "/subject-token", ["headers"] = new JsonObject { ["X-Secret"] = UrlHeaderSecret } };
        path = ExternalAccountFiles.Write(folder, config);
        await Run("external account refused", async o => await new ExternalAccountCredential(ExternalAccountConfiguration.Load(path), new SubjectTokenContext(new Dictionary<string, string?>(), o)).GetAccessTokenAsync(new[] { Exchanges.CloudPlatform }, TokenReuse.None, new TokenCache(() => TestOptions.FixedNow), CancellationToken.None));
        config["audience"] = 1;
        path = ExternalAccountFiles.Write(folder, config);
        await Run("external account malformed", _ => Task.FromResult<object?>(ExternalAccountConfiguration.Load(path)));

        // The checker on each kind of token.
        await Run("checker", _ => Task.FromResult<object?>(string.Join("\n", SubjectTokenChecker.Check(SubjectSecret, "jwt", null, TestOptions.FixedNow).Concat(SubjectTokenChecker.Check(SubjectSecret, "aws4_request", null, TestOptions.FixedNow)).Concat(SubjectTokenChecker.Check(SubjectSecret, "saml2", null, TestOptions.FixedNow)))));

        Assert.Equal(27, scenarios);
        var text = seen.ToString();
        Assert.Contains("Error code invalid_grant: echo [REDACTED]", text);
        foreach (var secret in secrets.Distinct())
        {
            Secrets.AssertAbsent(text, secret);
        }
    }
}
