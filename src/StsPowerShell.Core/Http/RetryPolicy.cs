using System;
using System.Net.Http.Headers;
using System.Threading;
using System.Threading.Tasks;

namespace StsPowerShell.Core.Http
{
    /// <summary>
    /// Bounded retries for transient failures: connection errors and HTTP 408, 429, 500, 502, 503, 504.
    /// The interval doubles on each attempt, with jitter; a Retry-After header overrides it. Every delay is
    /// capped at <see cref="MaximumDelay"/> and at the call's timeout.
    /// </summary>
    public sealed class RetryPolicy
    {
        private static readonly Random SharedRandom = new Random();
        private int maximumRetryCount = 3;
        private TimeSpan retryInterval = TimeSpan.FromSeconds(1);

        /// <summary>How many times a failed attempt is repeated (0–10; default 3).</summary>
        public int MaximumRetryCount
        {
            get => maximumRetryCount;
            set => maximumRetryCount = value >= 0 && value <= 10 ? value : throw new ArgumentOutOfRangeException(nameof(MaximumRetryCount), value, "Expected 0 to 10 retries.");
        }

        /// <summary>The delay before the first retry (default 1 s); doubled for each further one.</summary>
        public TimeSpan RetryInterval
        {
            get => retryInterval;
            set => retryInterval = value >= TimeSpan.Zero ? value : throw new ArgumentOutOfRangeException(nameof(RetryInterval), value, "Expected a non-negative interval.");
        }

        /// <summary>The longest single delay, whatever the server asks (default 60 s).</summary>
        public TimeSpan MaximumDelay { get; set; } = TimeSpan.FromSeconds(60);

        /// <summary>Waits between attempts; replaceable so tests can observe delays without waiting.</summary>
        public Func<TimeSpan, CancellationToken, Task> DelayAsync { get; set; } = Task.Delay;

        /// <summary>A number in [0, 1) for jitter; replaceable for deterministic tests.</summary>
        public Func<double> NextJitter { get; set; } = () =>
        {
            lock (SharedRandom)
            {
                return SharedRandom.NextDouble();
            }
        };

        /// <summary>
        /// Which HTTP statuses are worth another attempt: <see cref="IsTransientStatus"/> unless a service documents
        /// more (Azure's instance metadata service asks for retries on 404 and 410 while it starts).
        /// </summary>
        public Func<int, bool> RetryOnStatus { get; set; } = IsTransientStatus;

        /// <summary>True for the HTTP statuses worth another attempt.</summary>
        public static bool IsTransientStatus(int statusCode) =>
            statusCode == 408 || statusCode == 429 || statusCode == 500 || statusCode == 502 || statusCode == 503 || statusCode == 504;

        /// <summary>
        /// The delay before attempt <paramref name="failedAttempt"/> + 1: the server's Retry-After when given,
        /// else the interval doubled per attempt times a jitter factor in [0.8, 1.2); capped.
        /// </summary>
        public TimeSpan ComputeDelay(int failedAttempt, RetryConditionHeaderValue? retryAfter, DateTimeOffset now, TimeSpan timeout)
        {
            TimeSpan delay;
            if (retryAfter?.Delta is TimeSpan delta)
            {
                delay = delta;
            }
            else if (retryAfter?.Date is DateTimeOffset date)
            {
                delay = date - now;
            }
            else
            {
                var factor = Math.Pow(2, Math.Max(0, failedAttempt - 1)) * (0.8 + (0.4 * NextJitter()));
                delay = TimeSpan.FromTicks((long)Math.Min(RetryInterval.Ticks * factor, TimeSpan.MaxValue.Ticks / 2.0));
            }

            var cap = timeout < MaximumDelay ? timeout : MaximumDelay;
            if (delay > cap)
            {
                delay = cap;
            }

            return delay < TimeSpan.Zero ? TimeSpan.Zero : delay;
        }
    }
}
