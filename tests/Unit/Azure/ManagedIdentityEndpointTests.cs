using StsPowerShell.Core.Azure;
using StsPowerShell.Core.Oidc;

namespace StsPowerShell.Tests.Azure;

/// <summary>Which identity endpoint is chosen, in MSAL's order, from the environment alone.</summary>
public class ManagedIdentityEndpointTests
{
    private static ManagedIdentityEndpoint Find(ManagedIdentitySource source, Dictionary<string, string?> environment, bool himds = false) =>
        ManagedIdentityEndpoint.Find(source, new Dictionary<string, string?>(environment, StringComparer.OrdinalIgnoreCase), _ => himds);

    private static readonly Dictionary<string, string?> Everything = new()
    {
        ["IDENTITY_ENDPOINT"] = "https://127.0.0.1:2377/metadata/identity/oauth2/token",
        ["IDENTITY_HEADER"] = "header-secret",
        ["IDENTITY_SERVER_THUMBPRINT"] = "AB CD EF",
        ["MSI_ENDPOINT"] = "http://localhost:50342/oauth2/token",
        ["IMDS_ENDPOINT"] = "http://localhost:40342",
        ["AZURE_POD_IDENTITY_AUTHORITY_HOST"] = "http://127.0.0.1:9999",
    };

    [Fact]
    public void AutoFollowsMsalsOrder()
    {
        var environment = new Dictionary<string, string?>(Everything);
        Assert.Equal(ManagedIdentitySource.ServiceFabric, Find(ManagedIdentitySource.Auto, environment).Source);

        environment.Remove("IDENTITY_SERVER_THUMBPRINT");
        var appService = Find(ManagedIdentitySource.Auto, environment);
        Assert.Equal(ManagedIdentitySource.AppService, appService.Source);
        Assert.Equal("IDENTITY_ENDPOINT and IDENTITY_HEADER are set", appService.Reason);

        environment.Remove("IDENTITY_HEADER");
        Assert.Equal(ManagedIdentitySource.CloudShell, Find(ManagedIdentitySource.Auto, environment).Source);

        environment.Remove("MSI_ENDPOINT");
        Assert.Equal(ManagedIdentitySource.AzureArc, Find(ManagedIdentitySource.Auto, environment).Source);

        environment.Remove("IMDS_ENDPOINT");
        var imds = Find(ManagedIdentitySource.Auto, environment);
        Assert.Equal(ManagedIdentitySource.Imds, imds.Source);
        Assert.Equal(new Uri("http://127.0.0.1:9999/metadata/identity/oauth2/token"), imds.Uri);
    }

    [Fact]
    public void TheArcAgentsProgramMeansArcAtItsDefaultEndpoint()
    {
        var asked = new List<string>();
        var arc = ManagedIdentityEndpoint.Find(ManagedIdentitySource.Auto, new Dictionary<string, string?> { ["ProgramFiles"] = @"C:\Program Files" }, path =>
        {
            asked.Add(path);
            return true;
        });

        Assert.Equal(ManagedIdentitySource.AzureArc, arc.Source);
        Assert.Equal(new Uri("http://localhost:40342/metadata/identity/oauth2/token"), arc.Uri);
        var himds = OperatingSystem.IsWindows() ? @"C:\Program Files\AzureConnectedMachineAgent\himds.exe" : "/opt/azcmagent/bin/himds";
        Assert.Equal(new[] { himds }, asked);
        Assert.Contains(himds, arc.Reason);
    }

    [Fact]
    public void WithNothingSetItIsTheVmMetadataService()
    {
        var imds = Find(ManagedIdentitySource.Auto, new());
        Assert.Equal(ManagedIdentitySource.Imds, imds.Source);
        Assert.Equal(new Uri("http://169.254.169.254/metadata/identity/oauth2/token"), imds.Uri);
    }

    [Theory]
    [InlineData(ManagedIdentitySource.ServiceFabric, "IDENTITY_SERVER_THUMBPRINT")]
    [InlineData(ManagedIdentitySource.AppService, "IDENTITY_HEADER")]
    [InlineData(ManagedIdentitySource.CloudShell, "MSI_ENDPOINT")]
    public void AnExplicitSourceNamesTheMissingVariable(ManagedIdentitySource source, string missing)
    {
        var environment = new Dictionary<string, string?>(Everything);
        environment.Remove(missing);
        var error = Assert.Throws<IdTokenUnavailableException>(() => Find(source, environment));
        Assert.Equal(source.ToString(), error.Source);
        Assert.StartsWith(missing + " is not set", error.Message);
    }

    [Theory]
    [InlineData("http://10.0.0.4:2377/token")]
    [InlineData("ftp://localhost/token")]
    [InlineData("http://user:pw@localhost:41000/msi/token")]
    [InlineData("not a url")]
    public void AnEndpointThatIsNotLocalOverHttpIsRefused(string value)
    {
        var error = Assert.Throws<ArgumentException>(() => Find(ManagedIdentitySource.Auto, new() { ["IDENTITY_ENDPOINT"] = value, ["IDENTITY_HEADER"] = "h" }));
        Assert.Equal("IDENTITY_ENDPOINT", error.ParamName);
        Assert.DoesNotContain("pw", error.Message);
    }

    [Fact]
    public void TheServiceFabricThumbprintLosesItsSpaces()
    {
        var serviceFabric = Find(ManagedIdentitySource.Auto, Everything);
        Assert.Equal("ABCDEF", serviceFabric.Thumbprint);
        Assert.Equal("header-secret", serviceFabric.Secret);
    }

    [Theory]
    [InlineData("//iam.googleapis.com/projects/1/locations/global/workloadIdentityPools/p/providers/q", "https://iam.googleapis.com/projects/1/locations/global/workloadIdentityPools/p/providers/q")]
    public void TheGoogleProvidersDefaultAudienceIsTheResource(string audience, string resource)
    {
        Assert.Equal(resource, ManagedIdentityClient.ResourceForGoogleProvider(audience));
    }

    [Theory]
    [InlineData("https://iam.googleapis.com/projects/1")]
    [InlineData("//iam.googleapis.com/")]
    [InlineData("projects/1/locations/global/workloadIdentityPools/p/providers/q")]
    public void AnAudienceThatIsNoProviderIsRefused(string audience)
    {
        Assert.Equal("Audience", Assert.Throws<ArgumentException>(() => ManagedIdentityClient.ResourceForGoogleProvider(audience)).ParamName);
    }

    [Theory]
    [InlineData("0F8FAD5B-D9CB-469F-A165-70867728950E", "0f8fad5b-d9cb-469f-a165-70867728950e")]
    public void IdsAreNormalised(string given, string expected)
    {
        Assert.Equal(expected, ManagedIdentityId.FromClientId(given).Value);
        Assert.Equal("ClientId", Assert.Throws<ArgumentException>(() => ManagedIdentityId.FromClientId("nope")).ParamName);
        Assert.Equal("ObjectId", Assert.Throws<ArgumentException>(() => ManagedIdentityId.FromObjectId("nope")).ParamName);
        Assert.Equal("ResourceId", Assert.Throws<ArgumentException>(() => ManagedIdentityId.FromResourceId("/subscriptions/x/resourceGroups/y")).ParamName);
    }
}
