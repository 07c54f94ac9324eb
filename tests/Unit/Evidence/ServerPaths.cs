using System.Text.Json.Nodes;
using StsEmulator;
using StsEmulator.Ci;
using StsPowerShell.Core.Exchange;
using StsPowerShell.Core.Google;
using StsPowerShell.Core.Http;
using StsPowerShell.Core.Oidc;
using StsPowerShell.Tests.Support;

namespace StsPowerShell.Tests.Evidence;

/// <summary>
/// Every path on which a cmdlet talks to a server, as one call against the emulator; a queued fault hits its
/// first request. The cmdlets each path serves are named, so the matrix covers every server-talking cmdlet.
/// </summary>
public static class ServerPaths
{
    /// <summary>Each path: the emulator (for tokens it accepts), the base URL to call (the emulator's, or a closed port), and the options.</summary>
    public static readonly IReadOnlyDictionary<string, Func<StsEmulatorHost, string, StsHttpOptions, Task>> All = new Dictionary<string, Func<StsEmulatorHost, string, StsHttpOptions, Task>>
    {
        // Invoke-StsTokenExchange, New-GoogleDownscopedAccessToken, and the exchange of Get-GoogleExternalAccountToken.
        ["sts"] = (e, url, o) => new StsClient(new Uri(url + "/v1/token"), options: o).ExchangeTokenAsync(Exchanges.Jwt(e.MintJwt())),

        // New-GoogleServiceAccountAccessToken.
        ["iam-access-token"] = (e, url, o) => new IamCredentialsClient(new Uri(url), o).GenerateAccessTokenAsync(
            e.State.Issue(Exchanges.CloudPlatform, "s"), EmulatorState.DefaultServiceAccount, new[] { Exchanges.CloudPlatform }, null, Array.Empty<string>()),

        // New-GoogleServiceAccountIdToken.
        ["iam-id-token"] = (e, url, o) => new IamCredentialsClient(new Uri(url), o).GenerateIdTokenAsync(
            e.State.Issue(Exchanges.CloudPlatform, "s"), EmulatorState.DefaultServiceAccount, "https://service.example", false, Array.Empty<string>()),

        // Get-AzurePipelinesIdToken.
        ["azure-pipelines-oidc"] = (e, url, o) => AzurePipelinesIdToken.RequestAsync(
            CiSettings.DefaultServiceConnectionId, url + CiTokenEndpoints.AzurePath, e.State.Ci.AzureSystemAccessToken, new Dictionary<string, string?>(), o, CancellationToken.None),

        // Get-GitHubActionsIdToken.
        ["github-actions-oidc"] = (e, url, o) => GitHubActionsIdToken.RequestAsync(
            "aud", url + CiTokenEndpoints.GitHubPath + "?api-version=2.0", e.State.Ci.GitHubRequestToken, new Dictionary<string, string?>(), o, CancellationToken.None),

        // Get-GoogleExternalAccountToken with a url credential source (JSON, so an HTML page is not taken for a token).
        ["url-credential-source"] = (e, url, o) => ExternalAccountConfiguration.Parse(
                ExternalAccountFiles.Workload(e, new JsonObject
                {
                    ["url"] = url + "/subject-token?format=json",
                    ["headers"] = new JsonObject { ["Metadata"] = "true" },
                    ["format"] = new JsonObject { ["type"] = "json", ["subject_token_field_name"] = "access_token" },
                }).ToJsonString(),
                "/c.json")
            .CredentialSource.GetSubjectTokenAsync(new SubjectTokenContext(new Dictionary<string, string?>(), o), CancellationToken.None),
    };

    public static IEnumerable<string> Names => All.Keys;
}
