using StsPowerShell.Core.Handoff;

namespace StsPowerShell.Tests.Handoff;

/// <summary>Variables for the next steps, the way each CI host reads them.</summary>
public sealed class StepVariablesTests : IDisposable
{
    private readonly string name = "STS_TEST_" + Guid.NewGuid().ToString("N").ToUpperInvariant();
    private readonly string folder = Directory.CreateTempSubdirectory("sts-steps-").FullName;

    public void Dispose()
    {
        Environment.SetEnvironmentVariable(name, null);
        Environment.SetEnvironmentVariable(name + "_SECRET", null);
        Directory.Delete(folder, recursive: true);
    }

    [Fact]
    public void AzurePipelinesGetsSetVariableCommandsWithSecretsMarkedAndDataEscaped()
    {
        var lines = new List<string>();
        var host = StepVariables.Export(new[] { new StepVariable(name, "50%;]x"), new StepVariable(name + "_SECRET", "s3cr3t", isSecret: true) }, new Dictionary<string, string?> { ["TF_BUILD"] = "True" }, lines.Add);

        Assert.Equal(StepHost.AzurePipelines, host);
        Assert.Equal(new[] { $"##vso[task.setvariable variable={name}]50%AZP25;]x", $"##vso[task.setvariable variable={name}_SECRET;issecret=true]s3cr3t" }, lines);
        Assert.Equal("50%;]x", Environment.GetEnvironmentVariable(name));
    }

    [Fact]
    public void GitHubActionsGetsTheEnvironmentFileAndAMaskForSecrets()
    {
        var file = Path.Combine(folder, "github_env");
        var lines = new List<string>();
        var host = StepVariables.Export(new[] { new StepVariable(name, "/tmp/config.json"), new StepVariable(name + "_SECRET", "s3cr3t", isSecret: true) },
            new Dictionary<string, string?> { ["GITHUB_ACTIONS"] = "true", ["GITHUB_ENV"] = file }, lines.Add);

        Assert.Equal(StepHost.GitHubActions, host);
        Assert.Equal(new[] { "::add-mask::s3cr3t" }, lines);
        var written = File.ReadAllText(file);
        Assert.Matches($"^{name}<<(ghadelimiter_[0-9a-f]{{32}})\\n/tmp/config\\.json\\n\\1\\n{name}_SECRET<<(ghadelimiter_[0-9a-f]{{32}})\\ns3cr3t\\n\\2\\n$", written);
    }

    [Fact]
    public void ElsewhereOnlyTheProcessEnvironmentChanges()
    {
        var lines = new List<string>();
        Assert.Equal(StepHost.Process, StepVariables.Export(new[] { new StepVariable(name, "value") }, new Dictionary<string, string?>(), lines.Add));
        Assert.Empty(lines);
        Assert.Equal("value", Environment.GetEnvironmentVariable(name));
    }

    [Fact]
    public void AValueOnSeveralLinesIsRefused()
    {
        Assert.Throws<ArgumentException>(() => new StepVariable(name, "a\nb"));
    }
}
