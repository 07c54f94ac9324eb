using StsEmulator;
using StsPowerShell.Core.Aws;

namespace StsPowerShell.Tests.Support;

/// <summary>
/// A discovery environment that cannot reach beyond loopback: HOME is a fresh folder, the metadata endpoint
/// and the container host are the emulator (or metadata is disabled), and nothing comes from the process.
/// </summary>
public sealed class AwsTestEnvironment : IDisposable
{
    public AwsTestEnvironment(StsEmulatorHost? emulator)
    {
        Emulator = emulator;
        Home = Directory.CreateTempSubdirectory("sts-aws-home-").FullName;
        Variables["HOME"] = Home;
        if (emulator == null)
        {
            Variables["AWS_EC2_METADATA_DISABLED"] = "true";
        }
        else
        {
            Variables["AWS_EC2_METADATA_SERVICE_ENDPOINT"] = emulator.BaseUrl;

            // One clock for both sides, so expiry decisions never depend on when the test runs.
            emulator.State.Clock = () => TestOptions.FixedNow;
        }
    }

    public StsEmulatorHost? Emulator { get; }

    public string Home { get; }

    public Dictionary<string, string?> Variables { get; } = new(StringComparer.OrdinalIgnoreCase);

    public RecordingLogger Logger { get; } = new();

    public static string CredentialProcessScript(string name) => Path.Combine(RepositoryPaths.Root, "tests/Unit/TestData/credential-process", name);

    public AwsDiscoveryOptions Options() => new(Variables)
    {
        ContainerHost = Emulator?.BaseUrl ?? "http://127.0.0.1:9",
        Logger = Logger,
        MetadataTimeout = TimeSpan.FromSeconds(5),
        Clock = () => TestOptions.FixedNow,
    };

    public string WriteFile(string relativePath, string text)
    {
        var path = Path.Combine(Home, relativePath);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, text);
        return path;
    }

    public void Dispose() => Directory.Delete(Home, recursive: true);
}
