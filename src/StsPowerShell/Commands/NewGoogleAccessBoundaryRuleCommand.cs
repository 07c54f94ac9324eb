using StsPowerShell.Pipeline;
using System.Threading.Tasks;
using System;
using System.Management.Automation;
using StsPowerShell.Core.Google;

namespace StsPowerShell.Commands
{
    /// <summary>
    /// <para type="synopsis">Creates one rule of a Google credential access boundary, for New-GoogleDownscopedAccessToken.</para>
    /// <para type="description">A rule names a resource (its full resource name), the roles a downscoped token may use on it (the inRole: prefix is added when missing), and optionally an IAM condition that narrows it further. A boundary holds at most 10 rules. This cmdlet sends nothing.</para>
    /// </summary>
    /// <example title="Read one bucket">
    /// <code>
    /// $rule = New-GoogleAccessBoundaryRule -AvailableResource //storage.googleapis.com/projects/_/buckets/reports -AvailablePermission roles/storage.objectViewer
    /// </code>
    /// <para>A rule for read access to the bucket 'reports'.</para>
    /// </example>
    /// <example title="Only objects with a prefix">
    /// <code>
    /// New-GoogleAccessBoundaryRule -AvailableResource //storage.googleapis.com/projects/_/buckets/reports -AvailablePermission roles/storage.objectViewer `
    ///     -ConditionExpression "resource.name.startsWith('projects/_/buckets/reports/objects/2026/')" -ConditionTitle 'This year only'
    /// </code>
    /// <para>An IAM condition limits the rule to objects under 2026/.</para>
    /// </example>
    /// <seealso href="https://cloud.google.com/iam/docs/downscoping-short-lived-credentials">Downscoping with credential access boundaries</seealso>
    [Cmdlet(VerbsCommon.New, "GoogleAccessBoundaryRule")]
    [OutputType(typeof(AccessBoundaryRule))]
    public sealed class NewGoogleAccessBoundaryRuleCommand : StsCmdlet
    {
        /// <summary>The full resource name the rule applies to, such as //storage.googleapis.com/projects/_/buckets/my-bucket.</summary>
        [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        public string AvailableResource { get; set; } = string.Empty;

        /// <summary>The roles usable on the resource, such as roles/storage.objectViewer.</summary>
        [Parameter(Mandatory = true, Position = 1, ValueFromPipelineByPropertyName = true)]
        [Alias("AvailablePermissions")]
        [ValidateNotNullOrEmpty]
        public string[] AvailablePermission { get; set; } = new string[0];

        /// <summary>An IAM condition (CEL expression) that narrows the rule.</summary>
        [Parameter(ValueFromPipelineByPropertyName = true)]
        [Alias("Expression")]
        public string? ConditionExpression { get; set; }

        /// <summary>The condition's title.</summary>
        [Parameter(ValueFromPipelineByPropertyName = true)]
        public string? ConditionTitle { get; set; }

        /// <summary>The condition's description.</summary>
        [Parameter(ValueFromPipelineByPropertyName = true)]
        public string? ConditionDescription { get; set; }

        /// <inheritdoc />
        private protected override object? CurrentTarget => AvailableResource;

        private protected override Func<Task> Prepare(PipelineHandle pipe)
        {
            var rule = new AccessBoundaryRule(AvailableResource, AvailablePermission, ConditionExpression, ConditionTitle, ConditionDescription);
            return () =>
            {
                pipe.WriteObject(rule);
                return Task.CompletedTask;
            };
        }
    }
}
