namespace StsPowerShell.Core.Google
{
    /// <summary>Facts about Google's Security Token Service.</summary>
    public static class GoogleSts
    {
        /// <summary>The token endpoint of Google's STS.</summary>
        public const string DefaultTokenEndpoint = "https://sts.googleapis.com/v1/token";

        /// <summary>The scope that lets a federated token call any Google Cloud API the principal may use.</summary>
        public const string CloudPlatformScope = "https://www.googleapis.com/auth/cloud-platform";
    }
}
