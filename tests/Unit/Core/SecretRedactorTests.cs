using System.Text;
using StsPowerShell.Core.Http;

namespace StsPowerShell.Tests.Core;

public class SecretRedactorTests
{
    [Fact]
    public void MasksPlainAndEncodedForms()
    {
        const string secret = "s3cr3t+/value=";
        var redactor = new SecretRedactor(secret, null, "abc");
        var text = $"a {secret} b {Uri.EscapeDataString(secret)} c {FormUrlEncoding.Encode(secret)} d {Convert.ToBase64String(Encoding.UTF8.GetBytes(secret))} e abc";
        var redacted = redactor.Redact(text);
        Assert.DoesNotContain(secret, redacted);
        Assert.DoesNotContain(Uri.EscapeDataString(secret), redacted);
        Assert.DoesNotContain(Convert.ToBase64String(Encoding.UTF8.GetBytes(secret)).TrimEnd('='), redacted);
        Assert.Equal(4, redacted.Split(SecretRedactor.Mask).Length - 1);
        Assert.EndsWith("e abc", redacted);
    }
}
