namespace StsEmulator.Storage;

/// <summary>The fixed buckets and objects the Cloud Storage look-alike serves.</summary>
public static class StorageCatalogue
{
    /// <summary>The project whose buckets are listed; its number is the one in <see cref="EmulatorState.WorkloadProvider"/>.</summary>
    public const string Project = "emulator-project";

    public const string ProjectNumber = "123456789012";

    public static readonly IReadOnlyList<Bucket> Buckets = new[]
    {
        new Bucket("reports", "EU", new Dictionary<string, StoredObject>(StringComparer.Ordinal)
        {
            ["2026/summary.csv"] = new("text/csv", "quarter,revenue\nQ1,1200\nQ2,1350\n"),
        }),
        new Bucket("builds", "US-CENTRAL1", new Dictionary<string, StoredObject>(StringComparer.Ordinal)
        {
            ["latest.txt"] = new("text/plain; charset=utf-8", "build 42\n"),
        }),
    };

    public static bool IsProject(string? project) => project is Project or ProjectNumber;

    public static Bucket? FindBucket(string name) => Buckets.FirstOrDefault(b => b.Name == name);

    public sealed record Bucket(string Name, string Location, IReadOnlyDictionary<string, StoredObject> Objects);

    public sealed record StoredObject(string ContentType, string Content);
}
