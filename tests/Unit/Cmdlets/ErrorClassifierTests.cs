using System.Reflection;
using StsEmulator;
using StsEmulator.Faults;
using StsPowerShell.Pipeline;
using StsPowerShell.Core.Exchange;
using StsPowerShell.Core.Http;
using StsPowerShell.Tests.Support;

namespace StsPowerShell.Tests.Cmdlets;

public class ErrorClassifierTests
{
    private static (string, string) Classified(Exception error)
    {
        var (errorId, category) = ErrorClassifier.Classify(error);
        return (errorId, category.ToString());
    }

    // System.Management.Automation.ErrorCategory in Windows PowerShell 5.1 and PowerShell 7.
    private static readonly string[] ErrorCategoryNames =
    {
        "NotSpecified", "OpenError", "CloseError", "DeviceError", "DeadlockDetected", "InvalidArgument", "InvalidData",
        "InvalidOperation", "InvalidResult", "InvalidType", "MetadataError", "NotImplemented", "NotInstalled",
        "ObjectNotFound", "OperationStopped", "OperationTimeout", "SyntaxError", "ParserError", "PermissionDenied",
        "ResourceBusy", "ResourceExists", "ResourceUnavailable", "ReadError", "WriteError", "FromStdErr",
        "SecurityError", "ProtocolError", "ConnectionError", "AuthenticationError", "LimitsExceeded", "QuotaExceeded", "NotEnabled",
    };

    [Theory]
    [InlineData("{\"error\":\"invalid_grant\"}", 400, "StsOAuthError.invalid_grant", "AuthenticationError")]
    [InlineData("{\"error\":\"invalid_target\"}", 400, "StsOAuthError.invalid_target", "InvalidArgument")]
    [InlineData("{\"error\":\"invalid_request\"}", 400, "StsOAuthError.invalid_request", "InvalidArgument")]
    [InlineData("{\"error\":\"invalid_scope\"}", 400, "StsOAuthError.invalid_scope", "InvalidArgument")]
    [InlineData("{\"error\":\"unsupported_grant_type\"}", 400, "StsOAuthError.unsupported_grant_type", "InvalidArgument")]
    [InlineData("{\"error\":\"invalid_client\"}", 401, "StsOAuthError.invalid_client", "AuthenticationError")]
    [InlineData("{\"error\":\"unauthorized_client\"}", 400, "StsOAuthError.unauthorized_client", "PermissionDenied")]
    [InlineData("{\"error\":\"access_denied\"}", 403, "StsOAuthError.access_denied", "PermissionDenied")]
    [InlineData("{\"error\":\"server_error\"}", 400, "StsOAuthError.server_error", "ResourceUnavailable")]
    [InlineData("{\"error\":\"made_up\"}", 400, "StsOAuthError.made_up", "ProtocolError")]
    [InlineData("{\"error\":{\"code\":403,\"status\":\"PERMISSION_DENIED\",\"message\":\"no\"}}", 403, "StsOAuthError.PERMISSION_DENIED", "PermissionDenied")]
    [InlineData("gateway says no", 404, "StsHttpError.404", "ProtocolError")]
    public async Task OAuthErrorsGetAnErrorIdPerCode(string body, int status, string errorId, string category)
    {
        await using var emulator = await StsEmulatorHost.StartAsync();
        emulator.EnqueueFault(Fault.WithStatus(status, body));
        var client = new StsClient(emulator.TokenEndpoint, options: new TestOptions().Create(maximumRetryCount: 0));
        var error = await Assert.ThrowsAsync<StsOAuthException>(() => client.ExchangeTokenAsync(Exchanges.Jwt("subject-token-value")));

        Assert.Equal((errorId, category), Classified(error));
    }

    [Fact]
    public void OtherFailuresHaveTheirOwnIds()
    {
        Assert.Equal(("StsTimeout", "OperationTimeout"), Classified(new StsTimeoutException("t", TimeSpan.FromSeconds(1))));
        Assert.Equal(("StsConnectionFailed", "ConnectionError"), Classified(new StsConnectionException("c")));
        Assert.Equal(("StsInvalidResponse", "InvalidResult"), Classified(new StsResponseException("r", 200)));
        Assert.Equal(("InvalidParameter.Scope", "InvalidArgument"), Classified(new ArgumentException("x", "Scope")));
        Assert.Equal(("StsUnexpectedError", "NotSpecified"), Classified(new InvalidOperationException()));
        Assert.Equal(("IdTokenUnavailable.AzurePipelines", "ObjectNotFound"), Classified(new StsPowerShell.Core.Oidc.IdTokenUnavailableException("AzurePipelines", "m")));
        Assert.Equal(("IdTokenUnavailable.GitHubActions", "AuthenticationError"), Classified(new StsPowerShell.Core.Oidc.IdTokenUnavailableException("GitHubActions", "m", 403)));
        Assert.Equal(("ExternalAccountConfigurationInvalid", "InvalidData"), Classified(new StsPowerShell.Core.Google.ExternalAccountConfigurationException("/c.json", "audience", "is required.")));
        Assert.Equal(("SubjectTokenUnavailable.executable", "ResourceUnavailable"), Classified(new StsPowerShell.Core.Google.SubjectTokenSourceException("executable", "m")));
        Assert.Equal(("UnusableInput", "InvalidData"), Classified(new StsPowerShell.Core.UnusableInputException("m")));
        Assert.Equal(("AwsRegionNotFound", "ObjectNotFound"), Classified(new StsPowerShell.Core.Aws.AwsDiscoveryException(StsPowerShell.Core.Aws.AwsDiscoveryTarget.Region, "m", Array.Empty<string>())));
    }

    [Fact]
    public void EveryCategoryNameExistsInPowerShell()
    {
        // The module compiles against Windows PowerShell 5.1's API; this keeps the list above honest too.
        var source = File.ReadAllText(Path.Combine(RepositoryPaths.Root, "src/StsPowerShell/Pipeline/ErrorClassifier.cs"));
        var used = System.Text.RegularExpressions.Regex.Matches(source, @"ErrorCategory\.([A-Za-z]+)")
            .Select(m => m.Groups[1].Value)
            .Distinct()
            .ToList();
        Assert.NotEmpty(used);
        Assert.All(used, name => Assert.Contains(name, ErrorCategoryNames));
    }
}
