using System;
using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Runtime.InteropServices;
using System.Text;

namespace StsPowerShell.Core.Processes
{
    /// <summary>
    /// A credential helper and every process it started, so that none outlives a run that was stopped, and none left
    /// behind holding the helper's output survives it.
    /// </summary>
    /// <remarks>
    /// While the helper runs, its tree is found by parent process: Process.Kill(entireProcessTree) where the runtime
    /// has it (.NET Core 3.0 and later: PowerShell 7; netstandard2.0 does not declare it, hence reflection), taskkill /T
    /// on .NET Framework (Windows PowerShell). A process whose parent has exited is in no tree any more: a helper that
    /// answers and exits leaving a background child holding its output is the case that matters. .NET cannot start a
    /// process in a process group of its own (no setpgid between fork and exec, and wrapping the command in setsid
    /// would change how the program is found, what a missing one reports, and take away its terminal), so the helper
    /// gets a variable with a value unique to the run, which its descendants inherit, and on Linux the processes whose
    /// environment holds it are found in /proc and killed. A descendant that clears its environment escapes that, and
    /// on Windows and macOS left-behind processes are not killed; the runner still never waits for them.
    /// </remarks>
    internal sealed class HelperProcessTree
    {
        private const string MarkerVariable = "STSPOWERSHELL_HELPER_RUN";

        private static readonly Action<Process, bool>? KillEntireTree = FindKillEntireTree();

        private readonly byte[] marker;

        /// <summary>Marks the environment <paramref name="startInfo"/> gives the helper.</summary>
        public HelperProcessTree(ProcessStartInfo startInfo)
        {
            var value = Guid.NewGuid().ToString("N");
            startInfo.Environment[MarkerVariable] = value;
            marker = Encoding.ASCII.GetBytes($"{MarkerVariable}={value}\0");
        }

        /// <summary>Kills the helper, if it still runs, with everything it started.</summary>
        public void Kill(Process process)
        {
            try
            {
                if (KillEntireTree != null)
                {
                    KillEntireTree(process, true);
                }
                else
                {
                    if (RuntimeInformation.IsOSPlatform(OSPlatform.Windows))
                    {
                        // Before the helper itself: taskkill finds the children through their living parent.
                        TaskKill(process.Id);
                    }

                    process.Kill();
                }
            }
            catch (Exception e) when (e is InvalidOperationException || e is Win32Exception || e is AggregateException)
            {
                // It, or part of its tree, ended meanwhile.
            }

            KillLeftovers();
        }

        /// <summary>Kills, on Linux, the processes the helper started that still run after it exited.</summary>
        public void KillLeftovers()
        {
            if (!RuntimeInformation.IsOSPlatform(OSPlatform.Linux))
            {
                return;
            }

            // A process may start another between being found and being killed: look again while anything was found.
            for (var pass = 0; pass < 3; pass++)
            {
                if (!KillMarked())
                {
                    return;
                }
            }
        }

        private static Action<Process, bool>? FindKillEntireTree()
        {
            var method = typeof(Process).GetMethod(nameof(Process.Kill), new[] { typeof(bool) });
            return method == null ? null : (Action<Process, bool>)Delegate.CreateDelegate(typeof(Action<Process, bool>), method);
        }

        private static void TaskKill(int pid)
        {
            // From the system folder, not wherever PATH leads; its report is discarded.
            var startInfo = new ProcessStartInfo(Path.Combine(Environment.SystemDirectory, "taskkill.exe"), "/T /F /PID " + pid.ToString(CultureInfo.InvariantCulture))
            {
                UseShellExecute = false,
                CreateNoWindow = true,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            };
            try
            {
                using var taskkill = Process.Start(startInfo);
                taskkill.BeginOutputReadLine();
                taskkill.BeginErrorReadLine();
                taskkill.WaitForExit(5000);
            }
            catch (Exception e) when (e is Win32Exception || e is InvalidOperationException)
            {
                // No taskkill: the helper itself is still killed.
            }
        }

        private bool KillMarked()
        {
            var found = false;
            foreach (var directory in Directory.EnumerateDirectories("/proc"))
            {
                if (!int.TryParse(Path.GetFileName(directory), NumberStyles.None, CultureInfo.InvariantCulture, out var pid))
                {
                    continue;
                }

                byte[] environment;
                try
                {
                    environment = File.ReadAllBytes(Path.Combine(directory, "environ"));
                }
                catch (Exception e) when (e is IOException || e is UnauthorizedAccessException)
                {
                    // Gone, or another user's (which the helper cannot have started).
                    continue;
                }

                if (Contains(environment, marker))
                {
                    found = true;
                    KillProcess(pid);
                }
            }

            return found;
        }

        private static bool Contains(byte[] haystack, byte[] needle)
        {
            for (var start = 0; start <= haystack.Length - needle.Length; start++)
            {
                var at = 0;
                while (at < needle.Length && haystack[start + at] == needle[at])
                {
                    at++;
                }

                if (at == needle.Length)
                {
                    return true;
                }
            }

            return false;
        }

        private static void KillProcess(int pid)
        {
            try
            {
                using var process = Process.GetProcessById(pid);
                process.Kill();
            }
            catch (Exception e) when (e is ArgumentException || e is InvalidOperationException || e is Win32Exception)
            {
                // It ended meanwhile.
            }
        }
    }
}
