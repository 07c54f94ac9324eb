using System.Net.Http;
using System.Text;
using StsEmulator;
using StsPowerShell.Core;
using StsPowerShell.Core.Aws;
using StsPowerShell.Core.Exchange;
using StsPowerShell.Core.Google;
using StsPowerShell.Core.Http;
using StsPowerShell.Core.Oidc;
using StsPowerShell.Tests.Support;

namespace StsPowerShell.Tests.Evidence;

/// <summary>
/// Seeded mutation fuzzing of every parser that reads untrusted bytes: only the module's typed exceptions may
/// escape. STS_FUZZ_ITERATIONS sets the cases per parser (default 5000, a few seconds); STS_FUZZ_SEED the seed.
/// </summary>
public class FuzzTests
{
    private static readonly int Iterations = int.TryParse(Environment.GetEnvironmentVariable("STS_FUZZ_ITERATIONS"), out var n) ? n : 5000;
    private static readonly int Seed = int.TryParse(Environment.GetEnvironmentVariable("STS_FUZZ_SEED"), out var s) ? s : 20261122;
    private static readonly DateTimeOffset Now = TestOptions.FixedNow;

    private static readonly string[] Fragments =
    {
        "{", "}", "[", "]", "\"", ":", ",", "null", "true", "1e999", "-0", "99999999999999999999", "\"\\u0000\"", "\\", "%", "%ZZ", "%7B",
        "=", "&", ".", "\n", "\r\n", "\u00e9", "\ud800", "<", ">", "<!DOCTYPE x [<!ENTITY e SYSTEM \"file:///etc/passwd\">]>", "&e;",
        new string('[', 200), new string('{', 70), "\"access_token\"", "\"expires_in\"", "\"error\"", "\"headers\"", "\"key\"", "\"value\"",
    };

    /// <summary>Variations of <paramref name="seeds"/>: bytes flipped, spans cut, repeated or replaced, fragments spliced in.</summary>
    private static IEnumerable<string> Mutations(Random random, params string[] seeds)
    {
        for (var i = 0; i < Iterations; i++)
        {
            var text = new StringBuilder(seeds[random.Next(seeds.Length)]);
            var edits = 1 + random.Next(4);
            for (var e = 0; e < edits && text.Length > 0; e++)
            {
                var at = random.Next(text.Length);
                switch (random.Next(6))
                {
                    case 0:
                        text[at] = (char)random.Next(0, 0x250);
                        break;
                    case 1:
                        text.Remove(at, Math.Min(text.Length - at, 1 + random.Next(16)));
                        break;
                    case 2:
                        text.Insert(at, Fragments[random.Next(Fragments.Length)]);
                        break;
                    case 3:
                        text.Length = at;
                        break;
                    case 4:
                        var length = Math.Min(text.Length - at, 1 + random.Next(32));
                        text.Insert(at, text.ToString(at, length));
                        break;
                    default:
                        text.Insert(at, (char)random.Next(0x20, 0x7f));
                        break;
                }
            }

            yield return text.ToString();
        }
    }

    private static void Fuzz(string name, IEnumerable<string> inputs, Action<string> parse, params Type[] allowed)
    {
        var cases = 0;
        foreach (var input in inputs)
        {
            cases++;
            try
            {
                parse(input);
            }
            catch (Exception e)
            {
                if (!allowed.Any(t => t.IsInstanceOfType(e)))
                {
                    Assert.Fail($"{name}: case {cases} threw {e.GetType().FullName}: {e.Message}\nInput: {input}");
                }
            }
        }

        Assert.Equal(Iterations, cases);
    }

    private static HttpResult Result(string body, int status = 200) =>
        new(new Uri("https://sts.example/v1/token"), status, "OK", "application/json", body, new HttpResponseMessage().Headers, Now, 1);

