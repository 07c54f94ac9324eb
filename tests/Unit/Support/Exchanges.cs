using StsEmulator;
using StsPowerShell.Core.Exchange;

namespace StsPowerShell.Tests.Support;

/// <summary>Requests the emulator accepts, to vary one field at a time.</summary>
public static class Exchanges
{
    public const string CloudPlatform = "https://www.googleapis.com/auth/cloud-platform";

    public static TokenExchangeRequest Jwt(string subjectToken, string audience = EmulatorState.WorkloadProvider)
    {
        var request = new TokenExchangeRequest
        {
            SubjectToken = subjectToken,
            SubjectTokenType = TokenTypes.Jwt,
            RequestedTokenType = TokenTypes.AccessToken,
        };
        request.Audiences.Add(audience);
        request.Scopes.Add(CloudPlatform);
        return request;
    }
}
