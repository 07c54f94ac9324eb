using StsPowerShell.Core.Aws;

namespace StsPowerShell.Tests.Aws;

// Issue 13: where the shared AWS files are looked for, on Windows as AWS's tools look, wherever the test runs.
public class HomeDirectoryTests
{
    private static Func<string, string?> Variables(params (string Name, string Value)[] set) =>
        name => set.FirstOrDefault(v => v.Name == name).Value;

    [Theory]
    [InlineData(true, @"C:\Users\build")]
    [InlineData(false, "/home/build")]
    public void WindowsPrefersTheProfileAndOtherSystemsHome(bool windows, string expected)
    {
        var variables = Variables(("USERPROFILE", @"C:\Users\build"), ("HOME", "/home/build"));
        Assert.Equal(expected, AwsDiscoveryOptions.HomeDirectoryOf(windows, variables));
    }

    [Fact]
    public void WithNeitherTheDriveAndPathAreJoined()
    {
        Assert.Equal(@"D:\Users\x", AwsDiscoveryOptions.HomeDirectoryOf(true, Variables(("HOMEDRIVE", "D:"), ("HOMEPATH", @"\Users\x"))));
    }
}
