using System;
using System.Collections.Generic;
using System.IO;
using System.Runtime.InteropServices;
using StsPowerShell.Core.Http;
using StsPowerShell.Core.Oidc;

namespace StsPowerShell.Core.Azure
{
    /// <summary>The identity endpoint of the environment this runs in, and why it was chosen.</summary>
    public sealed class ManagedIdentityEndpoint
    {
        private const string ImdsPath = "/metadata/identity/oauth2/token";
        private static readonly Uri DefaultImds = new Uri("http://169.254.169.254" + ImdsPath);
        private static readonly Uri DefaultArc = new Uri("http://localhost:40342" + ImdsPath);

        private ManagedIdentityEndpoint(ManagedIdentitySource source, Uri uri, string reason, string? secret = null, string? thumbprint = null)
        {
            Source = source;
            Uri = uri;
            Reason = reason;
            Secret = secret;
            Thumbprint = thumbprint;
        }

        /// <summary>The kind of endpoint.</summary>
        public ManagedIdentitySource Source { get; }

        /// <summary>Its URL, without the request's query.</summary>
        public Uri Uri { get; }

        /// <summary>Why this one: the variables or file found.</summary>
        public string Reason { get; }

        /// <summary>IDENTITY_HEADER, which App Service and Service Fabric require with each request. A secret.</summary>
        internal string? Secret { get; }

        /// <summary>IDENTITY_SERVER_THUMBPRINT: the Service Fabric endpoint's certificate.</summary>
        internal string? Thumbprint { get; }

        /// <summary>
        /// The endpoint of <paramref name="requested"/>, or with <see cref="ManagedIdentitySource.Auto"/> the first present in
        /// MSAL's order: Service Fabric, App Service, Cloud Shell, Azure Arc, the instance metadata service.
        /// </summary>
        /// <param name="requested">The source asked for.</param>
        /// <param name="environment">The environment variables.</param>
        /// <param name="fileExists">Whether a file exists (the Arc agent's himds program).</param>
        /// <exception cref="IdTokenUnavailableException">The source asked for is not configured here.</exception>
        /// <exception cref="ArgumentException">A variable names an endpoint that is not allowed.</exception>
        public static ManagedIdentityEndpoint Find(ManagedIdentitySource requested, IReadOnlyDictionary<string, string?> environment, Func<string, bool> fileExists)
        {
            string? Variable(string name) => EnvironmentVariables.Get(environment, name);
            var identityEndpoint = Variable("IDENTITY_ENDPOINT");
            var identityHeader = Variable("IDENTITY_HEADER");
            var thumbprint = Variable("IDENTITY_SERVER_THUMBPRINT");
            var msiEndpoint = Variable("MSI_ENDPOINT");
            var imdsEndpoint = Variable("IMDS_ENDPOINT");
            var himds = HimdsPath(environment);
            var arcAgent = himds != null && fileExists(himds);

            switch (requested)
            {
                case ManagedIdentitySource.Auto:
                    if (identityEndpoint != null && identityHeader != null && thumbprint != null)
                    {
                        return ServiceFabric(identityEndpoint, identityHeader, thumbprint, "IDENTITY_ENDPOINT, IDENTITY_HEADER and IDENTITY_SERVER_THUMBPRINT are set");
                    }

                    if (identityEndpoint != null && identityHeader != null)
                    {
                        return new ManagedIdentityEndpoint(ManagedIdentitySource.AppService, Parse(identityEndpoint, "IDENTITY_ENDPOINT"), "IDENTITY_ENDPOINT and IDENTITY_HEADER are set", identityHeader);
                    }

                    if (msiEndpoint != null)
                    {
                        return new ManagedIdentityEndpoint(ManagedIdentitySource.CloudShell, Parse(msiEndpoint, "MSI_ENDPOINT"), "MSI_ENDPOINT is set");
                    }

                    if (identityEndpoint != null && imdsEndpoint != null)
                    {
                        return new ManagedIdentityEndpoint(ManagedIdentitySource.AzureArc, Parse(identityEndpoint, "IDENTITY_ENDPOINT"), "IDENTITY_ENDPOINT and IMDS_ENDPOINT are set");
                    }

                    if (arcAgent)
                    {
                        return new ManagedIdentityEndpoint(ManagedIdentitySource.AzureArc, DefaultArc, $"the Azure Connected Machine agent is installed ({himds})");
                    }

                    return Imds(environment, "no other identity endpoint is configured");
                case ManagedIdentitySource.ServiceFabric:
                    return ServiceFabric(
                        identityEndpoint ?? throw Missing(requested, "IDENTITY_ENDPOINT"),
                        identityHeader ?? throw Missing(requested, "IDENTITY_HEADER"),
                        thumbprint ?? throw Missing(requested, "IDENTITY_SERVER_THUMBPRINT"),
                        "-Source ServiceFabric");
                case ManagedIdentitySource.AppService:
                    return new ManagedIdentityEndpoint(
                        requested,
                        Parse(identityEndpoint ?? throw Missing(requested, "IDENTITY_ENDPOINT"), "IDENTITY_ENDPOINT"),
                        "-Source AppService",
                        identityHeader ?? throw Missing(requested, "IDENTITY_HEADER"));
                case ManagedIdentitySource.CloudShell:
                    return new ManagedIdentityEndpoint(requested, Parse(msiEndpoint ?? throw Missing(requested, "MSI_ENDPOINT"), "MSI_ENDPOINT"), "-Source CloudShell");
                case ManagedIdentitySource.AzureArc:
                    return new ManagedIdentityEndpoint(requested, identityEndpoint != null ? Parse(identityEndpoint, "IDENTITY_ENDPOINT") : DefaultArc, "-Source AzureArc");
                default:
                    return Imds(environment, "-Source Imds");
            }
        }

