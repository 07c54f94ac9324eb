using System.Net;
using StsPowerShell.Core.Http.Proxies;

namespace StsPowerShell.Tests.Core.Proxies;

/// <summary>The proxy decision for each request: a pure function of the target, the parameters and the environment.</summary>
public class ProxySelectorTests
{
    private static readonly Uri Sts = new("https://sts.googleapis.com/v1/token");

    private static ProxySettings Settings(Dictionary<string, string>? environment = null, string? proxy = null, NetworkCredential? credential = null, bool useDefault = false, bool noProxy = false)
    {
        environment ??= new Dictionary<string, string>();
        return new ProxySettings(proxy, credential, useDefault, noProxy, name => environment.TryGetValue(name, out var value) ? value : null);
    }

    private static ProxyRoute Select(string target, Dictionary<string, string>? environment = null, string? proxy = null, bool identityEndpoint = false) =>
        ProxySelector.Select(new Uri(target), Settings(environment, proxy), identityEndpoint);

    [Fact]
    public void WithoutParametersOrVariablesTheSystemSettingsDecideAndLoopbackIsDirect()
    {
        Assert.Equal(ProxyRouteKind.System, Select(Sts.AbsoluteUri).Kind);
        var loopback = Select("http://127.0.0.1:8080/v1/token");
        Assert.Equal(ProxyRouteKind.Direct, loopback.Kind);
        Assert.Equal("directly (loopback address)", loopback.ToString());
    }

    [Fact]
    public void NoProxyWinsOverEverything()
    {
        var route = ProxySelector.Select(Sts, Settings(new() { ["HTTPS_PROXY"] = "http://proxy:3128", ["TF_BUILD"] = "True", ["AGENT_PROXYURL"] = "http://agent:8888" }, noProxy: true), false);
        Assert.Equal(ProxyRouteKind.Direct, route.Kind);
        Assert.Equal("NoProxy", route.Reason);
    }

    [Theory]
    [InlineData("http://169.254.169.254/latest/api/token")]
    [InlineData("http://169.254.170.2/v2/credentials/abc")]
    [InlineData("http://[fd00:ec2::254]/latest/meta-data/")]
    [InlineData("http://localhost:40342/metadata/identity/oauth2/token")]
    [InlineData("http://127.0.0.1:40342/metadata/identity/oauth2/token")]
    [InlineData("http://127.0.0.1:41000/msi/token")]
    public void MetadataAndIdentityEndpointsAreNeverProxiedEvenWithAProxyParameter(string target)
    {
        var environment = new Dictionary<string, string> { ["HTTPS_PROXY"] = "http://proxy:3128", ["HTTP_PROXY"] = "http://proxy:3128", ["IDENTITY_ENDPOINT"] = "http://127.0.0.1:41000/msi/token" };
        var route = ProxySelector.Select(new Uri(target), Settings(environment, "http://proxy:3128"), false);
        Assert.Equal(ProxyRouteKind.Direct, route.Kind);
        Assert.Equal("cloud metadata or local identity endpoint", route.Reason);
    }

    [Fact]
    public void ACallerMarkedAsIdentityEndpointIsDirectWhereverItPoints()
    {
        var route = Select("http://127.0.0.1:9999/latest/meta-data/", proxy: "http://proxy:3128", identityEndpoint: true);
        Assert.Equal(ProxyRouteKind.Direct, route.Kind);
    }

    [Fact]
    public void TheProxyParameterTakesLoopbackToo()
    {
        var route = Select("https://127.0.0.1:8443/v1/token", new() { ["NO_PROXY"] = "*" }, "http://proxy:3128");
        Assert.Equal(ProxyRouteKind.Proxy, route.Kind);
        Assert.Equal(new Uri("http://proxy:3128"), route.Proxy);
        Assert.Equal("through proxy http://proxy:3128 (Proxy parameter)", route.ToString());
        Assert.Equal(ProxyRouteKind.Proxy, Select("http://127.0.0.1:8080/v1/token", proxy: "http://127.0.0.1:3128").Kind);
    }

    [Fact]
    public void PlainHttpToLoopbackNeverCrossesTheNetworkToAProxyElsewhere()
    {
        var error = Assert.Throws<ArgumentException>(() => Select("http://127.0.0.1:8080/v1/token", proxy: "http://proxy.corp:3128"));
        Assert.Equal("Proxy", error.ParamName);
        Assert.Contains("unencrypted", error.Message);
    }

