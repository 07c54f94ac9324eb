namespace StsPowerShell.Tests.Support;

/// <summary>Secret values the leak assertions look for, in every encoding the module might slip into.</summary>
public static class Secrets
{
    public const string ClientSecret = "client-secret+/=:&value-7f3a";

    public static void AssertAbsent(string text, params string[] secrets)
    {
        foreach (var secret in secrets.Where(s => !string.IsNullOrEmpty(s)))
        {
            foreach (var form in new[]
            {
                secret,
                Uri.EscapeDataString(secret),
                StsPowerShell.Core.Http.FormUrlEncoding.Encode(secret),
                Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(secret)).TrimEnd('='),
            })
            {
                Assert.DoesNotContain(form, text, StringComparison.Ordinal);
            }
        }
    }
}
