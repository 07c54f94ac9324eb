using StsEmulator.Jwt;

namespace StsEmulator.Ci;

/// <summary>
/// The OIDC token services of Azure Pipelines (POST …/oidctoken?api-version=7.1&amp;serviceConnectionId=…) and
/// GitHub Actions (GET …?audience=…), issuing RS256 JWTs the emulator's STS accepts.
/// </summary>
public static class CiTokenEndpoints
{
    public const string AzurePath = "/azure/oidctoken";
    public const string GitHubPath = "/github/idtoken";
    public const string AzureAudience = "api://AzureADTokenExchange";

    public static void Map(WebApplication app, StsEmulatorHost host)
    {
        var state = host.State;
        app.MapPost(AzurePath, (HttpContext context, string? serviceConnectionId) =>
        {
            if (context.Request.Headers["X-TFS-FedAuthRedirect"] != "Suppress")
            {
                // What Azure DevOps does for an unauthenticated browser-style call.
                return Results.Redirect("https://login.microsoftonline.com/emulator");
            }

            if (context.Request.Headers.Authorization != "Bearer " + state.Ci.AzureSystemAccessToken)
            {
                return Results.Json(new { message = "TF400813: The user is not authorized to access this resource." }, statusCode: 401);
            }

            if (context.Request.Query["api-version"] != "7.1")
            {
                return Results.Json(new { message = "The requested REST API version is not supported." }, statusCode: 400);
            }

            if (serviceConnectionId == null || !state.Ci.AzureServiceConnections.Contains(serviceConnectionId))
            {
                return Results.Json(new { message = $"Service connection {serviceConnectionId} was not found." }, statusCode: 404);
            }

            var now = state.Clock();
            return Results.Json(new
            {
                oidcToken = state.Keys.Mint(new JwtSpec
                {
                    Issuer = host.BaseUrl + "/azure",
                    Subject = $"sc://emulator-org/emulator-project/{serviceConnectionId}",
                    Audience = new[] { AzureAudience },
                    IssuedAt = now,
                    ExpiresAt = now.AddMinutes(10),
                }),
            });
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
}