    [Fact]
    public void AnUnusableVariableDoesNotStopARequestItWouldNotCarry()
    {
        Assert.Equal("NO_PROXY entry 'sts.example'", Select("https://sts.example/v1/token", new() { ["HTTPS_PROXY"] = "socks5://proxy:1080", ["NO_PROXY"] = "sts.example" }).Reason);
        Assert.Equal("loopback address", Select("https://127.0.0.1/v1/token", new() { ["ALL_PROXY"] = "socks5://proxy:1080" }).Reason);
        var error = Assert.Throws<ProxyConfigurationException>(() => Select(Sts.AbsoluteUri, new() { ["HTTPS_PROXY"] = "socks5://proxy:1080" }));
        Assert.Contains("-Proxy or -NoProxy", error.Message);
    }

    [Theory]
    [InlineData("http://[::ffff:169.254.169.254]/latest/meta-data/")]
    [InlineData("http://[fd00:ec2::23]/v1/credentials")]
    public void MoreMetadataAddressesAreDirect(string target)
    {
        Assert.Equal(ProxyRouteKind.Direct, Select(target, proxy: "http://127.0.0.1:3128").Kind);
    }

    [Fact]
    public void CredentialsInTheProxyUrlAndTheAccountsOwnAreRefusedTogether()
    {
        var error = Assert.Throws<ArgumentException>(() => new ProxySettings("http://user:pw@proxy:3128", proxyUseDefaultCredentials: true));
        Assert.Equal("ProxyUseDefaultCredentials", error.ParamName);
        Assert.DoesNotContain("pw@", error.Message);
        Assert.Equal("Proxy", Assert.Throws<ArgumentException>(() => new ProxySettings("http://proxy:0")).ParamName);
    }

    [Fact]
    public void AnUnparseableProxyIsRefusedWithoutItsCredentials()
    {
        var error = Assert.Throws<ArgumentException>(() => new ProxySettings("http://user:p@ss:w/rd#?@proxy:3128"));
        Assert.Equal("Proxy", error.ParamName);
        Assert.DoesNotContain("p@ss", error.Message);
        Assert.DoesNotContain("w/rd", error.Message);
    }

    [Fact]
    public void CredentialsInAProxyUrlAreUsedButNeverShown()
    {
        var route = Select(Sts.AbsoluteUri, new() { ["HTTPS_PROXY"] = "http://svc%40corp:p%3Ass@proxy.corp:8080" });
        Assert.Equal(ProxyRouteKind.Proxy, route.Kind);
        Assert.Equal(new Uri("http://proxy.corp:8080"), route.Proxy);
        Assert.Equal("svc@corp", route.Credential!.UserName);
        Assert.Equal("p:ss", route.Credential.Password);
        Assert.DoesNotContain("p:ss", route.ToString());
        Assert.DoesNotContain("p%3Ass", route.ToString());
        Assert.DoesNotContain("p:ss", route.ClientKey);
    }

    [Fact]
    public void TheProxyCredentialParameterWinsOverCredentialsInTheUrl()
    {
        var route = ProxySelector.Select(Sts, Settings(new() { ["HTTPS_PROXY"] = "http://url:user@proxy:3128" }, credential: new NetworkCredential("given", "secret")), false);
        Assert.Equal("given", route.Credential!.UserName);
    }

    [Theory]
    [InlineData("https_proxy", "https://sts.example/v1/token", "https_proxy")]
    [InlineData("HTTPS_PROXY", "https://sts.example/v1/token", "HTTPS_PROXY")]
    [InlineData("all_proxy", "https://sts.example/v1/token", "all_proxy")]
    [InlineData("ALL_PROXY", "https://sts.example/v1/token", "ALL_PROXY")]
    public void EachProxyVariableIsRead(string variable, string target, string reason)
    {
        var route = Select(target, new() { [variable] = "proxy:3128" });
        Assert.Equal(new Uri("http://proxy:3128"), route.Proxy);
        Assert.Equal(reason, route.Reason);
    }

