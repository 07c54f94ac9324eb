namespace StsEmulator.Ci;

/// <summary>What the emulated CI token services accept.</summary>
public sealed class CiSettings
{
    public const string DefaultServiceConnectionId = "6b2a1d3e-8c4f-4b7a-9e0d-1f2a3b4c5d6e";

    public string AzureSystemAccessToken { get; set; } = "emulator-system-access-token";

    public HashSet<string> AzureServiceConnections { get; } = new(StringComparer.OrdinalIgnoreCase) { DefaultServiceConnectionId };

    public string GitHubRequestToken { get; set; } = "emulator-github-request-token";
}
