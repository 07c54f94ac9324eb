using StsPowerShell.Core.Exchange;

namespace StsPowerShell.Tests.Core;

public class TokenTypesTests
{
    [Theory]
    [InlineData("jwt", TokenTypes.Jwt)]
    [InlineData("JWT", TokenTypes.Jwt)]
    [InlineData("id_token", TokenTypes.IdToken)]
    [InlineData("access_token", TokenTypes.AccessToken)]
    [InlineData("saml2", TokenTypes.Saml2)]
    [InlineData("aws4_request", TokenTypes.Aws4Request)]
    [InlineData(" urn:ietf:params:oauth:token-type:jwt ", TokenTypes.Jwt)]
    [InlineData("urn:example:custom-token", "urn:example:custom-token")]
    [InlineData("https://example.com/token-type", "https://example.com/token-type")]
    public void ResolvesShortNamesAndKeepsUris(string input, string expected)
    {
        Assert.Equal(expected, TokenTypes.Resolve(input, "SubjectTokenType"));
    }

    [Theory]
    [InlineData("jwtt")]
    [InlineData("")]
    [InlineData("token type")]
    public void RefusesOtherValuesListingTheShortNames(string input)
    {
        var error = Assert.Throws<ArgumentException>(() => TokenTypes.Resolve(input, "SubjectTokenType"));
        Assert.Equal("SubjectTokenType", error.ParamName);
        Assert.Contains("aws4_request", error.Message);
    }

    [Fact]
    public void GoogleSubjectTypesAreTheFiveTheServiceDocumentsAndMtls()
    {
        // The five of ExchangeTokenRequest, and mtls for X.509 workload identity federation (issue 17).
        Assert.Equal(
            new[] { TokenTypes.Jwt, TokenTypes.IdToken, TokenTypes.Aws4Request, TokenTypes.AccessToken, TokenTypes.Saml2, TokenTypes.Mtls },
            TokenTypes.GoogleSubjectTokenTypes);
    }
}
