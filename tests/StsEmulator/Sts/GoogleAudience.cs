using System.Text.RegularExpressions;

namespace StsEmulator.Sts;

/// <summary>The two forms of a Google pool provider's full resource name.</summary>
public static partial class GoogleAudience
{
    [GeneratedRegex(@"^//iam\.googleapis\.com/projects/[0-9]+/locations/global/workloadIdentityPools/[a-z0-9-]+/providers/[a-z0-9-]+$")]
    private static partial Regex WorkloadPattern();

    [GeneratedRegex(@"^//iam\.googleapis\.com/locations/global/workforcePools/[a-z0-9-]+/providers/[a-z0-9-]+$")]
    private static partial Regex WorkforcePattern();

    public static bool IsWorkloadProvider(string audience) => WorkloadPattern().IsMatch(audience);

    public static bool IsWorkforceProvider(string audience) => WorkforcePattern().IsMatch(audience);
}
