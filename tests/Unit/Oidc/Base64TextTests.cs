using StsPowerShell.Core.Oidc;

namespace StsPowerShell.Tests.Oidc;

/// <summary>The exception-free decoder agrees with Convert.FromBase64String wherever that accepts the text.</summary>
public class Base64TextTests
{
    [Fact]
    public void RoundTripsBothAlphabetsWithAndWithoutPadding()
    {
        var random = new Random(20261122);
        for (var length = 0; length < 200; length++)
        {
            var bytes = new byte[length];
            random.NextBytes(bytes);
            var standard = Convert.ToBase64String(bytes);
            var url = standard.TrimEnd('=').Replace('+', '-').Replace('/', '_');
            var wrapped = string.Join("\r\n", Enumerable.Range(0, (standard.Length + 75) / 76).Select(i => standard.Substring(i * 76, Math.Min(76, standard.Length - (i * 76)))));

            foreach (var text in new[] { standard, url, wrapped })
            {
                Assert.True(Base64Text.TryDecode(text, out var decoded), text);
                Assert.Equal(bytes, decoded);
            }
        }
    }

    [Theory]
    [InlineData("!!")]
    [InlineData("A")]
    [InlineData("AAAAA")]
    [InlineData("AA=A")]
    [InlineData("AA===")]
    [InlineData("AAA==")]
    [InlineData("A===")]
    public void RefusesWhatIsNotBase64(string text) => Assert.False(Base64Text.TryDecode(text, out _));

    [Fact]
    public void AcceptsAtLeastWhatConvertAccepts()
    {
        var random = new Random(7);
        const string alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/= \r\n!";
        for (var i = 0; i < 20000; i++)
        {
            var text = new string(Enumerable.Range(0, random.Next(12)).Select(_ => alphabet[random.Next(alphabet.Length)]).ToArray());
            byte[] expected;
            try
            {
                expected = Convert.FromBase64String(text);
            }
            catch (FormatException)
            {
                continue;
            }

            Assert.True(Base64Text.TryDecode(text, out var decoded), text);
            Assert.Equal(expected, decoded);
        }
    }
}
