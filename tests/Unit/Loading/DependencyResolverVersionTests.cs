using System.Reflection;
using StsPowerShell.Loading;

namespace StsPowerShell.Tests.Loading;

/// <summary>
/// The dependencies/ resolver answers only for what the module ships, and never with an older copy than the
/// one asked for: in a Windows PowerShell 5.1 session another module may ask for a newer System.Text.Json.
/// </summary>
public class DependencyResolverVersionTests
{
    private static readonly string Folder = typeof(DependencyResolverVersionTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "ModuleOutputDir").Value!;

    private static AssemblyName Shipped(string name) => AssemblyName.GetAssemblyName(Path.Combine(Folder, "dependencies", name + ".dll"));

    [Theory]
    [InlineData("System.Text.Json, Version=8.0.0.0, Culture=neutral, PublicKeyToken=cc7b13ffcd2ddd51", "System.Text.Json, Version=8.0.0.0, Culture=neutral, PublicKeyToken=cc7b13ffcd2ddd51", true)]
    [InlineData("System.Text.Json, Version=6.0.0.0, Culture=neutral, PublicKeyToken=cc7b13ffcd2ddd51", "System.Text.Json, Version=8.0.0.0, Culture=neutral, PublicKeyToken=cc7b13ffcd2ddd51", true)]
    [InlineData("System.Text.Json", "System.Text.Json, Version=8.0.0.0, Culture=neutral, PublicKeyToken=cc7b13ffcd2ddd51", true)]
    [InlineData("System.Text.Json, Version=8.0.0.1, Culture=neutral, PublicKeyToken=cc7b13ffcd2ddd51", "System.Text.Json, Version=8.0.0.0, Culture=neutral, PublicKeyToken=cc7b13ffcd2ddd51", false)]
    [InlineData("System.Text.Json, Version=9.0.0.0, Culture=neutral, PublicKeyToken=cc7b13ffcd2ddd51", "System.Text.Json, Version=8.0.0.0, Culture=neutral, PublicKeyToken=cc7b13ffcd2ddd51", false)]
    [InlineData("System.Text.Json, Version=8.0.0.0, Culture=neutral, PublicKeyToken=0123456789abcdef", "System.Text.Json, Version=8.0.0.0, Culture=neutral, PublicKeyToken=cc7b13ffcd2ddd51", false)]
    [InlineData("System.Memory, Version=4.0.1.2", "System.Text.Json, Version=8.0.0.0, Culture=neutral, PublicKeyToken=cc7b13ffcd2ddd51", false)]
    public void AnswersOnlyForTheSameAssemblyAtTheShippedVersionOrLower(string requested, string shipped, bool expected)
    {
        Assert.Equal(expected, DependencyResolver.CanAnswer(new AssemblyName(requested), new AssemblyName(shipped)));
    }

    [Fact]
    public void DeclinesAHigherVersionOfEveryShippedAssembly()
    {
        foreach (var name in DependencyResolver.AssemblyNames)
        {
            var shipped = Shipped(name);
            var higher = new AssemblyName(shipped.FullName) { Version = new Version(shipped.Version!.Major, shipped.Version.Minor, shipped.Version.Build, shipped.Version.Revision + 1) };

            Assert.Equal(Path.Combine(Folder, "dependencies", name + ".dll"), DependencyResolver.Resolve(shipped.FullName, Folder));
            Assert.Null(DependencyResolver.Resolve(higher.FullName, Folder));
        }
    }

    [Fact]
    public void DeclinesWhatItDoesNotShipAndMalformedNames()
    {
        Assert.Null(DependencyResolver.Resolve("Newtonsoft.Json, Version=13.0.0.0, Culture=neutral, PublicKeyToken=30ad4fe6b2a6aeed", Folder));
        Assert.Null(DependencyResolver.Resolve("System.Text.Json, Version=not-a-version", Folder));
    }

    [Theory]
    [InlineData(".NET Framework 4.7.2558.0", false, true)]
    [InlineData(".NET Framework 4.8.9232.0", true, false)]
    [InlineData(".NET 8.0.11", false, false)]
    [InlineData("Mono 6.8.0.105", true, false)]
    public void RefusesOnlyADotNetFrameworkWithout472(string framework, bool hasNet472Api, bool refused)
    {
        var refusal = FrameworkCheck.Refusal(framework, hasNet472Api);

        Assert.Equal(refused, refusal != null);
        if (refusal != null)
        {
            Assert.StartsWith("StsPowerShell needs .NET Framework 4.7.2 or later", refusal, StringComparison.Ordinal);
            Assert.Contains(framework, refusal, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void ThisRuntimeHasThe472Api()
    {
        Assert.True(FrameworkCheck.HasNet472Api());
    }
}
