using System;
using System.Management.Automation;
using StsPowerShell.Core;
using StsPowerShell.Core.Aws;
using StsPowerShell.Core.Exchange;
using StsPowerShell.Core.Google;
using StsPowerShell.Core.Oidc;
using StsPowerShell.Core.Http;
using StsPowerShell.Core.Http.Proxies;

namespace StsPowerShell.Pipeline
{
    /// <summary>
    /// The ErrorId and ErrorCategory of each failure, and its error record.
    /// OAuth errors get one ErrorId per error code, so scripts can catch exactly the one they handle.
    /// </summary>
    internal static class ErrorClassifier
    {
        /// <summary>The error record for <paramref name="error"/>, about <paramref name="target"/>.</summary>
        public static ErrorRecord ToRecord(Exception error, object? target)
        {
            var (errorId, category) = Classify(error);
            return new ErrorRecord(error, errorId, category, target);
        }

        public static (string ErrorId, ErrorCategory Category) Classify(Exception error)
        {
            switch (error)
            {
                case StsOAuthException oauth when oauth.Error != null:
                    return ("StsOAuthError." + ServerText.IdPart(oauth.Error), OAuthCategory(oauth.Error));
                case StsOAuthException http:
                    return ("StsHttpError." + http.StatusCode, http.StatusCode >= 500 || http.StatusCode == 429 ? ErrorCategory.ResourceUnavailable : ErrorCategory.ProtocolError);
                case GoogleApiException google:
                    return (google.Status == null ? "GoogleApiHttpError." + google.StatusCode : "GoogleApiError." + ServerText.IdPart(google.Status), GoogleCategory(google.Status, google.StatusCode));
                case IdTokenUnavailableException unavailable:
                    return ("IdTokenUnavailable." + ServerText.IdPart(unavailable.Source), unavailable.StatusCode switch
                    {
                        null => ErrorCategory.ObjectNotFound,
                        401 or 403 => ErrorCategory.AuthenticationError,
                        404 or 400 => ErrorCategory.ObjectNotFound,
                        _ => ErrorCategory.ResourceUnavailable,
                    });
                case ExternalAccountConfigurationException _:
                    return ("ExternalAccountConfigurationInvalid", ErrorCategory.InvalidData);
                case SubjectTokenSourceException source:
                    return ("SubjectTokenUnavailable." + ServerText.IdPart(source.Kind), ErrorCategory.ResourceUnavailable);
                case AwsDiscoveryException discovery:
                    return (discovery.Target == AwsDiscoveryTarget.Region ? "AwsRegionNotFound" : "AwsCredentialsNotFound", ErrorCategory.ObjectNotFound);
                case UnusableInputException _:
                    return ("UnusableInput", ErrorCategory.InvalidData);
                case ProxyAuthenticationException _:
                    return ("ProxyAuthenticationRequired", ErrorCategory.AuthenticationError);
                case ProxyConfigurationException configuration:
                    return ("ProxyConfigurationInvalid." + ServerText.IdPart(configuration.Variable), ErrorCategory.InvalidArgument);
                case StsTimeoutException _:
                    return ("StsTimeout", ErrorCategory.OperationTimeout);
                case StsConnectionException _:
                    return ("StsConnectionFailed", ErrorCategory.ConnectionError);
                case StsResponseException _:
                    return ("StsInvalidResponse", ErrorCategory.InvalidResult);
                case Core.Certificates.CertificateUnusableException certificate:
                    return ("Certificate" + certificate.Problem + "." + ServerText.IdPart(certificate.ParamName ?? "Unknown"),
                        certificate.Problem == Core.Certificates.CertificateProblem.KeyNotReadable ? ErrorCategory.PermissionDenied : ErrorCategory.InvalidArgument);
                case ArgumentException argument:
                    return ("InvalidParameter." + ServerText.IdPart(argument.ParamName ?? "Unknown"), ErrorCategory.InvalidArgument);
                default:
                    return ("StsUnexpectedError", ErrorCategory.NotSpecified);
            }
        }

        // google.rpc.Code names, as the IAM Credentials API sends them.
        private static ErrorCategory GoogleCategory(string? status, int statusCode)
        {
            switch (status)
            {
                case "PERMISSION_DENIED":
                    return ErrorCategory.PermissionDenied;
                case "UNAUTHENTICATED":
                    return ErrorCategory.AuthenticationError;
                case "NOT_FOUND":
                    return ErrorCategory.ObjectNotFound;
                case "INVALID_ARGUMENT":
                case "FAILED_PRECONDITION":
                    return ErrorCategory.InvalidArgument;
                case "RESOURCE_EXHAUSTED":
                    return ErrorCategory.QuotaExceeded;
                case "UNAVAILABLE":
                    return ErrorCategory.ResourceUnavailable;
                default:
                    return statusCode >= 500 ? ErrorCategory.ResourceUnavailable : ErrorCategory.ProtocolError;
            }
        }

        // RFC 6749 §5.2 and RFC 8693 §2.2.2 codes; anything else a server invents is a protocol error.
        private static ErrorCategory OAuthCategory(string error)
        {
            switch (error)
            {
                case "invalid_request":
                case "invalid_scope":
                case "invalid_target":
                case "unsupported_grant_type":
                    return ErrorCategory.InvalidArgument;
                case "invalid_client":
                case "invalid_grant":
                    return ErrorCategory.AuthenticationError;
                case "unauthorized_client":
                case "access_denied":
                case "PERMISSION_DENIED":
                    return ErrorCategory.PermissionDenied;
                case "temporarily_unavailable":
                case "server_error":
                    return ErrorCategory.ResourceUnavailable;
                default:
                    return ErrorCategory.ProtocolError;
            }
        }
    }
}
