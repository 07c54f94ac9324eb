using System.Net;
using StsPowerShell.Core.Http;

namespace StsPowerShell.Tests.Core;

/// <summary>When the module asks for TLS 1.2 on its own handler: on .NET Framework only, and only when the process would offer less.</summary>
public class SharedHttpClientTests
{
    [Theory]
    [InlineData(".NET Framework 4.8.9232.0", SecurityProtocolType.Tls, true)]
    [InlineData(".NET Framework 4.8.9232.0", SecurityProtocolType.Tls | SecurityProtocolType.Tls11, true)]
    [InlineData(".NET Framework 4.8.9232.0", SecurityProtocolType.Tls12, false)]
    [InlineData(".NET Framework 4.8.9232.0", SecurityProtocolType.Tls | SecurityProtocolType.Tls12, false)]
    [InlineData(".NET Framework 4.8.9232.0", SecurityProtocolType.SystemDefault, false)]
    [InlineData(".NET 8.0.11", SecurityProtocolType.Tls, false)]
    [InlineData(".NET 10.0.0", SecurityProtocolType.SystemDefault, false)]
    public void AsksForTls12OnlyWhenWindowsPowerShellWouldOfferLess(string framework, SecurityProtocolType process, bool expected)
    {
        Assert.Equal(expected, SharedHttpClient.NeedsTls12(framework, process));
    }
}
