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
        private const int OthersWrite = 0x2;             // 0002
        private const int StickyBit = 0x200;             // 01000

        // UnixFileMode and the methods that take it exist from .NET 7; this assembly targets netstandard2.0 and finds
        // them at run time (PowerShell 7.4 runs on .NET 8). Elsewhere (Windows, .NET Framework) they stay null.
        private static readonly Type? UnixFileMode = RuntimeInformation.IsOSPlatform(OSPlatform.Windows) ? null : Type.GetType("System.IO.UnixFileMode");
        private static readonly MethodInfo? SetUnixFileMode = UnixFileMode == null ? null : typeof(File).GetMethod("SetUnixFileMode", new[] { typeof(string), UnixFileMode });
        private static readonly MethodInfo? GetUnixFileMode = UnixFileMode == null ? null : typeof(File).GetMethod("GetUnixFileMode", new[] { typeof(string) });
        private static readonly MethodInfo? CreateDirectoryWithMode = UnixFileMode == null ? null : typeof(Directory).GetMethod("CreateDirectory", new[] { typeof(string), UnixFileMode });

        /// <summary>Creates a new folder with a name of its own under <paramref name="parent"/>, only the owner's from its creation on.</summary>
        /// <exception cref="ArgumentException">The parent folder does not exist, or every user may write in it without the sticky bit; names Path.</exception>
        public static string CreateFolder(string parent)
        {
            if (!Directory.Exists(parent))
            {
                throw new ArgumentException($"The folder {parent} does not exist.", "Path");
            }

            // In a folder every user may write in and rename in (no sticky bit, unlike /tmp), another user could move
            // the new folder away and put one of theirs in its place before the token file is written.
            if (GetUnixFileMode != null && (Convert.ToInt32(GetUnixFileMode.Invoke(null, new object[] { parent })) & (OthersWrite | StickyBit)) == OthersWrite)
            {
                throw new ArgumentException($"Every user may write in {parent} and it has no sticky bit, so another user could replace the folder the token files go into: give a -Path only you can write in, or one with the sticky bit (as /tmp has).", "Path");
            }

            var folder = System.IO.Path.Combine(parent, "sts-" + Guid.NewGuid().ToString("N").Substring(0, 12));
            if (CreateDirectoryWithMode != null)
            {
                CreateDirectoryWithMode.Invoke(null, new[] { folder, Enum.ToObject(UnixFileMode!, OwnerReadWriteSearch) });
            }
            else
            {
                Directory.CreateDirectory(folder);
            }

            // The mode given at creation is narrowed by the umask; set it exactly.
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
            SetUnixFileMode?.Invoke(null, new[] { path, Enum.ToObject(UnixFileMode!, mode) });
        }
    }
}
