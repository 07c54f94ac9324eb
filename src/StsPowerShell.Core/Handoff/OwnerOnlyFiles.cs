using System;
using System.IO;
using System.Reflection;
using System.Runtime.InteropServices;
using System.Text;

namespace StsPowerShell.Core.Handoff
{
    /// <summary>
    /// Files only the current user can read: a folder of their own (0700 on Unix; on Windows it inherits the user-only
    /// access of the profile's temporary folder) and files created new in it (0600 on Unix).
    /// </summary>
    public static class OwnerOnlyFiles
    {
        private const int OwnerReadWrite = 0x180;        // 0600
        private const int OwnerReadWriteSearch = 0x1C0;  // 0700

        // File.SetUnixFileMode exists from .NET 7; this assembly targets netstandard2.0 and finds it at run time.
        private static readonly MethodInfo? SetUnixFileMode = typeof(File).GetMethod("SetUnixFileMode", new[] { typeof(string), Type.GetType("System.IO.UnixFileMode") ?? typeof(void) });

        /// <summary>Creates a new folder with a name of its own under <paramref name="parent"/>.</summary>
        /// <exception cref="ArgumentException">The parent folder does not exist; names Path.</exception>
        public static string CreateFolder(string parent)
        {
            if (!Directory.Exists(parent))
            {
                throw new ArgumentException($"The folder {parent} does not exist.", "Path");
            }

            var folder = System.IO.Path.Combine(parent, "sts-" + Guid.NewGuid().ToString("N").Substring(0, 12));
            Directory.CreateDirectory(folder);
            Restrict(folder, OwnerReadWriteSearch);
            return folder;
        }

        /// <summary>Writes <paramref name="text"/> (UTF-8, no byte order mark) to a new file only the owner can read.</summary>
        public static void Write(string path, string text)
        {
            using (var stream = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None))
            {
                Restrict(path, OwnerReadWrite);
                var bytes = new UTF8Encoding(false).GetBytes(text);
                stream.Write(bytes, 0, bytes.Length);
            }
        }

        private static void Restrict(string path, int mode)
        {
            if (SetUnixFileMode != null && !RuntimeInformation.IsOSPlatform(OSPlatform.Windows))
            {
                SetUnixFileMode.Invoke(null, new[] { path, Enum.ToObject(SetUnixFileMode.GetParameters()[1].ParameterType, mode) });
            }
        }
    }
}
