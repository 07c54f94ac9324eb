using System.Security;
using StsPowerShell.Core.Exchange;

namespace StsPowerShell.Tests.Cmdlets;

/// <summary>The StsToken output object: which fields are held as SecureString.</summary>
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
}
