using System.Collections.Concurrent;
using StsPowerShell.Core.Http;

namespace StsPowerShell.Tests.Support;

/// <summary>Options for tests: retry delays are recorded instead of waited, jitter and clock are fixed.</summary>
public sealed class TestOptions
{
    public static readonly DateTimeOffset FixedNow = new(2026, 11, 22, 10, 0, 0, TimeSpan.Zero);

    public ConcurrentQueue<TimeSpan> Delays { get; } = new();

    public RecordingLogger Logger { get; } = new();

    public StsHttpOptions Create(int maximumRetryCount = 3, TimeSpan? timeout = null, double jitter = 0.5) => new()
    {
        Timeout = timeout ?? TimeSpan.FromSeconds(10),
        Logger = Logger,
        Clock = () => FixedNow,
        Retry = new RetryPolicy
        {
            MaximumRetryCount = maximumRetryCount,
            RetryInterval = TimeSpan.FromSeconds(1),
            NextJitter = () => jitter,
            DelayAsync = (delay, _) =>
            {
                Delays.Enqueue(delay);
                return Task.CompletedTask;
            },
        },
    };
}
