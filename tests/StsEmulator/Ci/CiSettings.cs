namespace StsEmulator.Ci;

/// <summary>What the emulated CI token services accept.</summary>
public sealed class CiSettings
{
    public const string DefaultServiceConnectionId = "6b2a1d3e-8c4f-4b7a-9e0d-1f2a3b4c5d6e";

    /// <summary>A service connection that exists but the pipeline is not authorised to use.</summary>
    public const string UnauthorizedServiceConnectionId = "0f9e8d7c-6b5a-4c3d-9e2f-1a0b9c8d7e6f";

    // The job the real-shaped route serves: SYSTEM_TEAMPROJECTID, SYSTEM_HOSTTYPE, SYSTEM_PLANID, SYSTEM_JOBID.
    public const string ProjectId = "3c5e7a9b-1d2f-4e6a-8b0c-2d4f6a8b0c1e";
    public const string HostType = "build";
    public const string PlanId = "8a1b2c3d-4e5f-4a6b-9c7d-8e9f0a1b2c3d";
    public const string JobId = "d4c3b2a1-0f9e-4d8c-b7a6-5f4e3d2c1b0a";

    public string AzureSystemAccessToken { get; set; } = "emulator-system-access-token";

    public HashSet<string> AzureServiceConnections { get; } = new(StringComparer.OrdinalIgnoreCase) { DefaultServiceConnectionId, UnauthorizedServiceConnectionId };

    /// <summary>Service connections in <see cref="AzureServiceConnections"/> the pipeline may not use (HTTP 403).</summary>
    public HashSet<string> AzureUnauthorizedServiceConnections { get; } = new(StringComparer.OrdinalIgnoreCase) { UnauthorizedServiceConnectionId };

    public string GitHubRequestToken { get; set; } = "emulator-github-request-token";
}
