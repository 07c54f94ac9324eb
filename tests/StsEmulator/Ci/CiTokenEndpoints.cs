using StsEmulator.Jwt;

namespace StsEmulator.Ci;

/// <summary>
/// The OIDC token services of Azure Pipelines (POST …/oidctoken?api-version=7.1[&amp;serviceConnectionId=…], at a
/// short path and at the path Azure DevOps really uses) and GitHub Actions (GET …?audience=…), issuing RS256 JWTs
/// the emulator's STS accepts.
/// </summary>
public static class CiTokenEndpoints
{
    public const string AzurePath = "/azure/oidctoken";
    public const string GitHubPath = "/github/idtoken";
    public const string AzureAudience = "api://AzureADTokenExchange";

    /// <summary>The real route below the collection URI ({base}/azdo/); SYSTEM_OIDCREQUESTURI in a job.</summary>
    public const string AzureDevOpsPath = "/azdo/{projectId}/_apis/distributedtask/hubs/{hubName}/plans/{planId}/jobs/{jobId}/oidctoken";

    // 7.1 is what the module sends; Azure DevOps also serves the preview version older clients send.
    private static readonly string[] AzureApiVersions = { "7.1", "7.1-preview.1" };

    public static void Map(WebApplication app, StsEmulatorHost host)
    {
        var state = host.State;
        app.MapPost(AzurePath, (HttpContext context) => IssueAzurePipelinesToken(context, host, null));

        // Where SYSTEM_OIDCREQUESTURI points in a real job: below the collection URI, for one project, plan and job.
        app.MapPost(AzureDevOpsPath, (HttpContext context, string projectId, string hubName, string planId, string jobId) =>
        {
            string? notFound = null;
            if (!string.Equals(projectId, CiSettings.ProjectId, StringComparison.OrdinalIgnoreCase))
            {
                notFound = $"TF200016: The following project does not exist: {projectId}. Verify that the name of the project is correct and that the project exists on the specified Azure DevOps Server.";
            }
            else if (hubName != CiSettings.HostType || !string.Equals(planId, CiSettings.PlanId, StringComparison.OrdinalIgnoreCase) || !string.Equals(jobId, CiSettings.JobId, StringComparison.OrdinalIgnoreCase))
            {
                notFound = $"The {hubName} plan {planId} has no job {jobId}.";
            }

            return IssueAzurePipelinesToken(context, host, notFound);
        });

        app.MapGet(GitHubPath, (HttpContext context, string? audience) =>
        {
            if (context.Request.Headers.Authorization != "Bearer " + state.Ci.GitHubRequestToken)
            {
                return Results.Json(new { message = "Unable to get ACTIONS_ID_TOKEN_REQUEST_URL env variable" }, statusCode: 403);
            }

            var now = state.Clock();
            return Results.Json(new
            {
                count = 1,
                value = state.Keys.Mint(new JwtSpec
                {
                    Issuer = host.BaseUrl + "/github",
                    Subject = "repo:emulator-org/emulator-repo:ref:refs/heads/main",
                    Audience = new[] { audience ?? "https://github.com/emulator-org" },
                    IssuedAt = now,
                    ExpiresAt = now.AddMinutes(5),
                }),
            });
        });
    }

    // Azure DevOps authenticates first, then finds the job (notFound: why it cannot), then the service connection.
    private static IResult IssueAzurePipelinesToken(HttpContext context, StsEmulatorHost host, string? notFound)
    {
        var state = host.State;
        if (context.Request.Headers["X-TFS-FedAuthRedirect"] != "Suppress")
        {
            // What Azure DevOps does for an unauthenticated browser-style call.
            return Results.Redirect("https://login.microsoftonline.com/emulator");
        }

        if (context.Request.Headers.Authorization != "Bearer " + state.Ci.AzureSystemAccessToken)
        {
            return Results.Json(new { message = "TF400813: The user is not authorized to access this resource." }, statusCode: 401);
        }

        if (notFound != null)
        {
            return Results.Json(new { message = notFound }, statusCode: 404);
        }

        if (!AzureApiVersions.Contains(context.Request.Query["api-version"].ToString()))
        {
            return Results.Json(new { message = "The requested REST API version is not supported." }, statusCode: 400);
        }

        // Without a service connection the token speaks for the pipeline itself.
        var subject = "p://emulator-org/emulator-project/emulator-pipeline";
        if (context.Request.Query.TryGetValue("serviceConnectionId", out var connection))
        {
            if (!state.Ci.AzureServiceConnections.Contains(connection.ToString()))
            {
                return Results.Json(new { message = $"Service connection {connection} was not found." }, statusCode: 404);
            }

            if (state.Ci.AzureUnauthorizedServiceConnections.Contains(connection.ToString()))
            {
                return Results.Json(new { message = $"Pipeline does not have permissions to use the referenced service connection(s) {connection}. For authorization details, refer to https://aka.ms/yamlauthz." }, statusCode: 403);
            }

            subject = $"sc://emulator-org/emulator-project/{connection}";
        }

        var now = state.Clock();
        return Results.Json(new
        {
            oidcToken = state.Keys.Mint(new JwtSpec
            {
                Issuer = host.BaseUrl + "/azure",
                Subject = subject,
                Audience = new[] { AzureAudience },
                IssuedAt = now,
                ExpiresAt = now.AddMinutes(10),
            }),
        });
    }
}
