using System.Text.Json;
using Microsoft.AspNetCore.WebUtilities;
using StsEmulator;
using StsEmulator.Jwt;
using StsPowerShell.Binding;
using StsPowerShell.Core.Exchange;
using StsPowerShell.Core.Google;
using StsPowerShell.Tests.Support;

namespace StsPowerShell.Tests.Google;

public class WorkforcePoolTests
{
    private static TokenExchangeParameters Parameters(string audience) => new()
    {
        SubjectToken = "subject-token-value",
        SubjectTokenType = "id_token",
        Audience = new[] { audience },
        Scope = new[] { Exchanges.CloudPlatform },
        WorkforcePoolUserProject = "billing-project",
    };

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
        var parameters = Parameters(EmulatorState.WorkforceProvider);
        parameters.Options = "{\"userProject\":\"old\",\"other\":[1,2]}";
        var options = JsonDocument.Parse(parameters.ToRequest().Options!).RootElement;
        Assert.Equal("billing-project", options.GetProperty("userProject").GetString());
        Assert.Equal(2, options.GetProperty("other").GetArrayLength());
        Assert.Empty(parameters.Notes);
    }

    [Fact]
    public void UserProjectIsRefusedForAWorkloadPool()
    {
        var error = Assert.Throws<ArgumentException>(() => Parameters(EmulatorState.WorkloadProvider).ToRequest());
        Assert.Equal("WorkforcePoolUserProject", error.ParamName);
        Assert.Contains("refuses userProject for workload identity pools", error.Message);
    }

    [Fact]
    public void WithClientCredentialsUserProjectIsNotSentAndTheReasonNoted()
    {
        var parameters = Parameters(EmulatorState.WorkforceProvider);
        parameters.ClientId = "client";
        Assert.Null(parameters.ToRequest().Options);
        Assert.Contains("Not sending userProject", Assert.Single(parameters.Notes));
    }

    [Fact]
    public async Task TheEmulatorAcceptsUserProjectForWorkforcePoolsOverTheWire()
    {
        await using var emulator = await StsEmulatorHost.StartAsync();
        var parameters = Parameters(EmulatorState.WorkforceProvider);
        parameters.SubjectToken = emulator.MintJwt(new JwtSpec { Audience = new[] { EmulatorState.WorkforceProvider } });
        parameters.TokenEndpoint = emulator.TokenEndpoint.ToString();

        var response = await new StsClient(parameters.ToEndpoint(), parameters.ToClientAuthentication(), new TestOptions().Create()).ExchangeTokenAsync(parameters.ToRequest());

        Assert.NotEmpty(response.AccessToken);
        Assert.Equal("{\"userProject\":\"billing-project\"}", QueryHelpers.ParseQuery(Assert.Single(emulator.State.Requests).Body)["options"].ToString());
    }
}
