using System.Diagnostics;
using System.Runtime.InteropServices;

namespace StsPowerShell.Tests.Support;

// Tests that look for leftover processes through /proc, which only Linux has (the runner's own search for a
// helper's leftovers uses it too): elsewhere they are skipped with the reason.
public sealed class LinuxShellFactAttribute : FactAttribute
{
    public LinuxShellFactAttribute() => Skip = RuntimeInformation.IsOSPlatform(OSPlatform.Linux) ? null : "Looks for leftover processes in /proc, which only Linux has.";
}

/// <summary>Bounds, pids and FIFOs for the tests of helper processes and local files, so a regression fails instead of hanging.</summary>
public static class LocalProcesses
{
    public static string HelperScript(string name) => Path.Combine(RepositoryPaths.Root, "tests/Unit/TestData/process-helper", name);

    /// <summary>Awaits <paramref name="task"/>, failing the test when it takes longer than <paramref name="bound"/>.</summary>
    public static async Task<T> Within<T>(Task<T> task, TimeSpan bound)
    {
        if (await Task.WhenAny(task, Task.Delay(bound)) != task)
        {
            Assert.Fail($"It was still running after {bound.TotalSeconds} s.");
        }

        return await task;
    }

    /// <summary>The pid a helper wrote to <paramref name="file"/>, once it is there.</summary>
    public static async Task<int> PidFrom(string file)
    {
        var stopwatch = Stopwatch.StartNew();
        while (stopwatch.Elapsed < TimeSpan.FromSeconds(10))
        {
            if (File.Exists(file) && int.TryParse(File.ReadAllText(file).Trim(), out var pid))
            {
                return pid;
            }

            await Task.Delay(20);
        }

        throw new TimeoutException($"No pid was written to {file}.");
    }

    /// <summary>Whether <paramref name="pid"/> runs (a zombie that nobody reaps does not count), asked for up to <paramref name="patience"/> until it is gone.</summary>
    public static async Task<bool> StillAlive(int pid, TimeSpan patience)
    {
        var stopwatch = Stopwatch.StartNew();
        while (IsAlive(pid))
        {
            if (stopwatch.Elapsed > patience)
            {
                return true;
            }

            await Task.Delay(50);
        }

        return false;
    }

    public static void Kill(int pid)
    {
        try
        {
            using var process = Process.GetProcessById(pid);
            process.Kill();
        }
        catch (Exception e) when (e is ArgumentException || e is InvalidOperationException || e is System.ComponentModel.Win32Exception)
        {
            // Gone already.
        }
    }

    public static string MakeFifo(string folder, string name)
    {
        var path = Path.Combine(folder, name);
        using var mkfifo = Process.Start("mkfifo", path)!;
        mkfifo.WaitForExit();
        Assert.Equal(0, mkfifo.ExitCode);
        return path;
    }

    /// <summary>Writes <paramref name="bytes"/> zero bytes into a FIFO from another process, which the caller disposes.</summary>
    public static Process FeedFifo(string fifo, long bytes) =>
        Process.Start(new ProcessStartInfo("sh") { ArgumentList = { "-c", $"head -c {bytes} /dev/zero > \"$0\"", fifo } })!;

    /// <summary>
    /// Opens a FIFO for writing once and closes it, so a reader still blocked in open (an abandoned read, or the old
    /// code's) sees the end of the file and its thread ends; stopped after a while when nobody reads.
    /// </summary>
    public static void ReleaseFifo(string fifo)
    {
        using var writer = Process.Start(new ProcessStartInfo("sh") { ArgumentList = { "-c", ": > \"$0\"", fifo } })!;
        if (!writer.WaitForExit(2000))
        {
            writer.Kill();
        }
    }

    private static bool IsAlive(int pid)
    {
        if (Directory.Exists("/proc/self"))
        {
            try
            {
                var stat = File.ReadAllText($"/proc/{pid}/stat");
                return stat[stat.LastIndexOf(')') + 2] != 'Z';
            }
            catch (Exception e) when (e is IOException || e is UnauthorizedAccessException)
            {
                return false;
            }
        }

        using var probe = Process.Start(new ProcessStartInfo("sh") { ArgumentList = { "-c", $"kill -0 {pid} 2>/dev/null" } })!;
        probe.WaitForExit();
        return probe.ExitCode == 0;
    }
}