    [Fact]
    public void TokenResponses()
    {
        var seeds = new[]
        {
            "{\"access_token\":\"ya29.a\",\"issued_token_type\":\"urn:ietf:params:oauth:token-type:access_token\",\"token_type\":\"Bearer\",\"expires_in\":3599}",
            "{\"access_token\":\"a\",\"expires_in\":\"120\",\"scope\":\"s\",\"refresh_token\":\"r\",\"extra\":{\"k\":[1,2]}}",
        };
        Fuzz("token response", Mutations(new Random(Seed), seeds), body => TokenExchangeResponse.Parse(Result(body)), typeof(StsResponseException));
    }

    [Fact]
    public void ErrorBodies()
    {
        var seeds = new[]
        {
            "{\"error\":\"invalid_grant\",\"error_description\":\"The audience is wrong.\",\"error_uri\":\"https://x\"}",
            "{\"error\":{\"code\":403,\"message\":\"Permission denied.\",\"status\":\"PERMISSION_DENIED\"}}",
            "<html><body>Bad gateway</body></html>",
        };
        var redactor = new SecretRedactor("subject-token-secret");
        Fuzz("error body", Mutations(new Random(Seed + 1), seeds), body =>
        {
            _ = StsOAuthException.FromResponse(Result(body, 400), redactor).Message;
            _ = GoogleApiException.FromResponse(Result(body, 403), redactor).Message;
        });
    }

    [Fact]
    public async Task Jwts()
    {
        await using var emulator = await StsEmulatorHost.StartAsync();
        var seeds = new[] { emulator.MintJwt(), emulator.MintJwt(new StsEmulator.Jwt.JwtSpec { Algorithm = "ES256", Audience = new[] { "a", "b" } }) };
        Fuzz("JWT", Mutations(new Random(Seed + 2), seeds), jwt =>
        {
            try
            {
                JwtClaims.Decode(jwt);
            }
            finally
            {
                SubjectTokenChecker.Check(jwt, "jwt", EmulatorState.WorkloadProvider, Now);
            }
        }, typeof(UnusableInputException));
    }

    [Fact]
    public void AwsTokens()
    {
        var token = CallerIdentityToken.Create(new AwsCredentials("AKIAEXAMPLE", "secret", "session+/token"), "us-east-1", EmulatorState.WorkloadProvider, Now);
        var seeds = new[] { token.Token, Uri.UnescapeDataString(token.Token) };
        Fuzz("AWS token", Mutations(new Random(Seed + 3), seeds), text => SubjectTokenChecker.Check(text, "aws4_request", EmulatorState.WorkloadProvider, Now));
    }

    [Fact]
    public void SamlAssertions()
    {
        var xml = "<samlp:Response xmlns:samlp=\"urn:oasis:names:tc:SAML:2.0:protocol\" xmlns:saml=\"urn:oasis:names:tc:SAML:2.0:assertion\"><saml:Assertion><saml:Issuer>i</saml:Issuer><saml:Subject><saml:NameID>n</saml:NameID></saml:Subject><saml:Conditions NotBefore=\"2026-11-22T09:00:00Z\" NotOnOrAfter=\"2026-11-22T11:00:00Z\"><saml:AudienceRestriction><saml:Audience>a</saml:Audience></saml:AudienceRestriction></saml:Conditions></saml:Assertion></samlp:Response>";
        var random = new Random(Seed + 4);
        var inputs = Mutations(random, xml).Select(x => random.Next(4) == 0 ? x : Convert.ToBase64String(Encoding.UTF8.GetBytes(x)));
        Fuzz("SAML", inputs, text => SubjectTokenChecker.Check(text, "saml2", EmulatorState.WorkforceProvider, Now));
    }

