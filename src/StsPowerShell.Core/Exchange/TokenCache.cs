using System;
using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using System.Globalization;
using StsPowerShell.Core.Http;

namespace StsPowerShell.Core.Exchange
{
    /// <summary>
    /// Tokens kept in memory for the life of the process (a PowerShell session and its runspaces), reused until
    /// <see cref="RefreshMargin"/> before they expire. Nothing is written to disk. Safe for concurrent callers
    /// (ForEach-Object -Parallel): one caller per key fetches while the others wait for its token.
    /// </summary>
    public sealed class TokenCache
    {
        private readonly ConcurrentDictionary<string, Entry> entries = new ConcurrentDictionary<string, Entry>(StringComparer.Ordinal);
        private readonly Func<DateTimeOffset> clock;

        /// <summary>Creates a cache that reads time from <paramref name="clock"/>.</summary>
        public TokenCache(Func<DateTimeOffset> clock)
        {
            this.clock = clock;
        }

        /// <summary>The cache the cmdlets share.</summary>
        public static TokenCache Shared { get; } = new TokenCache(() => DateTimeOffset.UtcNow);

        /// <summary>Past this many keys, entries whose token is no longer fresh are dropped, so a long session stays small.</summary>
        public const int SweepThreshold = 256;

        /// <summary>How long before expiry a token is replaced: 5 minutes, as Google's .NET library does.</summary>
        public TimeSpan RefreshMargin { get; set; } = TimeSpan.FromMinutes(5);

        /// <summary>A cache key for <paramref name="parts"/>: a SHA-256, so no secret that went into it is kept in memory as a key.</summary>
        public static string Key(params string?[] parts)
        {
            using var sha = SHA256.Create();
            var text = string.Join("\u001f", Array.ConvertAll(parts, p => p ?? "\u0000"));
            return Convert.ToBase64String(sha.ComputeHash(Encoding.UTF8.GetBytes(text)));
        }

        /// <summary>
        /// The cached token for <paramref name="key"/> while it is fresh (unless <paramref name="force"/>), else one
        /// from <paramref name="fetch"/>, kept when it states an expiry.
        /// </summary>
        public async Task<IssuedToken> GetAsync(string key, bool force, IStsLogger? logger, Func<CancellationToken, Task<IssuedToken>> fetch, CancellationToken cancellationToken)
        {
            var entry = entries.GetOrAdd(key, _ => new Entry());
            if (!force && IsFresh(entry.Token))
            {
                return Reused(entry.Token!, logger);
            }

            await entry.Gate.WaitAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                // Another caller may have fetched while this one waited.
                if (!force && IsFresh(entry.Token))
                {
                    return Reused(entry.Token!, logger);
                }

                var token = await fetch(cancellationToken).ConfigureAwait(false);
                entry.Token = token.ExpiresOn.HasValue ? token : null;
                Sweep();
                return token;
            }
            finally
            {
                entry.Gate.Release();
            }
        }

        private static IssuedToken Reused(IssuedToken token, IStsLogger? logger)
        {
            logger?.Verbose($"Reusing the session's token, which expires {token.ExpiresOn?.ToString("u", CultureInfo.InvariantCulture)}.");
            return token;
        }

        /// <summary>Forgets every token.</summary>
        public void Clear() => entries.Clear();

        /// <summary>How many keys the cache holds.</summary>
        public int Count => entries.Count;

        // An entry another caller is filling (its gate taken) stays; at worst a removed one costs one extra fetch.
        private void Sweep()
        {
            if (entries.Count <= SweepThreshold)
            {
                return;
            }

            foreach (var pair in entries)
            {
                if (!IsFresh(pair.Value.Token) && pair.Value.Gate.CurrentCount == 1)
                {
                    entries.TryRemove(pair.Key, out _);
                }
            }
        }

        private bool IsFresh(IssuedToken? token) => token?.ExpiresOn is DateTimeOffset expires && expires - RefreshMargin > clock();

        private sealed class Entry
        {
            private IssuedToken? token;

            public SemaphoreSlim Gate { get; } = new SemaphoreSlim(1, 1);

            public IssuedToken? Token
            {
                get => Volatile.Read(ref token);
                set => Volatile.Write(ref token, value);
            }
        }
    }
}
