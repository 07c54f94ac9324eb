using System.Net;
using System.Text;
using System.Text.Json;
using StsEmulator;
using StsEmulator.Faults;
using StsPowerShell.Core.Exchange;
using StsPowerShell.Core.Http;
using StsPowerShell.Tests.Support;

namespace StsPowerShell.Tests.Evidence;

/// <summary>
/// Issue 12, classes 2 and 6: a server that echoes the request's secrets in any spelling, or that sends
/// control characters and CI logging commands, gets neither into an error message or an ErrorId.
/// </summary>
public class EchoFormsTests
{
    private const string Subject = "subj/ect+Secret-VALUE.1234567890";
    private const string ClientSecret = "client/secret+VALUE-0987654321";
    private const string HeaderValue = "header-secret-VALUE-5555";

    private static string JsonUnicode(string s) => string.Concat(s.Select(c => $"\\u{(int)c:x4}"));

    private static string Html(string s) => string.Concat(s.Select(c => $"&#x{(int)c:x};"));

    private static string Wrapped(string s) => string.Join("\n", s.Chunk(7).Select(c => new string(c)));

    private static string Base64(string s) => Convert.ToBase64String(Encoding.UTF8.GetBytes(s));

    public static TheoryData<string, Func<string, string>> EchoForms() => new()
    {
        { "JSON \\/ escapes", s => s.Replace("/", "\\/") },
        { "JSON \\u escapes", JsonUnicode },
        { "lower-case percent-encoding", s => Uri.EscapeDataString(s).ToLowerInvariant() },
        { "HTML entities", Html },
        { "upper case", s => s.ToUpperInvariant() },
        { "line wrapping", Wrapped },
        { "Base64 of the whole request body", s => Base64("grant_type=x&subject_token=" + FormUrlEncoding.Encode(s) + "&subject_token_type=jwt") },
        { "Base64, line-wrapped", s => Wrapped(Base64("subject_token=" + s)) },
    };

    [Theory]
    [MemberData(nameof(EchoForms))]
    public async Task AnEchoedSubjectTokenNeverReachesTheMessage(string form, Func<string, string> echo)
    {
        await using var emulator = await StsEmulatorHost.StartAsync();
        var echoed = echo(Subject);
        emulator.EnqueueFault(Fault.WithStatus(400, JsonSerializer.Serialize(new { error = "invalid_request", error_description = "you sent " + echoed })));
        emulator.EnqueueFault(Fault.WithStatus(502, "<pre>you sent " + echoed + "</pre>", contentType: "text/html"));
        var client = new StsClient(emulator.TokenEndpoint, null, new TestOptions().Create(maximumRetryCount: 0));

        var json = await Assert.ThrowsAsync<StsOAuthException>(() => client.ExchangeTokenAsync(Exchanges.Jwt(Subject)));
        var raw = await Assert.ThrowsAsync<StsOAuthException>(() => client.ExchangeTokenAsync(Exchanges.Jwt(Subject)));

        foreach (var error in new[] { json, raw })
        {
            Assert.DoesNotContain(echoed, error.Message, StringComparison.Ordinal);
            Secrets.AssertAbsent(error.ToString(), Subject);
            Assert.Contains(SecretRedactor.Withheld, error.Message);
        }

        Assert.Equal("invalid_request", json.Error);
        _ = form;
    }

    [Fact]
    public async Task TheClientSecretAndHeaderValuesAsSentAreMaskedToo()
    {
        await using var emulator = await StsEmulatorHost.StartAsync();
        var basic = Base64(FormUrlEncoding.Encode("leaky-client") + ":" + FormUrlEncoding.Encode(ClientSecret));
        emulator.EnqueueFault(Fault.WithStatus(401, JsonSerializer.Serialize(new { error = "invalid_client", error_description = $"Authorization: Basic {basic}; x-extra: {HeaderValue}" })));
        var client = new StsClient(emulator.TokenEndpoint, new ClientAuthentication("leaky-client", ClientSecret), new TestOptions().Create(maximumRetryCount: 0));

        var error = await Assert.ThrowsAsync<StsOAuthException>(() => client.ExchangeTokenAsync(Exchanges.Jwt(Subject, change: r => r.AdditionalHeaders["x-extra"] = HeaderValue)));

        Assert.DoesNotContain(basic, error.Message, StringComparison.Ordinal);
        Secrets.AssertAbsent(error.ToString(), ClientSecret, HeaderValue, Subject);
    }

    [Theory]
    [InlineData("line one\r\n##vso[task.setvariable variable=x]evil", "##vso[")]
    [InlineData("ok\n::add-mask::secret", "\n::")]
    [InlineData("\u001b[31mred\u001b[0m", "\u001b")]
    [InlineData("right\u202Eto-left", "\u202E")]
    public async Task ControlCharactersAndLoggingCommandsAreEscaped(string description, string forbidden)
    {
        await using var emulator = await StsEmulatorHost.StartAsync();
        emulator.EnqueueFault(Fault.WithStatus(400, JsonSerializer.Serialize(new { error = "invalid_request", error_description = description })));
        var client = new StsClient(emulator.TokenEndpoint, null, new TestOptions().Create(maximumRetryCount: 0));

        var error = await Assert.ThrowsAsync<StsOAuthException>(() => client.ExchangeTokenAsync(Exchanges.Jwt(Subject)));

        Assert.DoesNotContain(forbidden, error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("\n", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("\r", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ACodeThatStartsALogCommandIsBrokenAndItsErrorIdBounded()
    {
        await using var emulator = await StsEmulatorHost.StartAsync();
        var code = "::add-mask::" + new string('x', 500_000);
        emulator.EnqueueFault(Fault.WithStatus(400, JsonSerializer.Serialize(new { error = code })));
        var client = new StsClient(emulator.TokenEndpoint, null, new TestOptions().Create(maximumRetryCount: 0));

        var error = await Assert.ThrowsAsync<StsOAuthException>(() => client.ExchangeTokenAsync(Exchanges.Jwt(Subject)));

        Assert.StartsWith("Error code :\\:add-mask::x", error.Message, StringComparison.Ordinal);
        Assert.True(error.Message.Length < 3000);
        var (errorId, _) = StsPowerShell.Pipeline.ErrorClassifier.Classify(error);
        // The code as quoted (":\\:add-mask::x…"), reduced to the ErrorId alphabet and cut at 64 characters.
        Assert.Equal(64, errorId.Length - "StsOAuthError.".Length);
        Assert.StartsWith("StsOAuthError.___add-mask__xxx", errorId, StringComparison.Ordinal);
    }

    [Fact]
    public void ServerTextKeepsOrdinaryTextAsItIs()
    {
        Assert.Equal("The JWT's aud does not match - see https://example.com/a?b=c", ServerText.Escape("The JWT's aud does not match - see https://example.com/a?b=c"));
        Assert.Equal("invalid_grant", ServerText.IdPart("invalid_grant"));
        Assert.Equal("PERMISSION_DENIED", ServerText.IdPart("PERMISSION_DENIED"));
    }
}
