using StsPowerShell.Core.Http;

namespace StsPowerShell.Tests.Core;

public class FormUrlEncodingTests
{
    [Theory]
    [InlineData("abcXYZ019", "abcXYZ019")]
    [InlineData("*-._", "*-._")]
    [InlineData("a b", "a+b")]
    [InlineData("a+b", "a%2Bb")]
    [InlineData("a/b=c&d:e~f", "a%2Fb%3Dc%26d%3Ae%7Ef")]
    [InlineData("é", "%C3%A9")]
    [InlineData("\U0001F511", "%F0%9F%94%91")]
    public void EncodesAsWhatwgFormSerializer(string input, string expected)
    {
        Assert.Equal(expected, FormUrlEncoding.Encode(input));
    }

    [Fact]
    public void EncodesValuesLongerThanNetFrameworksEscapeLimit()
    {
        var encoded = FormUrlEncoding.Encode(new string('+', 70000));
        Assert.Equal(70000 * 3, encoded.Length);
    }
}
