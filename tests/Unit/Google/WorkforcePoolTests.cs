using System.Text.Json;
using Microsoft.AspNetCore.WebUtilities;
using StsEmulator;
using StsEmulator.Jwt;
using StsPowerShell.Core.Http;
using StsPowerShell.Core.Exchange;
using StsPowerShell.Core.Google;
using StsPowerShell.Tests.Support;

namespace StsPowerShell.Tests.Google;

public class WorkforcePoolTests
{
    private const string UserProject = "billing-project";

    private static TokenExchangeRequestBuilder Request(string audience, string subjectToken = "subject-token-value")
    {
        var builder = new TokenExchangeRequestBuilder { SubjectToken = subjectToken, SubjectTokenType = "id_token", RequestedTokenType = TokenTypes.AccessToken };
        builder.Audiences.Add(audience);
        builder.Scopes.Add(Exchanges.CloudPlatform);
        return builder;
    }

    private static TokenExchangeOperation Operation(Uri? endpoint = null, ClientAuthentication? client = null, IStsLogger? logger = null)
    {
        var options = new TestOptions().Create();
        options.Logger = logger;
        return new TokenExchangeOperation(endpoint ?? new Uri(GoogleSts.DefaultTokenEndpoint), client, options);
    }

    [Theory]
    [InlineData(EmulatorState.WorkforceProvider, true)]
    [InlineData("//iam.googleapis.com/locations/eu/workforcePools/p/providers/q", true)]
    [InlineData(EmulatorState.WorkloadProvider, false)]
    [InlineData("https://iam.googleapis.com/locations/global/workforcePools/p/providers/q", false)]
    public void RecognisesWorkforcePoolProviders(string audience, bool workforce)
    {
        Assert.Equal(workforce, GooglePoolProvider.IsWorkforcePoolProvider(audience));
    }

    [Fact]
    public void UserProjectIsAddedToTheOptionsKeepingTheRest()
    {
        var builder = Request(EmulatorState.WorkforceProvider);
        builder.Options = "{\"userProject\":\"old\",\"other\":[1,2]}";
        var logger = new RecordingLogger();
        var options = JsonDocument.Parse(Operation(logger: logger).Prepare(builder, UserProject).Options!).RootElement;
        Assert.Equal("billing-project", options.GetProperty("userProject").GetString());
        Assert.Equal(2, options.GetProperty("other").GetArrayLength());
        Assert.Empty(logger.Messages);
    }

    [Fact]
    public void UserProjectIsRefusedForAWorkloadPool()
    {
        var error = Assert.Throws<ArgumentException>(() => Operation().Prepare(Request(EmulatorState.WorkloadProvider), UserProject));
        Assert.Equal("WorkforcePoolUserProject", error.ParamName);
        Assert.Contains("refuses userProject for workload identity pools", error.Message);
    }

    [Theory]
    [InlineData("")]
    [InlineData("  ")]
    public void ABlankUserProjectIsRefused(string userProject)
    {
        var error = Assert.Throws<ArgumentException>(() => Operation().Prepare(Request(EmulatorState.WorkforceProvider), userProject));
        Assert.Equal("WorkforcePoolUserProject", error.ParamName);
    }

    [Fact]
    public void WithClientCredentialsUserProjectIsNotSentAndTheReasonNoted()
    {
        var logger = new RecordingLogger();
        var request = Operation(client: new ClientAuthentication("client", "secret"), logger: logger).Prepare(Request(EmulatorState.WorkforceProvider), UserProject);
        Assert.Null(request.Options);
        Assert.Contains("Not sending userProject", Assert.Single(logger.Messages));
    }

    [Fact]
    public async Task TheEmulatorAcceptsUserProjectForWorkforcePoolsOverTheWire()
    {
        await using var emulator = await StsEmulatorHost.StartAsync();
        var operation = Operation(emulator.TokenEndpoint);
        var request = operation.Prepare(Request(EmulatorState.WorkforceProvider, emulator.MintJwt(new JwtSpec { Audience = new[] { EmulatorState.WorkforceProvider } })), UserProject);

        var token = await operation.ExchangeAsync(request, TokenReuse.None, null, CancellationToken.None);

        Assert.NotEmpty(token.Token);
        Assert.Equal("{\"userProject\":\"billing-project\"}", QueryHelpers.ParseQuery(Assert.Single(emulator.State.Requests).Body)["options"].ToString());
    }
}
