using System.Net;
using System.Text.Json;
using StsEmulator;

namespace StsPowerShell.Tests.Emulator;

/// <summary>A JWT exchange at the emulator's STS for the workload provider, in raw HTTP, for the tests of token sources.</summary>
internal static class RawExchange
{
    private static readonly HttpClient Http = new();

    public static async Task<(HttpStatusCode Status, JsonElement Body)> PostJwtAsync(StsEmulatorHost emulator, string jwt)
    {
        using var response = await Http.PostAsync(emulator.TokenEndpoint, new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "urn:ietf:params:oauth:grant-type:token-exchange",
            ["subject_token"] = jwt,
            ["subject_token_type"] = "urn:ietf:params:oauth:token-type:jwt",
            ["requested_token_type"] = "urn:ietf:params:oauth:token-type:access_token",
            ["audience"] = EmulatorState.WorkloadProvider,
            ["scope"] = "https://www.googleapis.com/auth/cloud-platform",
        }));
        return (response.StatusCode, JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone());
    }
}
