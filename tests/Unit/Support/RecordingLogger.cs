using System.Collections.Concurrent;
using StsPowerShell.Core.Http;

namespace StsPowerShell.Tests.Support;

/// <summary>Keeps every verbose and debug message, for assertions on what the module says.</summary>
public sealed class RecordingLogger : IStsLogger
{
    public ConcurrentQueue<string> Messages { get; } = new();

    public void Verbose(string message) => Messages.Enqueue("VERBOSE: " + message);

    public void Debug(string message) => Messages.Enqueue("DEBUG: " + message);

    public string All => string.Join("\n", Messages);
}
