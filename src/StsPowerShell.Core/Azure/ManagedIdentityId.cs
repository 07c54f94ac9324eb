using System;

namespace StsPowerShell.Core.Azure
{
    /// <summary>Which managed identity: the system-assigned one, or a user-assigned one by client id, object id or resource id.</summary>
    public sealed class ManagedIdentityId
    {
        private ManagedIdentityId(ManagedIdentityIdKind kind, string? value)
        {
            Kind = kind;
            Value = value;
        }

        /// <summary>The system-assigned identity.</summary>
        public static ManagedIdentityId SystemAssigned { get; } = new ManagedIdentityId(ManagedIdentityIdKind.SystemAssigned, null);

        /// <summary>How the identity is named.</summary>
        public ManagedIdentityIdKind Kind { get; }

        /// <summary>The id; null for the system-assigned identity.</summary>
        public string? Value { get; }

        /// <summary>A user-assigned identity by its client (application) id.</summary>
        /// <exception cref="ArgumentException">Not a GUID; names ClientId.</exception>
        public static ManagedIdentityId FromClientId(string clientId) => new ManagedIdentityId(ManagedIdentityIdKind.ClientId, Guid(clientId, "ClientId"));

        /// <summary>A user-assigned identity by its object (principal) id.</summary>
        /// <exception cref="ArgumentException">Not a GUID; names ObjectId.</exception>
        public static ManagedIdentityId FromObjectId(string objectId) => new ManagedIdentityId(ManagedIdentityIdKind.ObjectId, Guid(objectId, "ObjectId"));

        /// <summary>A user-assigned identity by its Azure resource id.</summary>
        /// <exception cref="ArgumentException">Not a /subscriptions/…/userAssignedIdentities/… id; names ResourceId.</exception>
        public static ManagedIdentityId FromResourceId(string resourceId)
        {
            var trimmed = resourceId?.Trim() ?? string.Empty;
            if (!trimmed.StartsWith("/subscriptions/", StringComparison.OrdinalIgnoreCase)
                || trimmed.IndexOf("/providers/Microsoft.ManagedIdentity/userAssignedIdentities/", StringComparison.OrdinalIgnoreCase) < 0
                || trimmed.IndexOfAny(new[] { '?', '&', '#', ' ' }) >= 0)
            {
                throw new ArgumentException($"{Http.MessageText.Quote(resourceId)} is not a user-assigned identity's resource id: expected /subscriptions/<id>/resourceGroups/<group>/providers/Microsoft.ManagedIdentity/userAssignedIdentities/<name>.", "ResourceId");
            }

            return new ManagedIdentityId(ManagedIdentityIdKind.ResourceId, trimmed);
        }

        /// <summary>For messages: "the system-assigned identity" or "the user-assigned identity with client id …".</summary>
        public override string ToString() => Kind switch
        {
            ManagedIdentityIdKind.SystemAssigned => "the system-assigned identity",
            ManagedIdentityIdKind.ClientId => $"the user-assigned identity with client id {Value}",
            ManagedIdentityIdKind.ObjectId => $"the user-assigned identity with object id {Value}",
            _ => $"the user-assigned identity {Value}",
        };

        private static string Guid(string value, string parameterName) =>
            System.Guid.TryParse(value?.Trim(), out var id)
                ? id.ToString("D")
                : throw new ArgumentException($"{Http.MessageText.Quote(value)} is not a GUID; expected the identity's {(parameterName == "ClientId" ? "client (application)" : "object (principal)")} id, as 'az identity show' prints it.", parameterName);
    }

    /// <summary>How a managed identity is named.</summary>
    public enum ManagedIdentityIdKind
    {
        /// <summary>The system-assigned identity.</summary>
        SystemAssigned,

        /// <summary>By client (application) id.</summary>
        ClientId,

        /// <summary>By object (principal) id.</summary>
        ObjectId,

        /// <summary>By Azure resource id.</summary>
        ResourceId,
    }
}
