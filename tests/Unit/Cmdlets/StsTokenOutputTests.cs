using System.Security;
using StsPowerShell.Core.Exchange;
using StsPowerShell.Core.Http;

namespace StsPowerShell.Tests.Cmdlets;

/// <summary>The StsToken output object: which fields are held as SecureString, and tokens too long for one.</summary>
public class StsTokenOutputTests
{
    private static IssuedToken Issued(string token = "access", string? refreshToken = null, Dictionary<string, string>? fields = null) =>
        new(token, TokenTypes.AccessToken, "Bearer", null, null, new Uri("https://sts.example.com/token"), 3600, refreshToken, fields);

    [Theory]
    [InlineData("id_token", true)]
    [InlineData("ID_TOKEN", true)]
    [InlineData("second_access_token", true)]
    [InlineData("idtoken", true)]
    [InlineData("client_secret", true)]
    [InlineData("userPassword", true)]
    [InlineData("saml_assertion", true)]
    [InlineData("signing_key", true)]
    [InlineData("credentials", true)]
    [InlineData("region", false)]
    [InlineData("token_kind", false)]
    [InlineData("issued_at", false)]
    public void FieldsNamedAsCredentialsAreSecureStrings(string name, bool secret)
    {
        var token = StsToken.FromIssued(Issued(fields: new() { [name] = "field-value" }), asPlainText: false);
        if (secret)
        {
            Assert.IsType<SecureString>(token.AdditionalFields[name]);
        }
        else
        {
            Assert.Equal("field-value", token.AdditionalFields[name]);
        }

        Assert.Equal("field-value", StsToken.FromIssued(Issued(fields: new() { [name] = "field-value" }), asPlainText: true).AdditionalFields[name]);
    }

    public static TheoryData<IssuedToken, string> TooLong() => new()
    {
        { Issued(token: new string('a', 65_537)), "The issued token" },
        { Issued(refreshToken: new string('r', 65_537)), "The refresh token" },
        { Issued(fields: new() { ["id_token"] = new string('i', 65_537) }), "'id_token'" },
    };

    [Theory]
    [MemberData(nameof(TooLong))]
    public void ATokenTooLongForASecureStringIsATypedErrorThatNamesTheWayOut(IssuedToken issued, string what)
    {
        var error = Assert.Throws<StsResponseException>(() => StsToken.FromIssued(issued, asPlainText: false));
        Assert.Contains(what, error.Message);
        Assert.Contains("65536", error.Message);
        Assert.Contains("-AsPlainText", error.Message);
        Assert.True(error.Message.Length < 300, "The message must not quote the token.");
        StsToken.FromIssued(issued, asPlainText: true);
    }

    [Fact]
    public void ATokenOfExactlyTheLimitFits()
    {
        Assert.IsType<SecureString>(StsToken.FromIssued(Issued(token: new string('a', 65_536)), asPlainText: false).AccessToken);
    }

    [Fact]
    public void AnOidcOrAwsSubjectTokenTooLongForASecureStringIsAnUnusableInputThatNamesTheWayOut()
    {
        static string Base64Url(string json) => Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(json)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        var jwt = Base64Url("{\"alg\":\"RS256\"}") + "." + Base64Url("{\"iss\":\"https://token.actions.githubusercontent.com\",\"sub\":\"repo:o/r\",\"aud\":\"a\",\"pad\":\"" + new string('p', 50_000) + "\"}") + ".c2ln";
        var oidc = new StsPowerShell.Core.Oidc.OidcToken(jwt, "GitHubActions");
        var error = Assert.Throws<StsPowerShell.Core.UnusableInputException>(() => OidcSubjectToken.FromToken(oidc, asPlainText: false));
        Assert.StartsWith($"The GitHubActions OIDC token has {jwt.Length} characters", error.Message);
        Assert.Contains("-AsPlainText", error.Message);
        Assert.Equal(jwt, OidcSubjectToken.FromToken(oidc, asPlainText: true).SubjectToken);

        var credentials = new StsPowerShell.Core.Aws.AwsCredentials("AKIDEXAMPLE", "secret-value", new string('s', 65_536));
        var aws = StsPowerShell.Core.Aws.CallerIdentityToken.Create(credentials, "us-east-1", "//iam.googleapis.com/projects/1/locations/global/workloadIdentityPools/p/providers/a", DateTimeOffset.UnixEpoch);
        Assert.StartsWith("The AWS GetCallerIdentity token has", Assert.Throws<StsPowerShell.Core.UnusableInputException>(() => AwsSubjectToken.FromToken(aws, asPlainText: false)).Message);
    }
}
