using System.Text.Json;
using Microsoft.AspNetCore.WebUtilities;
using StsEmulator;
using StsPowerShell.Core.Exchange;
using StsPowerShell.Core.Google;
using StsPowerShell.Tests.Support;

namespace StsPowerShell.Tests.Google;

/// <summary>Credential access boundaries: rule building, the limits checked before sending, and the exchange.</summary>
public class DownscopingTests
{
    private const string Bucket = "//storage.googleapis.com/projects/_/buckets/reports";

    private static async Task<(StsEmulatorHost Emulator, string Token)> StartWithToken()
    {
        var emulator = await StsEmulatorHost.StartAsync();
        emulator.State.Clock = () => TestOptions.FixedNow;
        return (emulator, emulator.State.Issue("https://www.googleapis.com/auth/cloud-platform", "subject"));
    }

    [Fact]
    public void RulesGetTheInRolePrefixAndSerializeAsGoogleExpects()
    {
        var rules = new[]
        {
            new AccessBoundaryRule(Bucket, new[] { "roles/storage.objectViewer", "inRole:roles/storage.legacyBucketReader" }),
            new AccessBoundaryRule(Bucket, new[] { "roles/storage.objectViewer" }, "resource.name.startsWith('projects/_/buckets/reports/objects/2026/')", "2026", "This year only"),
        };

        var options = JsonDocument.Parse(CredentialAccessBoundary.ToOptions(rules)).RootElement.GetProperty("accessBoundary").GetProperty("accessBoundaryRules");

        Assert.Equal(2, options.GetArrayLength());
        Assert.Equal(Bucket, options[0].GetProperty("availableResource").GetString());
        Assert.Equal(new[] { "inRole:roles/storage.objectViewer", "inRole:roles/storage.legacyBucketReader" }, options[0].GetProperty("availablePermissions").EnumerateArray().Select(p => p.GetString()));
        Assert.False(options[0].TryGetProperty("availabilityCondition", out _));
        var condition = options[1].GetProperty("availabilityCondition");
        Assert.Equal("resource.name.startsWith('projects/_/buckets/reports/objects/2026/')", condition.GetProperty("expression").GetString());
        Assert.Equal("2026", condition.GetProperty("title").GetString());
        Assert.Equal("This year only", condition.GetProperty("description").GetString());
    }

    [Theory]
    [InlineData("", "roles/x", null, null, "AvailableResource")]
    [InlineData(Bucket, "", null, null, "AvailablePermission")]
    [InlineData(Bucket, "roles/x", " ", null, "ConditionExpression")]
    [InlineData(Bucket, "roles/x", null, "a title", "ConditionExpression")]
    public void MalformedRulesNameTheCmdletParameter(string resource, string permission, string? expression, string? title, string parameter)
    {
        var error = Assert.Throws<ArgumentException>(() => new AccessBoundaryRule(resource, permission.Length == 0 ? Array.Empty<string>() : new[] { permission }, expression, title, null));
        Assert.Equal(parameter, error.ParamName);
    }

    [Fact]
    public async Task TheExchangeSendsTheBoundaryAndKeepsTheSourceExpiry()
    {
        var (emulator, source) = await StartWithToken();
        await using var _ = emulator;
        var rules = new[] { new AccessBoundaryRule(Bucket, new[] { "roles/storage.objectViewer" }) };

        var token = await CredentialAccessBoundary.DownscopeAsync(emulator.TokenEndpoint, source, TestOptions.FixedNow.AddMinutes(42), rules, new TestOptions().Create(), CancellationToken.None);

        Assert.NotEqual(source, token.Token);
        Assert.Equal(TestOptions.FixedNow.AddMinutes(42), token.ExpiresOn);
        var form = QueryHelpers.ParseQuery(Assert.Single(emulator.State.Requests).Body);
        Assert.Equal(TokenTypes.AccessToken, form["subject_token_type"].ToString());
        Assert.Equal(TokenTypes.AccessToken, form["requested_token_type"].ToString());
        Assert.Equal(CredentialAccessBoundary.ToOptions(rules), form["options"].ToString());
        Assert.False(form.ContainsKey("audience"));
        Assert.NotNull(emulator.State.FindIssued(token.Token)!.Boundary);
    }

