using StsPowerShell.Core.Exchange;
using StsPowerShell.Core.Google;

namespace StsPowerShell.Tests.Core;

public class TokenExchangeRequestTests
{
    private static TokenExchangeRequestBuilder Valid() => new() { SubjectToken = "token-value", SubjectTokenType = "jwt" };

    [Fact]
    public void BuildingResolvesShortTokenTypes()
    {
        var builder = Valid();
        builder.RequestedTokenType = "access_token";
        builder.ActorToken = "actor";
        builder.ActorTokenType = "id_token";
        var request = builder.Build();
        Assert.Equal(TokenTypes.Jwt, request.SubjectTokenType);
        Assert.Equal(TokenTypes.AccessToken, request.RequestedTokenType);
        Assert.Equal(TokenTypes.IdToken, request.ActorTokenType);
    }

    [Fact]
    public void TokensReadFromFilesLoseTheirFinalNewline()
    {
        var builder = Valid();
        builder.SubjectToken = "token-value\r\n";
        builder.ActorToken = " actor-value\n";
        builder.ActorTokenType = "jwt";
        var request = builder.Build();
        Assert.Equal("token-value", request.SubjectToken);
        Assert.Equal("actor-value", request.ActorToken);
    }

    [Fact]
    public void BlankListEntriesAreDroppedAndTheRestTrimmed()
    {
        var builder = Valid();
        builder.Audiences.Add(" a1 ");
        builder.Audiences.Add("  ");
        builder.Scopes.Add("s1");
        builder.Scopes.Add("");
        var request = builder.Build();
        Assert.Equal(new[] { "a1" }, request.Audiences);
        Assert.Equal(new[] { "s1" }, request.Scopes);
    }

    public static TheoryData<Action<TokenExchangeRequestBuilder>, string, string> Invalid() => new()
    {
        { r => r.SubjectToken = "", "SubjectToken", "subject_token is required" },
        { r => r.SubjectToken = " \t ", "SubjectToken", "subject_token is required" },
        { r => r.SubjectTokenType = null, "SubjectTokenType", "token type is required" },
        { r => r.GrantType = " ", "GrantType", "grant_type is required" },
        { r => r.ActorToken = "actor", "ActorTokenType", "required when actor_token" },
        { r => r.ActorTokenType = "jwt", "ActorTokenType", "without actor_token" },
        { r => r.RequestedTokenType = "nonsense", "RequestedTokenType", "not a token type" },
        { r => r.Resources.Add("relative/path"), "Resource", "absolute URI" },
        { r => r.Resources.Add("https://api.example.com/#frag"), "Resource", "without a fragment" },
        { r => r.Scopes.Add("two words"), "Scope", "no spaces" },
        { r => r.Options = "[1,2]", "Options", "JSON object" },
        { r => r.Options = "{not json", "Options", "not valid JSON" },
        { r => r.AdditionalHeaders["Bad Name"] = "x", "AdditionalHeader", "not a valid HTTP header name" },
        { r => r.AdditionalHeaders["Content-Type"] = "text/plain", "AdditionalHeader", "set by the module" },
        { r => r.AdditionalHeaders["X-Split"] = "a\r\nInjected: 1", "AdditionalHeader", "control characters" },
        { r => r.AdditionalHeaders["X-Escape"] = "a\u001b[31m", "AdditionalHeader", "control characters" },
        { r => r.AdditionalHeaders["X-Latin"] = "caf\u00e9", "AdditionalHeader", "outside ASCII" },
        { r => r.AdditionalHeaders["X-Separator"] = "a\u2028b", "AdditionalHeader", "outside ASCII" },
        { r => r.AdditionalHeaders["X-Delete"] = "a\u007fb", "AdditionalHeader", "control characters" },
    };

    [Theory]
    [MemberData(nameof(Invalid))]
    public void RefusesMalformedFieldsNamingTheField(Action<TokenExchangeRequestBuilder> breakIt, string field, string reason)
    {
        var builder = Valid();
        breakIt(builder);
        var error = Assert.Throws<ArgumentException>(builder.Build);
        Assert.Equal(field, error.ParamName);
        Assert.Contains(reason, error.Message);
    }

    [Fact]
    public void EveryFieldErrorNamesADeclaredField()
    {
        var names = TokenExchangeField.All.Select(f => f.Name).Append(TokenExchangeField.AdditionalHeaderName).ToHashSet();
        foreach (var (breakIt, field, _) in Invalid().Select(row => ((Action<TokenExchangeRequestBuilder>)row[0], (string)row[1], (string)row[2])))
        {
            Assert.Contains(field, names);
        }
    }

    [Fact]
    public void GooglesOptionsLimitIs4096Characters()
    {
        GoogleSts.ValidateOptions("{\"k\":\"" + new string('v', 4096 - 8) + "\"}");
        var error = Assert.Throws<ArgumentException>(() => GoogleSts.ValidateOptions("{\"k\":\"" + new string('v', 4097 - 8) + "\"}"));
        Assert.Equal("Options", error.ParamName);
        Assert.Contains("at most 4096", error.Message);
    }

    [Fact]
    public void TheDescriptionShowsSecretsOnlyAsLengths()
    {
        var builder = Valid();
        builder.ActorToken = "actor-secret-value";
        builder.ActorTokenType = "jwt";
        builder.Audiences.Add("aud");
        builder.AdditionalHeaders["X-Key"] = "header-value";
        var text = builder.Build().Describe();
        Assert.Contains("subject_token of 11 characters", text);
        Assert.Contains("actor_token of 18 characters", text);
        Assert.Contains("audience aud", text);
        Assert.Contains("headers X-Key", text);
        Assert.DoesNotContain("token-value", text);
        Assert.DoesNotContain("actor-secret-value", text);
        Assert.DoesNotContain("header-value", text);
    }

    [Fact]
    public void ATokenGivenInTheWrongPlaceIsNotQuotedInFull()
    {
        var jwt = "eyJhbGciOiJSUzI1NiJ9." + new string('p', 200) + ".signature-part";
        var builder = Valid();
        builder.SubjectTokenType = jwt;
        var error = Assert.Throws<ArgumentException>(builder.Build);
        Assert.Contains("'eyJhbGciOiJS…' (236 characters) is not a token type", error.Message);
        Assert.DoesNotContain("signature-part", error.Message);
        Assert.DoesNotContain("token-value", error.Message);
    }
}
