namespace StsPowerShell.Core.Azure
{
    /// <summary>Where an Azure managed identity's token comes from: the hosting environment's identity endpoint.</summary>
    public enum ManagedIdentitySource
    {
        /// <summary>Detected from the environment, in the order Microsoft's own libraries (MSAL) use.</summary>
        Auto,

        /// <summary>The Azure instance metadata service of a VM or scale set (169.254.169.254).</summary>
        Imds,

        /// <summary>App Service, Functions, Container Apps and Azure Automation: IDENTITY_ENDPOINT with IDENTITY_HEADER.</summary>
        AppService,

        /// <summary>An Azure Arc-enabled server's Hybrid Instance Metadata Service, with its key-file challenge.</summary>
        AzureArc,

        /// <summary>Azure Cloud Shell: MSI_ENDPOINT.</summary>
        CloudShell,

        /// <summary>Service Fabric: IDENTITY_ENDPOINT, IDENTITY_HEADER and IDENTITY_SERVER_THUMBPRINT.</summary>
        ServiceFabric,
    }
}
