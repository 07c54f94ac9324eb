using System;
using System.IO;
using System.Management.Automation;
using System.Threading.Tasks;
using StsPowerShell.Core;
using StsPowerShell.Core.Azure;
using StsPowerShell.Pipeline;

namespace StsPowerShell.Commands
{
    /// <summary>
    /// <para type="synopsis">Gets an Azure managed identity's Entra ID token from the identity endpoint of the machine or service this runs on, as an OIDC subject token for Google's workload identity federation.</para>
    /// <para type="description">Finds the environment's identity endpoint in the order Microsoft's own libraries use — Service Fabric, App Service (also Functions, Container Apps and Azure Automation), Cloud Shell, an Azure Arc-enabled server, then the instance metadata service of an Azure VM — or the one -Source names, and asks it for a token for -Resource. Writes an StsPowerShell.OidcSubjectToken: the JWT as a SecureString (unless -AsPlainText) with its issuer (https://sts.windows.net/&lt;tenant&gt;/), subject (the identity's object id), audience and expiry, and Source, the environment found. It pipes into Invoke-StsTokenExchange.</para>
    /// <para type="description">With -Audience (the Google workload identity pool provider) and no -Resource, the resource asked for is https://iam.googleapis.com/ and the provider's name, the default audience Google's providers accept (what gcloud's --azure configurations use); the provider then travels with the token as its Audience property, so Invoke-StsTokenExchange needs no -Audience.</para>
    /// <para type="description">The system-assigned identity is used unless -ClientId, -ObjectId or -ResourceId names a user-assigned one; Azure Arc and Cloud Shell offer only the system-assigned identity. On Azure Arc the agent's key-file challenge is answered: the key file is read only if it is a .key file directly in the agent's token folder (%ProgramData%\AzureConnectedMachineAgent\Tokens, /var/opt/azcmagent/tokens), which needs an administrator or a member of the 'Hybrid Agent Extension Applications' group (Linux: root or the 'himds' group). Identity endpoints are never reached through a proxy. The instance metadata service is retried on 404, 410, 429 and 5xx, as Microsoft documents.</para>
    /// </summary>
    /// <example title="An Azure VM or Arc-enabled server to Google">
    /// <code>
    /// $provider = '//iam.googleapis.com/projects/123456789012/locations/global/workloadIdentityPools/azure-pool/providers/azure-vms'
    /// Get-AzureManagedIdentityToken -Audience $provider | Invoke-StsTokenExchange -Scope cloud-platform
    /// </code>
    /// <para>Asks for a token whose audience is the provider's default, and exchanges it at Google's STS.</para>
    /// </example>
    /// <example title="A user-assigned identity and an app ID URI">
    /// <code>
    /// Get-AzureManagedIdentityToken -Resource api://google-federation -ClientId 0f8fad5b-d9cb-469f-a165-70867728950e |
    ///     Invoke-StsTokenExchange -Audience $provider -Scope cloud-platform
    /// </code>
    /// <para>The provider must list api://google-federation among its allowed audiences.</para>
    /// </example>
    /// <example title="See what the token says, and where it came from">
    /// <code>
    /// Get-AzureManagedIdentityToken -Resource api://google-federation -Verbose | Format-List
    /// </code>
    /// <para>-Verbose names the endpoint chosen and why; the issuer and subject are what the Google provider's issuer URI and attribute mapping need.</para>
    /// </example>
    /// <seealso href="https://learn.microsoft.com/entra/identity/managed-identities-azure-resources/how-to-use-vm-token">How to use managed identities on a VM</seealso>
    [Cmdlet(VerbsCommon.Get, "AzureManagedIdentityToken", DefaultParameterSetName = SystemAssignedSet)]
    [OutputType(typeof(OidcSubjectToken))]
    public sealed class GetAzureManagedIdentityTokenCommand : NetworkCmdlet
    {
        private const string SystemAssignedSet = "SystemAssigned";
        private const string ClientIdSet = "ClientId";
        private const string ObjectIdSet = "ObjectId";
        private const string ResourceIdSet = "ResourceId";

        /// <summary>The application ID URI (or app id) of the resource the token is for: its audience. Required unless -Audience is given.</summary>
        [Parameter(Position = 0)]
        [ValidateNotNullOrEmpty]
        public string? Resource { get; set; }

        /// <summary>The Google workload identity pool provider (//iam.googleapis.com/projects/…/providers/…). It becomes the token's Audience property for Invoke-StsTokenExchange, and, without -Resource, sets the resource to the provider's default audience.</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? Audience { get; set; }

        /// <summary>A user-assigned identity by its client (application) id.</summary>
        [Parameter(Mandatory = true, ParameterSetName = ClientIdSet)]
        [ValidateNotNullOrEmpty]
        public string ClientId { get; set; } = string.Empty;

        /// <summary>A user-assigned identity by its object (principal) id.</summary>
        [Parameter(Mandatory = true, ParameterSetName = ObjectIdSet)]
        [ValidateNotNullOrEmpty]
        public string ObjectId { get; set; } = string.Empty;

        /// <summary>A user-assigned identity by its Azure resource id (/subscriptions/…/providers/Microsoft.ManagedIdentity/userAssignedIdentities/…).</summary>
        [Parameter(Mandatory = true, ParameterSetName = ResourceIdSet)]
        [ValidateNotNullOrEmpty]
        public string ResourceId { get; set; } = string.Empty;

        /// <summary>The identity endpoint to use; Auto (the default) detects it.</summary>
        /// <value>Auto</value>
        [Parameter]
        public ManagedIdentitySource Source { get; set; } = ManagedIdentitySource.Auto;

        /// <summary>Returns the token as a plain string instead of SecureString.</summary>
        [Parameter]
        public SwitchParameter AsPlainText { get; set; }

        private protected override Func<Task> Prepare(PipelineHandle pipe)
        {
            if (Resource == null && Audience == null)
            {
                throw new ArgumentException("Give -Resource (the application ID URI the Google provider allows as audience), or -Audience (the provider) to use its default audience.", nameof(Resource));
            }

            var resource = Resource ?? ManagedIdentityClient.ResourceForGoogleProvider(Audience!);
            var identity = ParameterSetName switch
            {
                ClientIdSet => ManagedIdentityId.FromClientId(ClientId),
                ObjectIdSet => ManagedIdentityId.FromObjectId(ObjectId),
                ResourceIdSet => ManagedIdentityId.FromResourceId(ResourceId),
                _ => ManagedIdentityId.SystemAssigned,
            };
            var environment = EnvironmentVariables.FromProcess();
            var endpoint = ManagedIdentityEndpoint.Find(Source, environment, File.Exists);
            var options = HttpOptions(pipe);
            var audience = Audience?.Trim();
            var asPlainText = AsPlainText.IsPresent;
            return async () =>
            {
                var token = await ManagedIdentityClient.RequestAsync(endpoint, resource, identity, environment, options, Cancellation).ConfigureAwait(false);
                var output = PSObject.AsPSObject(OidcSubjectToken.FromToken(token, asPlainText));
                if (audience != null)
                {
                    // Only when given: a property holding null would bind to Invoke-StsTokenExchange -Audience too.
                    output.Properties.Add(new PSNoteProperty("Audience", audience));
                }

                pipe.WriteObject(output);
            };
        }
    }
}
