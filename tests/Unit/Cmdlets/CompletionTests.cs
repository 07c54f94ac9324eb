using StsPowerShell.Completion;
using StsPowerShell.Core.Exchange;

namespace StsPowerShell.Tests.Cmdlets;

public class CompletionTests
{
    [Theory]
    [InlineData("j", new[] { "jwt", TokenTypes.Jwt })]
    [InlineData("'aws", new[] { "aws4_request", TokenTypes.Aws4Request })]
    [InlineData("urn:ietf:params:oauth:token-type:s", new[] { TokenTypes.Saml1, TokenTypes.Saml2 })]
    public void TokenTypesCompleteFromShortNamesAndUrns(string word, string[] expected)
    {
        var candidates = CompletionCandidates.Matching(TokenTypes.ShortNames.Concat(TokenTypes.KnownIdentifiers), word).ToArray();
        Assert.Equal(expected, candidates);
    }

    [Fact]
    public void RegionsAndProfilesComplete()
    {
        Assert.Equal(new[] { "eu-west-1", "eu-west-2", "eu-west-3" }, CompletionCandidates.Matching(CompletionCandidates.AwsRegions, "eu-we").ToArray());
        var path = Path.GetTempFileName();
        File.WriteAllText(path, "[default]\n[profile build]\nregion = x\n[ci]\n");
        try
        {
            Assert.Equal(new[] { "default", "build", "ci" }, StsPowerShell.Core.Aws.AwsSharedConfig.ProfileNames(path).ToArray());
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void ScopesCompleteByTheirLastSegment()
    {
        Assert.Equal(
            new[] { "https://www.googleapis.com/auth/cloud-platform", "https://www.googleapis.com/auth/cloud-platform.read-only" },
            CompletionCandidates.Matching(StsPowerShell.Core.Google.GoogleScopes.Common, "cloud").ToArray());
    }
}