    [Fact]
    public async Task ABoundaryIsMeasuredAndSentAsWrittenWithoutNeedlessEscapes()
    {
        // Each repetition holds ' < > & + and non-ASCII text: escaped as \uXXXX it would grow past 4096 characters.
        var clause = "resource.name.startsWith('projects/_/buckets/reports/objects/été<2026>') && size + 1 > 0 || ";
        var expression = string.Concat(Enumerable.Repeat(clause, 3000 / clause.Length)) + "true";
        var rules = new[] { new AccessBoundaryRule(Bucket, new[] { "roles/storage.objectViewer" }, expression, "Café & co", "« quoted »") };
        var options = CredentialAccessBoundary.ToOptions(rules);
        Assert.Contains(expression, options);
        Assert.Contains("Café & co", options);
        Assert.True(options.Length < 4096);

        var (emulator, source) = await StartWithToken();
        await using var _ = emulator;
        await CredentialAccessBoundary.DownscopeAsync(emulator.TokenEndpoint, source, null, rules, new TestOptions().Create(), CancellationToken.None);
        var sent = QueryHelpers.ParseQuery(Assert.Single(emulator.State.Requests).Body)["options"].ToString();
        Assert.Equal(options, sent);
        Assert.Contains(expression, sent);
    }

    [Fact]
    public async Task ADownscopedTokenCannotBeDownscopedAgain()
    {
        var (emulator, source) = await StartWithToken();
        await using var _ = emulator;
        var rules = new[] { new AccessBoundaryRule(Bucket, new[] { "roles/storage.objectViewer" }) };
        var first = await CredentialAccessBoundary.DownscopeAsync(emulator.TokenEndpoint, source, null, rules, new TestOptions().Create(), CancellationToken.None);

        var error = await Assert.ThrowsAsync<StsOAuthException>(() => CredentialAccessBoundary.DownscopeAsync(emulator.TokenEndpoint, first.Token, null, rules, new TestOptions().Create(), CancellationToken.None));

        Assert.Equal("invalid_grant", error.Error);
        Assert.Contains("already carries a credential access boundary", error.ErrorDescription);
    }

    [Fact]
    public async Task MoreThanTenRulesAreRefusedBeforeSending()
    {
        var (emulator, source) = await StartWithToken();
        await using var _ = emulator;
        var rules = Enumerable.Range(0, 11).Select(i => new AccessBoundaryRule(Bucket + i, new[] { "roles/storage.objectViewer" })).ToArray();

        var error = await Assert.ThrowsAsync<ArgumentException>(() => CredentialAccessBoundary.DownscopeAsync(emulator.TokenEndpoint, source, null, rules, new TestOptions().Create(), CancellationToken.None));

        Assert.Equal("AccessBoundaryRule", error.ParamName);
        Assert.Contains("1 to 10 rules, not 11", error.Message);
        Assert.Equal(0, emulator.State.RequestCount);
    }

    [Fact]
    public async Task ABoundaryOverGooglesOptionsLimitIsRefusedBeforeSending()
    {
        var (emulator, source) = await StartWithToken();
        await using var _ = emulator;
        var longCondition = "resource.name.startsWith('" + new string('a', 4000) + "')";
        var rules = new[] { new AccessBoundaryRule(Bucket, new[] { "roles/storage.objectViewer" }, longCondition) };

        var error = await Assert.ThrowsAsync<ArgumentException>(() => CredentialAccessBoundary.DownscopeAsync(emulator.TokenEndpoint, source, null, rules, new TestOptions().Create(), CancellationToken.None));

        Assert.Contains("accepts at most 4096", error.Message);
        Assert.Equal(0, emulator.State.RequestCount);
    }

    [Fact]
    public async Task TheEmulatorEnforcesTheRulesItself()
    {
        var (emulator, source) = await StartWithToken();
        await using var _ = emulator;
        var request = new TokenExchangeRequestBuilder { SubjectToken = source, SubjectTokenType = "access_token", RequestedTokenType = "access_token", Options = "{\"accessBoundary\":{\"accessBoundaryRules\":[{\"availableResource\":\"" + Bucket + "\",\"availablePermissions\":[\"roles/storage.objectViewer\"]}]}}" }.Build();

        var error = await Assert.ThrowsAsync<StsOAuthException>(() => new StsClient(emulator.TokenEndpoint, options: new TestOptions().Create()).ExchangeTokenAsync(request));

        Assert.Equal("invalid_request", error.Error);
        Assert.Contains("inRole:", error.ErrorDescription);
    }
}