    [Fact]
    public void TheLowerCaseNameComesFirstAndTheSchemeSpecificVariableBeforeAllProxy()
    {
        var environment = new Dictionary<string, string> { ["https_proxy"] = "http://lower:1", ["HTTPS_PROXY"] = "http://upper:2", ["ALL_PROXY"] = "http://all:3", ["HTTP_PROXY"] = "http://plain:4" };
        Assert.Equal(new Uri("http://lower:1"), Select(Sts.AbsoluteUri, environment).Proxy);
        environment.Remove("https_proxy");
        Assert.Equal(new Uri("http://upper:2"), Select(Sts.AbsoluteUri, environment).Proxy);
        environment.Remove("HTTPS_PROXY");
        Assert.Equal(new Uri("http://all:3"), Select(Sts.AbsoluteUri, environment).Proxy);
    }

    [Fact]
    public void AProxyVariableLeavesLoopbackDirect()
    {
        var route = Select("http://127.0.0.1:8080/v1/token", new() { ["HTTP_PROXY"] = "http://proxy:3128", ["ALL_PROXY"] = "http://proxy:3128" });
        Assert.Equal("directly (loopback address)", route.ToString());
    }

    [Theory]
    [InlineData("*", "https://sts.googleapis.com/v1/token", "*")]
    [InlineData("googleapis.com", "https://sts.googleapis.com/v1/token", "googleapis.com")]
    [InlineData(".googleapis.com", "https://sts.googleapis.com/v1/token", ".googleapis.com")]
    [InlineData("*.googleapis.com", "https://sts.googleapis.com/v1/token", "*.googleapis.com")]
    [InlineData("example.org, sts.googleapis.com", "https://STS.googleapis.com/v1/token", "sts.googleapis.com")]
    [InlineData("example.org sts.googleapis.com:443", "https://sts.googleapis.com/v1/token", "sts.googleapis.com:443")]
    [InlineData("10.0.0.0/8", "https://10.1.2.3/v1/token", "10.0.0.0/8")]
    [InlineData("10.1.2.3", "https://10.1.2.3:8443/v1/token", "10.1.2.3")]
    [InlineData("10.1.2.3:8443", "https://10.1.2.3:8443/v1/token", "10.1.2.3:8443")]
    [InlineData("fd12::/16", "https://[fd12::5]/v1/token", "fd12::/16")]
    [InlineData("[fd12::5]:8443", "https://[fd12::5]:8443/v1/token", "[fd12::5]:8443")]
    [InlineData("127.0.0.1", "http://127.0.0.1:8080/v1/token", "127.0.0.1")]
    [InlineData("sts.example.", "https://sts.example/v1/token", "sts.example.")]
    [InlineData("sts.example", "https://sts.example./v1/token", "sts.example")]
    public void NoProxyEntriesCover(string noProxy, string target, string entry)
    {
        var route = Select(target, new() { ["HTTPS_PROXY"] = "http://proxy:3128", ["HTTP_PROXY"] = "http://proxy:3128", ["NO_PROXY"] = noProxy });
        Assert.Equal(ProxyRouteKind.Direct, route.Kind);
        Assert.Equal($"NO_PROXY entry '{entry}'", route.Reason);
    }

    [Theory]
    [InlineData("googleapis.com", "https://notgoogleapis.com/v1/token")]
    [InlineData("sts.googleapis.com:8443", "https://sts.googleapis.com/v1/token")]
    [InlineData("10.0.0.0/8", "https://11.1.2.3/v1/token")]
    [InlineData("10.0.0.0/8", "https://ten.example/v1/token")]
    [InlineData("fd12::/16", "https://[fd13::5]/v1/token")]
    [InlineData("bad/entry, :, [::1", "https://sts.googleapis.com/v1/token")]
    public void NoProxyEntriesDoNotCoverOthers(string noProxy, string target)
    {
        var route = Select(target, new() { ["HTTPS_PROXY"] = "http://proxy:3128", ["no_proxy"] = noProxy });
        Assert.Equal(ProxyRouteKind.Proxy, route.Kind);
    }

