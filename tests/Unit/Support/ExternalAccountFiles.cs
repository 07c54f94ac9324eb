using System.Text.Json.Nodes;
using StsEmulator;

namespace StsPowerShell.Tests.Support;

/// <summary>external_account configurations for tests, as gcloud writes them, pointed at the emulator.</summary>
public static class ExternalAccountFiles
{
    public static JsonObject Workload(StsEmulatorHost? emulator, JsonObject credentialSource) => new()
    {
        ["type"] = "external_account",
        ["audience"] = EmulatorState.WorkloadProvider,
        ["subject_token_type"] = "urn:ietf:params:oauth:token-type:jwt",
        ["token_url"] = emulator?.TokenEndpoint.ToString() ?? "https://sts.googleapis.com/v1/token",
        ["credential_source"] = credentialSource,
    };

    public static string Write(string folder, JsonObject configuration, string name = "config.json")
    {
        var path = Path.Combine(folder, name);
        File.WriteAllText(path, configuration.ToJsonString());
        return path;
    }
}
