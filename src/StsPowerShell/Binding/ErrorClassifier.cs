using System;
using StsPowerShell.Core;
using StsPowerShell.Core.Aws;
using StsPowerShell.Core.Exchange;
using StsPowerShell.Core.Google;
using StsPowerShell.Core.Oidc;
using StsPowerShell.Core.Http;

namespace StsPowerShell.Binding
{
    /// <summary>
    /// The ErrorId and ErrorCategory (by name, so this stays testable without PowerShell) for each failure.
    /// OAuth errors get one ErrorId per error code, so scripts can catch exactly the one they handle.
    /// </summary>
    internal static class ErrorClassifier
    {
        public static (string ErrorId, string Category) Classify(Exception error)
        {
            switch (error)
            {
                case StsOAuthException oauth when oauth.Error != null:
                    return ("StsOAuthError." + oauth.Error, OAuthCategory(oauth.Error));
                case StsOAuthException http:
                    return ("StsHttpError." + http.StatusCode, http.StatusCode >= 500 || http.StatusCode == 429 ? "ResourceUnavailable" : "ProtocolError");
                case GoogleApiException google:
                    return (google.Status == null ? "GoogleApiHttpError." + google.StatusCode : "GoogleApiError." + google.Status, GoogleCategory(google.Status, google.StatusCode));
                case IdTokenUnavailableException unavailable:
                    return ("IdTokenUnavailable." + unavailable.Source, unavailable.StatusCode switch
                    {
                        null => "ObjectNotFound",
                        401 or 403 => "AuthenticationError",
                        404 or 400 => "ObjectNotFound",
                        _ => "ResourceUnavailable",
                    });
                case ExternalAccountConfigurationException _:
                    return ("ExternalAccountConfigurationInvalid", "InvalidData");
                case SubjectTokenSourceException source:
                    return ("SubjectTokenUnavailable." + source.Kind, "ResourceUnavailable");
                case AwsDiscoveryException discovery:
                    return (discovery.Target == AwsDiscoveryTarget.Region ? "AwsRegionNotFound" : "AwsCredentialsNotFound", "ObjectNotFound");
                case UnusableInputException _:
                    return ("UnusableInput", "InvalidData");
                case StsTimeoutException _:
                    return ("StsTimeout", "OperationTimeout");
                case StsConnectionException _:
                    return ("StsConnectionFailed", "ConnectionError");
                case StsResponseException _:
                    return ("StsInvalidResponse", "InvalidResult");
                case ArgumentException argument:
                    return ("InvalidParameter." + (argument.ParamName ?? "Unknown"), "InvalidArgument");
                default:
                    return ("StsUnexpectedError", "NotSpecified");
            }
        }

        // google.rpc.Code names, as the IAM Credentials API sends them.
        private static string GoogleCategory(string? status, int statusCode)
        {
            switch (status)
            {
                case "PERMISSION_DENIED":
                    return "PermissionDenied";
                case "UNAUTHENTICATED":
                    return "AuthenticationError";
                case "NOT_FOUND":
                    return "ObjectNotFound";
                case "INVALID_ARGUMENT":
                case "FAILED_PRECONDITION":
                    return "InvalidArgument";
                case "RESOURCE_EXHAUSTED":
                    return "QuotaExceeded";
                case "UNAVAILABLE":
                    return "ResourceUnavailable";
                default:
                    return statusCode >= 500 ? "ResourceUnavailable" : "ProtocolError";
            }
        }

        // RFC 6749 §5.2 and RFC 8693 §2.2.2 codes; anything else a server invents is a protocol error.
        private static string OAuthCategory(string error)
        {
            switch (error)
            {
                case "invalid_request":
                case "invalid_scope":
                case "invalid_target":
                case "unsupported_grant_type":
                    return "InvalidArgument";
                case "invalid_client":
                case "invalid_grant":
                    return "AuthenticationError";
                case "unauthorized_client":
                case "access_denied":
                case "PERMISSION_DENIED":
                    return "PermissionDenied";
                case "temporarily_unavailable":
                case "server_error":
                    return "ResourceUnavailable";
                default:
                    return "ProtocolError";
            }
        }
    }
}