    [Fact]
    public void TheAzurePipelinesAgentProxyIsUsedInAPipelineWithItsCredentials()
    {
        var environment = new Dictionary<string, string>
        {
            ["TF_BUILD"] = "True",
            ["AGENT_PROXYURL"] = "http://agentproxy:8888",
            ["AGENT_PROXYUSERNAME"] = "agent",
            ["AGENT_PROXYPASSWORD"] = "agent-secret",
            ["AGENT_PROXYBYPASSLIST"] = "[\"\\\\.internal\\\\.corp$\", \"^https://bypassed\\\\.example\"]",
        };
        var route = Select(Sts.AbsoluteUri, environment);
        Assert.Equal(new Uri("http://agentproxy:8888"), route.Proxy);
        Assert.Equal("agent", route.Credential!.UserName);
        Assert.Equal("agent-secret", route.Credential.Password);
        Assert.DoesNotContain("agent-secret", route.ToString());

        Assert.Equal(@"AGENT_PROXYBYPASSLIST pattern '\.internal\.corp$'", Select("https://sts.internal.corp/v1/token", environment).Reason);
        Assert.Equal("AGENT_PROXYBYPASSLIST pattern '^https://bypassed\\.example'", Select("https://BYPASSED.example:8443/v1/token", environment).Reason);
        environment["AGENT_PROXYBYPASSLIST"] = "[\"v1\"]";
        Assert.Equal(ProxyRouteKind.Proxy, Select(Sts.AbsoluteUri, environment).Kind);
        Assert.Equal("directly (loopback address)", Select("http://127.0.0.1:8080/v1/token", environment).ToString());
    }

    [Fact]
    public void TheAgentProxyIsIgnoredOutsideAPipelineAndAfterTheProxyVariables()
    {
        Assert.Equal(ProxyRouteKind.System, Select(Sts.AbsoluteUri, new() { ["AGENT_PROXYURL"] = "http://agentproxy:8888" }).Kind);
        var both = Select(Sts.AbsoluteUri, new() { ["TF_BUILD"] = "True", ["AGENT_PROXYURL"] = "http://agentproxy:8888", ["HTTPS_PROXY"] = "http://proxy:3128" });
        Assert.Equal(new Uri("http://proxy:3128"), both.Proxy);
    }

    [Theory]
    [InlineData("HTTPS_PROXY", "socks5://user:hunter2@proxy:1080", "not a proxy URL")]
    [InlineData("HTTPS_PROXY", "http://user:hunter2@proxy:3128/path", "path, query or fragment")]
    [InlineData("HTTPS_PROXY", "http://user:hunter2@[bad", "not a proxy URL")]
    [InlineData("AGENT_PROXYBYPASSLIST", "not json hunter2", "not a JSON array")]
    [InlineData("AGENT_PROXYBYPASSLIST", "[\"(unclosed\"]", "not a regular expression")]
    public void UnusableVariablesAreNamedWithoutTheirCredentials(string variable, string value, string reason)
    {
        var environment = new Dictionary<string, string> { ["TF_BUILD"] = "True", ["AGENT_PROXYURL"] = "http://agentproxy:8888", [variable] = value };
        var error = Assert.Throws<ProxyConfigurationException>(() => Select(Sts.AbsoluteUri, environment));
        Assert.Equal(variable, error.Variable);
        Assert.Contains(variable, error.Message);
        Assert.Contains(reason, error.Message);
        Assert.DoesNotContain("hunter2", error.Message);
    }

    [Fact]
    public void ParameterCombinationsThatMeanNothingAreRefusedNamingTheParameter()
    {
        Assert.Equal("NoProxy", Assert.Throws<ArgumentException>(() => new ProxySettings("http://proxy:3128", noProxy: true)).ParamName);
        Assert.Equal("NoProxy", Assert.Throws<ArgumentException>(() => new ProxySettings(proxyUseDefaultCredentials: true, noProxy: true)).ParamName);
        Assert.Equal("ProxyCredential", Assert.Throws<ArgumentException>(() => new ProxySettings(proxyCredential: new NetworkCredential("a", "b"), proxyUseDefaultCredentials: true)).ParamName);
        var path = Assert.Throws<ArgumentException>(() => new ProxySettings("http://user:hunter2@proxy:3128/x"));
        Assert.Equal("Proxy", path.ParamName);
        Assert.DoesNotContain("hunter2", path.Message);
        Assert.Equal("Proxy", Assert.Throws<ArgumentException>(() => new ProxySettings("ftp://proxy:21")).ParamName);
    }

    [Fact]
    public void AnHttpsProxyIsAccepted()
    {
        Assert.Equal(new Uri("https://proxy:443"), new ProxySettings("https://proxy").Proxy);
    }
}
