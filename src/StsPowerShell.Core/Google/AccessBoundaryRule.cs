using System;
using System.Collections.Generic;
using System.Linq;

namespace StsPowerShell.Core.Google
{
    /// <summary>
    /// One rule of a credential access boundary: a resource, the roles that may be used on it (each with the
    /// inRole: prefix), and an optional IAM condition.
    /// </summary>
    public sealed class AccessBoundaryRule
    {
        private const string RolePrefix = "inRole:";

        /// <summary>Creates a rule; permissions without the inRole: prefix get it.</summary>
        /// <exception cref="ArgumentException">The resource, a permission, or the condition's expression is empty.</exception>
        public AccessBoundaryRule(string availableResource, IEnumerable<string> availablePermissions, string? conditionExpression = null, string? conditionTitle = null, string? conditionDescription = null)
        {
            if (string.IsNullOrWhiteSpace(availableResource))
            {
                throw new ArgumentException("A rule needs the full resource name it applies to, such as //storage.googleapis.com/projects/_/buckets/my-bucket.", "AvailableResource");
            }

            var permissions = (availablePermissions ?? Enumerable.Empty<string>()).ToList();
            if (permissions.Count == 0 || permissions.Any(string.IsNullOrWhiteSpace))
            {
                throw new ArgumentException("A rule needs at least one role, such as roles/storage.objectViewer, and none may be empty.", "AvailablePermission");
            }

            if (conditionExpression != null && string.IsNullOrWhiteSpace(conditionExpression))
            {
                throw new ArgumentException("A condition needs a CEL expression.", "ConditionExpression");
            }

            if (conditionExpression == null && (conditionTitle != null || conditionDescription != null))
            {
                throw new ArgumentException("A condition title or description needs a condition expression.", "ConditionExpression");
            }

            AvailableResource = availableResource.Trim();
            AvailablePermissions = permissions.Select(p => p.Trim()).Select(p => p.StartsWith(RolePrefix, StringComparison.Ordinal) ? p : RolePrefix + p).ToArray();
            ConditionExpression = conditionExpression;
            ConditionTitle = conditionTitle;
            ConditionDescription = conditionDescription;
        }

        /// <summary>The full resource name the rule applies to.</summary>
        public string AvailableResource { get; }

        /// <summary>The roles usable on it, each as inRole:roles/….</summary>
        public IReadOnlyList<string> AvailablePermissions { get; }

        /// <summary>The availability condition's CEL expression, if any.</summary>
        public string? ConditionExpression { get; }

        /// <summary>The condition's title.</summary>
        public string? ConditionTitle { get; }

        /// <summary>The condition's description.</summary>
        public string? ConditionDescription { get; }

        /// <summary>A one-line summary.</summary>
        public override string ToString() => $"{string.Join(", ", AvailablePermissions)} on {AvailableResource}{(ConditionExpression == null ? string.Empty : " when " + ConditionExpression)}";
    }
}
