using StsEmulator;
using StsPowerShell.Core.Exchange;

namespace StsPowerShell.Tests.Support;

/// <summary>Requests the emulator accepts, to vary one field at a time.</summary>
public static class Exchanges
{
    public const string CloudPlatform = "https://www.googleapis.com/auth/cloud-platform";

    /// <summary>A JWT exchange for <paramref name="audience"/>, changed by <paramref name="change"/> before it is built.</summary>
    public static TokenExchangeRequest Jwt(string subjectToken, string audience = EmulatorState.WorkloadProvider, Action<TokenExchangeRequestBuilder>? change = null)
    {
        var request = JwtBuilder(subjectToken, audience);
        change?.Invoke(request);
        return request.Build();
    }

    /// <summary>The builder of <see cref="Jwt"/>.</summary>
    public static TokenExchangeRequestBuilder JwtBuilder(string subjectToken, string audience = EmulatorState.WorkloadProvider)
    {
        var request = new TokenExchangeRequestBuilder
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

/// <summary>Small changes to a builder inline.</summary>
public static class BuilderExtensions
{
    public static TokenExchangeRequestBuilder With(this TokenExchangeRequestBuilder builder, Action<TokenExchangeRequestBuilder> change)
    {
        change(builder);
        return builder;
    }
}
