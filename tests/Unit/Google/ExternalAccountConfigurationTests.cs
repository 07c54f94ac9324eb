using System.Text.Json.Nodes;
using StsEmulator;
using StsPowerShell.Core.Exchange;
using StsPowerShell.Core.Google;
using StsPowerShell.Tests.Support;

namespace StsPowerShell.Tests.Google;

/// <summary>Reading external_account files: what gcloud writes is accepted; every malformed field is named with the file.</summary>
public class ExternalAccountConfigurationTests
{
    private const string Path = "/configs/config.json";

    private static JsonObject FileSource() => new() { ["file"] = "/var/run/token", ["format"] = new JsonObject { ["type"] = "text" } };

    [Fact]
    public void ReadsWhatGcloudWritesForAWorkloadPoolWithImpersonation()
    {
        var json = ExternalAccountFiles.Workload(null, FileSource());
        json["service_account_impersonation_url"] = "https://iamcredentials.googleapis.com/v1/projects/-/serviceAccounts/deployer@p.iam.gserviceaccount.com:generateAccessToken";
        json["service_account_impersonation"] = new JsonObject { ["token_lifetime_seconds"] = 1800 };
        json["universe_domain"] = "googleapis.com";
        json["quota_project_id"] = "billing";

        var configuration = ExternalAccountConfiguration.Parse(json.ToJsonString(), Path);

        Assert.Equal(EmulatorState.WorkloadProvider, configuration.Audience);
        Assert.Equal(TokenTypes.Jwt, configuration.SubjectTokenType);
        Assert.Equal("deployer@p.iam.gserviceaccount.com", configuration.ServiceAccountEmail);
        Assert.Equal(1800, configuration.TokenLifetimeSeconds);
        Assert.Equal("file", configuration.CredentialSource.Kind);
        Assert.Equal("/var/run/token", ((FileCredentialSource)configuration.CredentialSource).File);
        Assert.Null(configuration.Client);
    }

    [Fact]
    public void ReadsAWorkforcePoolFileWithClientAndUserProject()
    {
        var json = ExternalAccountFiles.Workload(null, FileSource());
        json["audience"] = EmulatorState.WorkforceProvider;
        json["workforce_pool_user_project"] = "billing-project";
        json["token_info_url"] = "https://sts.googleapis.com/v1/introspect";
        json["client_id"] = "client";
        json["client_secret"] = "secret-value";
        json.Remove("token_url");

        var configuration = ExternalAccountConfiguration.Parse(json.ToJsonString(), Path);

        Assert.Equal("billing-project", configuration.WorkforcePoolUserProject);
        Assert.Equal("client", configuration.Client!.ClientId);
        Assert.Equal(new Uri("https://sts.googleapis.com/v1/token"), configuration.TokenUrl);
    }

    [Fact]
    public void TheUniverseDomainChoosesTheDefaultTokenUrl()
    {
        var json = ExternalAccountFiles.Workload(null, FileSource());
        json.Remove("token_url");
        json["universe_domain"] = "example-universe.com";
        Assert.Equal(new Uri("https://sts.example-universe.com/v1/token"), ExternalAccountConfiguration.Parse(json.ToJsonString(), Path).TokenUrl);
    }

