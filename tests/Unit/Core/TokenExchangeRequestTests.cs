using StsPowerShell.Core.Exchange;

namespace StsPowerShell.Tests.Core;

public class TokenExchangeRequestTests
{
    private static TokenExchangeRequest Valid() => new() { SubjectToken = "token-value", SubjectTokenType = "jwt" };

    [Fact]
    public void ValidationResolvesShortTokenTypes()
    {
        var request = Valid();
        request.RequestedTokenType = "access_token";
        request.ActorToken = "actor";
        request.ActorTokenType = "id_token";
        request.Validate();
        Assert.Equal(TokenTypes.Jwt, request.SubjectTokenType);
        Assert.Equal(TokenTypes.AccessToken, request.RequestedTokenType);
        Assert.Equal(TokenTypes.IdToken, request.ActorTokenType);
    }

    public static TheoryData<Action<TokenExchangeRequest>, string, string> Invalid() => new()
    {
        { r => r.SubjectToken = "", nameof(TokenExchangeRequest.SubjectToken), "subject_token is required" },
        { r => r.SubjectTokenType = null, nameof(TokenExchangeRequest.SubjectTokenType), "token type is required" },
        { r => r.GrantType = " ", nameof(TokenExchangeRequest.GrantType), "grant_type is required" },
        { r => r.ActorToken = "actor", nameof(TokenExchangeRequest.ActorTokenType), "required when actor_token" },
        { r => r.ActorTokenType = "jwt", nameof(TokenExchangeRequest.ActorTokenType), "without actor_token" },
        { r => r.RequestedTokenType = "nonsense", nameof(TokenExchangeRequest.RequestedTokenType), "not a token type" },
        { r => r.Resources.Add("relative/path"), nameof(TokenExchangeRequest.Resources), "absolute URI" },
        { r => r.Resources.Add("https://api.example.com/#frag"), nameof(TokenExchangeRequest.Resources), "without a fragment" },
        { r => r.Scopes.Add("two words"), nameof(TokenExchangeRequest.Scopes), "no spaces" },
        { r => r.Options = new string(' ', 4097), nameof(TokenExchangeRequest.Options), "at most 4096" },
        { r => r.Options = "[1,2]", nameof(TokenExchangeRequest.Options), "JSON object" },
        { r => r.Options = "{not json", nameof(TokenExchangeRequest.Options), "not valid JSON" },
        { r => r.AdditionalHeaders["Bad Name"] = "x", nameof(TokenExchangeRequest.AdditionalHeaders), "not a valid HTTP header name" },
        { r => r.AdditionalHeaders["Content-Type"] = "text/plain", nameof(TokenExchangeRequest.AdditionalHeaders), "set by the module" },
        { r => r.AdditionalHeaders["X-Split"] = "a\r\nInjected: 1", nameof(TokenExchangeRequest.AdditionalHeaders), "CR, LF or NUL" },
    };

    [Theory]
    [MemberData(nameof(Invalid))]
    public void RefusesMalformedFieldsNamingTheProperty(Action<TokenExchangeRequest> breakIt, string property, string reason)
    {
        var request = Valid();
        breakIt(request);
        var error = Assert.Throws<ArgumentException>(request.Validate);
        Assert.Equal(property, error.ParamName);
        Assert.Contains(reason, error.Message);
    }

    [Fact]
    public void OptionsOfExactly4096CharactersAreAccepted()
    {
        var request = Valid();
        request.Options = "{\"k\":\"" + new string('v', 4096 - 8) + "\"}";
        Assert.Equal(4096, request.Options.Length);
        request.Validate();
    }

    [Fact]
    public void ATokenGivenInTheWrongPlaceIsNotQuotedInFull()
    {
        var jwt = "eyJhbGciOiJSUzI1NiJ9." + new string('p', 200) + ".signature-part";
        var request = Valid();
        request.SubjectTokenType = jwt;
        var error = Assert.Throws<ArgumentException>(request.Validate);
        Assert.Contains("'eyJhbGciOiJS…' (236 characters) is not a token type", error.Message);
        Assert.DoesNotContain("signature-part", error.Message);
        Assert.DoesNotContain("token-value", error.Message);
    }
}
