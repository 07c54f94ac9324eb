using System.Collections.Concurrent;
using System.Text;

namespace StsEmulator.Faults;

/// <summary>Performs queued faults on requests to the emulated services (everything outside /emulator/).</summary>
public sealed class FaultMiddleware(RequestDelegate next, ConcurrentQueue<Fault> faults)
{
    public async Task InvokeAsync(HttpContext context)
    {
        if (context.Request.Path.StartsWithSegments("/emulator") || !faults.TryDequeue(out var fault))
        {
            await next(context);
            return;
        }

        var aborted = context.RequestAborted;
        if (fault.DelayBeforeHeaders > TimeSpan.Zero)
        {
            await Delay(fault.DelayBeforeHeaders, aborted);
        }

        if (fault.Drop)
        {
            context.Abort();
            return;
        }

        if (fault.Status is not int status)
        {
            await next(context);
            return;
        }

        context.Response.StatusCode = status;
        context.Response.ContentType = fault.ContentType;
        if (fault.RetryAfter != null)
        {
            context.Response.Headers.RetryAfter = fault.RetryAfter;
        }

        if (fault.ContentEncoding != null)
        {
            context.Response.Headers.ContentEncoding = fault.ContentEncoding;
        }

        if (fault.Location != null)
        {
            context.Response.Headers.Location = fault.Location;
        }

        if (fault.BodyBytes is long size)
        {
            await WriteFillerAsync(context, size, fault.Chunked, aborted);
            return;
        }

        var body = Encoding.UTF8.GetBytes(fault.Body ?? string.Empty);
        if (fault.DropMidBody)
        {
            context.Response.ContentLength = body.Length;
            await context.Response.Body.WriteAsync(body.AsMemory(0, body.Length / 2), aborted);
            await context.Response.Body.FlushAsync(aborted);
            context.Abort();
            return;
        }

        if (fault.DelayMidBody > TimeSpan.Zero)
        {
            context.Response.ContentLength = body.Length;
            await context.Response.Body.WriteAsync(body.AsMemory(0, body.Length / 2), aborted);
            await context.Response.Body.FlushAsync(aborted);
            await Delay(fault.DelayMidBody, aborted);
            await context.Response.Body.WriteAsync(body.AsMemory(body.Length / 2), aborted);
            return;
        }

        context.Response.ContentLength = body.Length;
        await context.Response.Body.WriteAsync(body, aborted);
    }

    private static async Task WriteFillerAsync(HttpContext context, long size, bool chunked, CancellationToken aborted)
    {
        if (!chunked)
        {
            context.Response.ContentLength = size;
        }

        var chunk = Encoding.ASCII.GetBytes(new string('x', 64 * 1024));
        try
        {
            for (long sent = 0; sent < size; sent += chunk.Length)
            {
                await context.Response.Body.WriteAsync(chunk.AsMemory(0, (int)Math.Min(chunk.Length, size - sent)), aborted);
            }
        }
        catch (Exception e) when (e is OperationCanceledException || e is IOException)
        {
            // The client stopped reading, as it should past its limit.
        }
    }

    // A delay that ends quietly when the client goes away, so a cancelled test leaves no noise.
    private static async Task Delay(TimeSpan delay, CancellationToken aborted)
    {
        try
        {
            await Task.Delay(delay, aborted);
        }
        catch (OperationCanceledException)
        {
        }
    }
}
