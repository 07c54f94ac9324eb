using System.Collections.Concurrent;
using StsEmulator.Faults;
using StsEmulator.Jwt;

namespace StsEmulator;

/// <summary>Everything the emulator knows and remembers; tests reach it through <see cref="StsEmulatorHost"/>.</summary>
public sealed class EmulatorState : IDisposable
{
    public const string WorkloadProvider = "//iam.googleapis.com/projects/123456789012/locations/global/workloadIdentityPools/emulator-pool/providers/emulator-oidc";
    public const string DefaultServiceAccount = "deployer@emulator-project.iam.gserviceaccount.com";
    /// <summary>An X.509 pool provider: mtls subject tokens, checked against <see cref="X509TrustAnchors"/>.</summary>
    public const string X509Provider = "//iam.googleapis.com/projects/123456789012/locations/global/workloadIdentityPools/emulator-pool/providers/emulator-x509";

    public const string WorkforceProvider = "//iam.googleapis.com/locations/global/workforcePools/emulator-workforce/providers/emulator-oidc";

    /// <summary>
    /// gcloud's own OAuth client, published in its source (googlecloudsdk/core/config.py). gcloud sends it as Basic
    /// client authentication with every exchange and introspection for a file without impersonation, and Google
    /// accepts it, so the emulator knows it from the start.
    /// </summary>
    public const string GcloudClientId = "32555940559.apps.googleusercontent.com";

    /// <summary>The "not so secret" secret of <see cref="GcloudClientId"/>, as gcloud calls it.</summary>
    public const string GcloudClientSecret = "ZmssLNjJy2998hD4CTg2ejr2";

    private readonly ConcurrentDictionary<string, IssuedToken> issuedTokens = new(StringComparer.Ordinal);
    private readonly List<(int Count, TaskCompletionSource Signal)> countWaiters = new();
    private int requestCount;

    /// <summary>The emulator's notion of now; tests may fix it.</summary>
    public Func<DateTimeOffset> Clock { get; set; } = () => DateTimeOffset.UtcNow;

    public JwtKeys Keys { get; } = new();

    public Aws.AwsSettings Aws { get; } = new();

    public Ci.CiSettings Ci { get; } = new();

    public Azure.AzureSettings Azure { get; } = new();

    /// <summary>Service accounts the IAM Credentials endpoints know.</summary>
    public ISet<string> ServiceAccounts { get; } = new HashSet<string>(StringComparer.OrdinalIgnoreCase) { DefaultServiceAccount };

    /// <summary>Audiences every provider accepts in a JWT besides its own name (Azure DevOps' fixed audience, the app ID URI Azure tests ask for).</summary>
    public ISet<string> AllowedJwtAudiences { get; } = new HashSet<string>(StringComparer.Ordinal) { "api://AzureADTokenExchange", StsEmulator.Azure.AzureSettings.AppIdUri };

    // Tests change these sets before requests, never during them, so plain sets suffice.

    /// <summary>Issuers whose JWTs the providers accept; the emulator's own base URL is added at start.</summary>
    public ISet<string> TrustedIssuers { get; } = new HashSet<string>(StringComparer.Ordinal);

    /// <summary>Pool providers that exist; a well-formed audience outside this set gets invalid_target.</summary>
    public ISet<string> KnownAudiences { get; } = new HashSet<string>(StringComparer.Ordinal) { WorkloadProvider, WorkforceProvider, X509Provider };

    /// <summary>The X.509 provider's trust store: root or intermediate CAs that tests (or POST /emulator/x509/trust) add.</summary>
    public System.Collections.Concurrent.ConcurrentBag<System.Security.Cryptography.X509Certificates.X509Certificate2> X509TrustAnchors { get; } = new();

    /// <summary>OAuth clients by id, with their secrets; gcloud's is known from the start.</summary>
    public ConcurrentDictionary<string, string> Clients { get; } = new(StringComparer.Ordinal) { [GcloudClientId] = GcloudClientSecret };

    public TimeSpan AccessTokenLifetime { get; set; } = TimeSpan.FromSeconds(3599);

    public ConcurrentQueue<Fault> Faults { get; } = new();

    public ConcurrentQueue<RecordedRequest> Requests { get; } = new();

    /// <summary>Whether requests are kept in <see cref="Requests"/>; a load test turns this off and only counts.</summary>
    public bool RecordRequests { get; set; } = true;

    /// <summary>Whether issued tokens are remembered (to accept them back); a load test turns this off.</summary>
    public bool RememberIssuedTokens { get; set; } = true;

    /// <summary>The distinct connections requests arrived on: evidence that clients reuse them.</summary>
    public ConcurrentDictionary<string, byte> ConnectionIds { get; } = new(StringComparer.Ordinal);

    public int RequestCount => Volatile.Read(ref requestCount);

    /// <summary>
    /// A new access token; <paramref name="audience"/> is the pool provider a federated token came through,
    /// <paramref name="client"/> the OAuth client that asked for it (both for introspection), and
    /// <paramref name="certificateThumbprint"/> the client certificate an mtls exchange bound it to.
    /// </summary>
    public string Issue(string scope, string subject, TimeSpan? lifetime = null, string? boundary = null, string? audience = null, string? client = null, string? certificateThumbprint = null)
    {
        var token = "ya29.emulator." + Base64Url.Encode(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));
        if (RememberIssuedTokens)
        {
            var now = Clock();
            issuedTokens[token] = new IssuedToken(now, now + (lifetime ?? AccessTokenLifetime), scope, subject, boundary, audience, client, certificateThumbprint);
        }

        return token;
    }

    public IssuedToken? FindIssued(string token) => issuedTokens.TryGetValue(token, out var issued) ? issued : null;

    public void Record(RecordedRequest request)
    {
        if (RecordRequests)
        {
            Requests.Enqueue(request);
        }

        var count = Interlocked.Increment(ref requestCount);
        lock (countWaiters)
        {
            foreach (var waiter in countWaiters.Where(w => w.Count <= count).ToList())
            {
                waiter.Signal.TrySetResult();
                countWaiters.Remove(waiter);
            }
        }
    }

    /// <summary>Completes when the emulator has received at least <paramref name="count"/> requests in all.</summary>
    public Task WhenRequestCountReaches(int count)
    {
        lock (countWaiters)
        {
            if (RequestCount >= count)
            {
                return Task.CompletedTask;
            }

            var signal = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            countWaiters.Add((count, signal));
            return signal.Task;
        }
    }

    public void Dispose() => Keys.Dispose();

    /// <summary>
    /// A token the STS issued; Boundary is the credential access boundary JSON it carries, if any; Audience the pool
    /// provider of a federated token; Client the OAuth client it was issued to, if any; CertificateThumbprint the
    /// client certificate it is bound to (an mtls exchange), which must be presented again wherever it is used.
    /// </summary>
    public sealed record IssuedToken(DateTimeOffset IssuedAt, DateTimeOffset ExpiresOn, string Scope, string Subject, string? Boundary = null, string? Audience = null, string? Client = null, string? CertificateThumbprint = null);
}