    public static TheoryData<string, string, string> Malformed() => new()
    {
        { "token_lifetime", "1", "'token_lifetime' is not a field of this object" },
        { "credential_source.filee", "\"x\"", "'credential_source.filee' is not a field" },
        { "type", "\"service_account\"", "'type' is 'service_account'" },
        { "universe_domain", "\"evil.example/steal?x=\"", "'universe_domain' is not a DNS name" },
        { "universe_domain", "\"googleapis.com\\n\"", "'universe_domain' is not a DNS name" },
        { "universe_domain", "\"user@googleapis.com\"", "'universe_domain' is not a DNS name" },
        { "universe_domain", "\"-bad.example\"", "'universe_domain' is not a DNS name" },
        { "universe_domain", "\"\"", "'universe_domain' is not a DNS name" },
        { "audience", "null", "'audience' is required" },
        { "audience", "42", "'audience' must be a string" },
        { "subject_token_type", "\"not a type\"", "'subject_token_type' is not a token type URN" },
        { "token_url", "\"http://sts.googleapis.com/v1/token\"", "'token_url' " },
        { "token_url", "\"sts.googleapis.com\"", "'token_url' is not an absolute URL" },
        { "service_account_impersonation_url", "\"https://iamcredentials.googleapis.com/v1/projects/-/serviceAccounts/sa@p.iam.gserviceaccount.com\"", "must end in /serviceAccounts/<email>:generateAccessToken" },
        { "service_account_impersonation", "{\"token_lifetime_seconds\":599}", "'service_account_impersonation.token_lifetime_seconds' must be a whole number from 600 to 43200" },
        { "service_account_impersonation", "{\"lifetime\":600}", "'service_account_impersonation.lifetime' is not a field" },
        { "workforce_pool_user_project", "\"p\"", "applies only to workforce pool audiences" },
        { "client_secret", "\"s\"", "'client_secret' is given without client_id" },
        { "credential_source", "null", "'credential_source' is required" },
        { "credential_source", "{}", "needs one of file, url, environment_id (aws1) or executable" },
        { "credential_source", "{\"file\":\"/t\",\"url\":\"https://x.example/\"}", "names file and url; exactly one source is allowed" },
        { "credential_source", "{\"file\":\"/t\",\"format\":{\"type\":\"xml\"}}", "'credential_source.format.type' is 'xml'; expected text or json" },
        { "credential_source", "{\"file\":\"/t\",\"format\":{\"type\":\"json\"}}", "'credential_source.format.subject_token_field_name' is required" },
        { "credential_source", "{\"url\":\"http://example.com/token\"}", "'credential_source.url' " },
        { "credential_source", "{\"url\":\"https://x.example/\",\"headers\":{\"Metadata\":true}}", "'credential_source.headers.Metadata' must be a string" },
        { "credential_source", "{\"environment_id\":\"aws2\"}", "'credential_source.environment_id' is 'aws2'; only aws1 is supported" },
        { "credential_source", "{\"executable\":{\"command\":\"/bin/t\",\"timeout_millis\":4999}}", "'credential_source.executable.timeout_millis' must be a whole number from 5000 to 120000" },
        { "credential_source", "{\"executable\":{\"timeout_millis\":5000}}", "'credential_source.executable.command' is required" },
        { "credential_source", "{\"certificate\":{\"trust_chain_path\":\"/chain.pem\"}}", "'credential_source.certificate.use_default_certificate_config' must be true when no certificate_config_location is given" },
    };

    [Theory]
    [MemberData(nameof(Malformed))]
    public void MalformedFieldsAreNamedWithTheFile(string field, string jsonValue, string expected)
    {
        var json = ExternalAccountFiles.Workload(null, FileSource());
        if (field.StartsWith("credential_source.", StringComparison.Ordinal))
        {
            ((JsonObject)json["credential_source"]!)[field["credential_source.".Length..]] = JsonNode.Parse(jsonValue);
        }
        else
        {
            json[field] = JsonNode.Parse(jsonValue);
        }

        var error = Assert.Throws<ExternalAccountConfigurationException>(() => ExternalAccountConfiguration.Parse(json.ToJsonString(), Path));

        Assert.StartsWith(Path + ": ", error.Message);
        Assert.Contains(expected, error.Message);
    }

    [Theory]
    [InlineData("{not json", "is not JSON (line 1)")]
    [InlineData("[1,2]", "is not a JSON object")]
    public void AFileThatIsNotAJsonObjectIsRefused(string text, string expected)
    {
        var error = Assert.Throws<ExternalAccountConfigurationException>(() => ExternalAccountConfiguration.Parse(text, Path));
        Assert.Equal($"{Path}: {expected}.", error.Message);
    }

    [Fact]
    public void AMissingOrOversizedFileIsRefused()
    {
        var folder = Directory.CreateTempSubdirectory("sts-ext-").FullName;
        try
        {
            var missing = System.IO.Path.Combine(folder, "none.json");
            Assert.Equal($"{missing}: does not exist.", Assert.Throws<ExternalAccountConfigurationException>(() => ExternalAccountConfiguration.Load(missing)).Message);
            var big = System.IO.Path.Combine(folder, "big.json");
            File.WriteAllText(big, new string(' ', ExternalAccountConfiguration.MaximumFileBytes + 1));
            Assert.Contains($"is larger than {ExternalAccountConfiguration.MaximumFileBytes} bytes", Assert.Throws<ExternalAccountConfigurationException>(() => ExternalAccountConfiguration.Load(big)).Message);
        }
        finally
        {
            Directory.Delete(folder, true);
        }
    }

    [Fact]
    public void ErrorsNeverQuoteTheClientSecret()
    {
        var json = ExternalAccountFiles.Workload(null, FileSource());
        json["client_id"] = "client";
        json["client_secret"] = "secret-in-config-5e1";
        json["audience"] = 7;
        var error = Assert.Throws<ExternalAccountConfigurationException>(() => ExternalAccountConfiguration.Parse(json.ToJsonString(), Path));
        Assert.DoesNotContain("secret-in-config", error.Message);
    }
}
