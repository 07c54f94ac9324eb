using StsPowerShell.Core.Http;

namespace StsPowerShell.Tests.Core;

public class EndpointPolicyTests
{
    [Theory]
    [InlineData("https://sts.googleapis.com/v1/token")]
    [InlineData("http://127.0.0.1:8080/v1/token")]
    [InlineData("http://[::1]:8080/v1/token")]
    [InlineData("http://localhost/v1/token")]
    [InlineData("http://127.10.0.1/v1/token")]
    public void AllowsHttpsAndLoopbackHttp(string endpoint)
    {
        Assert.Equal(new Uri(endpoint), EndpointPolicy.Parse(endpoint, "TokenEndpoint"));
    }

    [Theory]
    [InlineData("http://sts.googleapis.com/v1/token", "only over https")]
    [InlineData("http://169.254.169.254/latest", "only over https")]
    [InlineData("ftp://example.com/token", "only over https")]
    [InlineData("https://user:pass@example.com/token", "user information")]
    [InlineData("https://example.com/token#x", "fragment")]
    [InlineData("sts.googleapis.com/v1/token", "not an absolute URL")]
    [InlineData("", "not an absolute URL")]
    public void RefusesOthersNamingTheParameter(string endpoint, string reason)
    {
        var error = Assert.Throws<ArgumentException>(() => EndpointPolicy.Parse(endpoint, "TokenEndpoint"));
        Assert.Equal("TokenEndpoint", error.ParamName);
        Assert.Contains(reason, error.Message);
        Assert.DoesNotContain("pass@", error.Message);
    }
}