        // Where the Azure Connected Machine agent installs its metadata service; null where Arc does not run.
        private static string? HimdsPath(IReadOnlyDictionary<string, string?> environment)
        {
            if (RuntimeInformation.IsOSPlatform(OSPlatform.Windows))
            {
                var programFiles = EnvironmentVariables.Get(environment, "ProgramFiles");
                return programFiles == null ? null : Path.Combine(programFiles, "AzureConnectedMachineAgent", "himds.exe");
            }

            return RuntimeInformation.IsOSPlatform(OSPlatform.Linux) ? "/opt/azcmagent/bin/himds" : null;
        }

        private static ManagedIdentityEndpoint Imds(IReadOnlyDictionary<string, string?> environment, string reason)
        {
            // Azure's SDKs let AZURE_POD_IDENTITY_AUTHORITY_HOST move the metadata service (AKS pod identity).
            var host = EnvironmentVariables.Get(environment, "AZURE_POD_IDENTITY_AUTHORITY_HOST");
            return host == null
                ? new ManagedIdentityEndpoint(ManagedIdentitySource.Imds, DefaultImds, reason)
                : new ManagedIdentityEndpoint(ManagedIdentitySource.Imds, Parse(host.TrimEnd('/') + ImdsPath, "AZURE_POD_IDENTITY_AUTHORITY_HOST"), reason + "; AZURE_POD_IDENTITY_AUTHORITY_HOST moves it");
        }

        private static ManagedIdentityEndpoint ServiceFabric(string endpoint, string secret, string thumbprint, string reason) =>
            new ManagedIdentityEndpoint(ManagedIdentitySource.ServiceFabric, Parse(endpoint, "IDENTITY_ENDPOINT"), reason, secret, thumbprint.Replace(" ", string.Empty));

        // Identity endpoints are local: https anywhere, plain http only to this machine or a link-local metadata address.
        private static Uri Parse(string value, string variable)
        {
            if (!Uri.TryCreate(value, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
            {
                throw new ArgumentException($"{variable} is {MessageText.Quote(value)}, which is not an http or https URL.", variable);
            }

            if (uri.UserInfo.Length > 0 || uri.Fragment.Length > 0)
            {
                throw new ArgumentException($"{variable} carries user information or a fragment; an identity endpoint does not.", variable);
            }

            if (uri.Scheme == Uri.UriSchemeHttp && !EndpointPolicy.IsLoopback(uri) && !EndpointPolicy.IsLinkLocalMetadata(uri))
            {
                throw new ArgumentException($"{variable} names {EndpointPolicy.Display(uri)}: an identity endpoint over plain http must be on this machine (loopback) or a link-local metadata address.", variable);
            }

            return uri;
        }

        private static IdTokenUnavailableException Missing(ManagedIdentitySource source, string variable) =>
            new IdTokenUnavailableException(source.ToString(), $"{variable} is not set, so there is no {source} identity endpoint here: run this where the platform sets it, or choose another -Source (Auto detects).");
    }
}
