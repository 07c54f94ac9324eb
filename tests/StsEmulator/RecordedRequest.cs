namespace StsEmulator;

/// <summary>A request as the emulator received it, for tests that assert what went over the wire.</summary>
public sealed class RecordedRequest
{
    public required string Method { get; init; }

    public required string Path { get; init; }

    public required string Query { get; init; }

    public required IReadOnlyDictionary<string, string> Headers { get; init; }

    public required string Body { get; init; }

    public string? Header(string name) => Headers.TryGetValue(name, out var value) ? value : null;
}
