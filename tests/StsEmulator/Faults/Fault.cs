namespace StsEmulator.Faults;

/// <summary>
/// One misbehaviour the emulator performs instead of answering a request normally. Faults are consumed in
/// order, one per request to a non-control path.
/// </summary>
public sealed class Fault
{
    /// <summary>Answer with this status (and <see cref="Body"/>) instead of the real answer.</summary>
    public int? Status { get; init; }

    /// <summary>The body to send with <see cref="Status"/>.</summary>
    public string? Body { get; init; }

    /// <summary>The content type of <see cref="Body"/>.</summary>
    public string ContentType { get; init; } = "application/json";

    /// <summary>A Retry-After header value, sent as is.</summary>
    public string? RetryAfter { get; init; }

    /// <summary>A Location header value.</summary>
    public string? Location { get; init; }

    /// <summary>A Content-Encoding header to send with the body as it is (so gzip over plain text is a corrupt stream).</summary>
    public string? ContentEncoding { get; init; }

    /// <summary>Wait this long before sending anything (slow headers).</summary>
    public TimeSpan DelayBeforeHeaders { get; init; }

    /// <summary>Send the headers and half the body, then wait this long before the rest (slow body).</summary>
    public TimeSpan DelayMidBody { get; init; }

    /// <summary>Close the connection without an answer.</summary>
    public bool Drop { get; init; }

    /// <summary>Send the headers and half the body, then reset the connection.</summary>
    public bool DropMidBody { get; init; }

    /// <summary>Send this many filler bytes as the body (with <see cref="Status"/>).</summary>
    public long? BodyBytes { get; init; }

    /// <summary>Omit Content-Length, streaming the body chunked.</summary>
    public bool Chunked { get; init; }

    public static Fault WithStatus(int status, string? body = null, string? retryAfter = null, string contentType = "application/json") =>
        new() { Status = status, Body = body ?? $"{{\"error\":\"server_error\",\"error_description\":\"Injected HTTP {status}.\"}}", RetryAfter = retryAfter, ContentType = contentType };

    public static Fault Dropped() => new() { Drop = true };

    public static Fault ResetMidBody() => new() { Status = 200, Body = "{\"access_token\":\"never-finished-token\",\"token_type\":\"Bearer\"}", DropMidBody = true };

    public static Fault SlowHeaders(TimeSpan delay) => new() { DelayBeforeHeaders = delay };
}
