using System.Text.Json;

namespace StsEmulator.Sts;

/// <summary>Google's credential access boundary in the options field: 1 to 10 rules, each a resource and inRole: permissions.</summary>
public static class AccessBoundary
{
    public const int MaximumRules = 10;

    /// <summary>The boundary's JSON when the options carry one; refuses a malformed one as Google does.</summary>
    public static string? Read(string? options)
    {
        if (options == null)
        {
            return null;
        }

        using var document = JsonDocument.Parse(options);
        if (!document.RootElement.TryGetProperty("accessBoundary", out var boundary))
        {
            return null;
        }

        if (boundary.ValueKind != JsonValueKind.Object || !boundary.TryGetProperty("accessBoundaryRules", out var rules) || rules.ValueKind != JsonValueKind.Array)
        {
            throw OAuthError.InvalidRequest("accessBoundary must hold an accessBoundaryRules array.");
        }

        var count = rules.GetArrayLength();
        if (count == 0 || count > MaximumRules)
        {
            throw OAuthError.InvalidRequest($"A credential access boundary needs 1 to {MaximumRules} rules; it has {count}.");
        }

        foreach (var rule in rules.EnumerateArray())
        {
            if (!rule.TryGetProperty("availableResource", out var resource) || string.IsNullOrEmpty(resource.GetString()))
            {
                throw OAuthError.InvalidRequest("Each rule needs an availableResource.");
            }

            if (!rule.TryGetProperty("availablePermissions", out var permissions) || permissions.ValueKind != JsonValueKind.Array || permissions.GetArrayLength() == 0
                || permissions.EnumerateArray().Any(p => p.GetString()?.StartsWith("inRole:", StringComparison.Ordinal) != true))
            {
                throw OAuthError.InvalidRequest("Each rule needs availablePermissions, each of the form inRole:roles/….");
            }

            if (rule.TryGetProperty("availabilityCondition", out var condition)
                && (!condition.TryGetProperty("expression", out var expression) || string.IsNullOrWhiteSpace(expression.GetString())))
            {
                throw OAuthError.InvalidRequest("An availabilityCondition needs an expression.");
            }
        }

        return boundary.GetRawText();
    }
}
