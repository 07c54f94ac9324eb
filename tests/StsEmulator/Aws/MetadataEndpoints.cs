using System.Security.Cryptography;
using StsEmulator.Jwt;

namespace StsEmulator.Aws;

/// <summary>EC2 instance metadata (IMDSv2 and v1) and ECS/EKS container credentials, serving temporary keys.</summary>
public static class MetadataEndpoints
{
    /// <summary>
    /// A second root the instance metadata is served under, so a test can tell URLs taken from a configuration
    /// file from the AWS default paths.
    /// </summary>
    public const string AlternateRoot = "/imds-elsewhere";

    public static void Map(WebApplication app, EmulatorState state)
    {
        MapInstanceMetadata(app, state, string.Empty);
        MapInstanceMetadata(app, state, AlternateRoot);
        app.MapGet("/container/credentials/{**rest}", (HttpContext context) =>
        {
            if (state.Aws.ContainerAuthorizationToken != null && context.Request.Headers.Authorization.ToString() != state.Aws.ContainerAuthorizationToken)
            {
                return Results.StatusCode(403);
            }

            return Results.Json(Credentials(state, withCode: false));
        });
    }

    private static void MapInstanceMetadata(WebApplication app, EmulatorState state, string root)
    {
        var aws = state.Aws;
        app.MapPut(root + "/latest/api/token", (HttpContext context) =>
        {
            if (aws.ImdsTokenStatus != 200)
            {
                return Results.StatusCode(aws.ImdsTokenStatus);
            }

            if (!int.TryParse(context.Request.Headers["X-aws-ec2-metadata-token-ttl-seconds"], out var ttl) || ttl < 1 || ttl > 21600)
            {
                return Results.BadRequest();
            }

            var token = "imds-" + Base64Url.Encode(RandomNumberGenerator.GetBytes(24));
            aws.ImdsSessionTokens[token] = state.Clock().AddSeconds(ttl);
            return Results.Text(token);
        });

        app.MapGet(root + "/latest/meta-data/{**path}", (HttpContext context, string path) =>
        {
            var token = context.Request.Headers["X-aws-ec2-metadata-token"].ToString();
            var validSession = aws.ImdsSessionTokens.TryGetValue(token, out var expires) && expires > state.Clock();
            if ((token.Length > 0 && !validSession) || (token.Length == 0 && aws.ImdsRequireSessionToken))
            {
                return Results.StatusCode(401);
            }

            return path switch
            {
                "iam/security-credentials/" or "iam/security-credentials" => Results.Text(aws.ImdsRoleName + "\n"),
                var p when p == "iam/security-credentials/" + aws.ImdsRoleName => Results.Json(Credentials(state, withCode: true)),
                "placement/region" => aws.ImdsRegion == null ? Results.NotFound() : Results.Text(aws.ImdsRegion),
                "placement/availability-zone" => Results.Text(aws.ImdsAvailabilityZone),
                _ => Results.NotFound(),
            };
        });
    }

    private static Dictionary<string, string> Credentials(EmulatorState state, bool withCode)
    {
        var aws = state.Aws;
        var expiration = aws.CredentialsExpiration ?? state.Clock().AddHours(1);
        var document = new Dictionary<string, string>
        {
            ["AccessKeyId"] = AwsSettings.TemporaryAccessKeyId,
            ["SecretAccessKey"] = AwsSettings.TemporarySecretAccessKey,
            ["Token"] = AwsSettings.SessionToken,
            ["Expiration"] = expiration.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'"),
        };
        if (withCode)
        {
            document["Code"] = "Success";
            document["Type"] = "AWS-HMAC";
        }

        return document;
    }
}