    [Fact]
    public void ExternalAccountFiles()
    {
        var seeds = new[]
        {
            "{\"type\":\"external_account\",\"audience\":\"//iam.googleapis.com/projects/1/locations/global/workloadIdentityPools/p/providers/q\",\"subject_token_type\":\"urn:ietf:params:oauth:token-type:jwt\",\"token_url\":\"https://sts.googleapis.com/v1/token\",\"credential_source\":{\"file\":\"/t\",\"format\":{\"type\":\"json\",\"subject_token_field_name\":\"id_token\"}}}",
            "{\"type\":\"external_account\",\"audience\":\"//iam.googleapis.com/locations/global/workforcePools/p/providers/q\",\"subject_token_type\":\"urn:ietf:params:aws:token-type:aws4_request\",\"service_account_impersonation_url\":\"https://iamcredentials.googleapis.com/v1/projects/-/serviceAccounts/a@b.iam.gserviceaccount.com:generateAccessToken\",\"service_account_impersonation\":{\"token_lifetime_seconds\":3600},\"workforce_pool_user_project\":\"p\",\"credential_source\":{\"environment_id\":\"aws1\",\"url\":\"http://169.254.169.254/latest/meta-data/iam/security-credentials\",\"regional_cred_verification_url\":\"https://sts.{region}.amazonaws.com?Action=GetCallerIdentity&Version=2011-06-15\"}}",
            "{\"type\":\"external_account\",\"audience\":\"//iam.googleapis.com/projects/1/locations/global/workloadIdentityPools/p/providers/q\",\"subject_token_type\":\"urn:ietf:params:oauth:token-type:id_token\",\"credential_source\":{\"executable\":{\"command\":\"/bin/x --y\",\"timeout_millis\":5000,\"output_file\":\"/tmp/o\"}},\"client_id\":\"c\",\"client_secret\":\"s\"}",
        };
        Fuzz("external_account file", Mutations(new Random(Seed + 5), seeds), text => ExternalAccountConfiguration.Parse(text, "/fuzz.json"), typeof(ExternalAccountConfigurationException));
    }

    [Fact]
    public void ExecutableOutput()
    {
        var configuration = ExternalAccountConfiguration.Parse(
            "{\"type\":\"external_account\",\"audience\":\"//iam.googleapis.com/projects/1/locations/global/workloadIdentityPools/p/providers/q\",\"subject_token_type\":\"urn:ietf:params:oauth:token-type:jwt\",\"credential_source\":{\"executable\":{\"command\":\"x\",\"output_file\":\"/o\"}}}", "/c.json");
        var source = (ExecutableCredentialSource)configuration.CredentialSource;
        var seeds = new[]
        {
            "{\"version\":1,\"success\":true,\"token_type\":\"urn:ietf:params:oauth:token-type:jwt\",\"id_token\":\"e30.e30.x\",\"expiration_time\":4102444800}",
            "{\"version\":1,\"success\":false,\"code\":\"401\",\"message\":\"no\"}",
        };
        Fuzz("executable output", Mutations(new Random(Seed + 6), seeds), text => source.ReadResponse(text, Now, "output"), typeof(SubjectTokenSourceException));
    }

    [Fact]
    public void MetadataAndContainerCredentials()
    {
        var seeds = new[]
        {
            "{\"Code\":\"Success\",\"Type\":\"AWS-HMAC\",\"AccessKeyId\":\"ASIA\",\"SecretAccessKey\":\"s\",\"Token\":\"t\",\"Expiration\":\"2026-11-22T11:00:00Z\"}",
            "{\"AccessKeyId\":\"ASIA\",\"SecretAccessKey\":\"s\",\"Token\":\"t\",\"Expiration\":\"2026-11-22T11:00:00Z\"}",
        };
        Fuzz("credentials document", Mutations(new Random(Seed + 7), seeds), text => AwsCredentialsJson.Parse(text, "fuzz", "Token"), typeof(UnusableInputException));
    }

    [Fact]
    public void SharedConfigFiles()
    {
        var seeds = new[] { "[default]\naws_access_key_id = A\naws_secret_access_key = s\n[profile b]\nregion = eu-west-1\ns3 =\n  x = 1\n" };
        Fuzz("shared config", Mutations(new Random(Seed + 8), seeds), text => AwsSharedConfig.Parse(text));
    }
}
