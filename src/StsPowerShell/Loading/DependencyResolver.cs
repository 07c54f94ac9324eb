using System;
using System.Collections.Concurrent;
using System.IO;
using System.Reflection;

namespace StsPowerShell.Loading
{
    /// <summary>
    /// Finds the assemblies shipped in the module's dependencies/ folder. Windows PowerShell 5.1 has no
    /// System.Text.Json, so the module answers for the files it ships, and only when the shipped copy can
    /// stand in for the request: .NET Framework accepts any version an AssemblyResolve handler returns, so
    /// answering a request for a newer version would hand another module in the session an older copy it
    /// cannot work with.
    /// </summary>
    internal static class DependencyResolver
    {
        /// <summary>The folder, beside the module assembly, that holds System.Text.Json and its closure.</summary>
        public const string FolderName = "dependencies";

        /// <summary>System.Text.Json 8's netstandard2.0 closure: the files shipped in dependencies/.</summary>
        public static readonly string[] AssemblyNames =
        {
            "Microsoft.Bcl.AsyncInterfaces",
            "System.Buffers",
            "System.Memory",
            "System.Numerics.Vectors",
            "System.Runtime.CompilerServices.Unsafe",
            "System.Text.Encodings.Web",
            "System.Text.Json",
            "System.Threading.Tasks.Extensions",
        };

        // The identity of each shipped file, read once: resolve events repeat for the same names.
        private static readonly ConcurrentDictionary<string, AssemblyName?> Shipped = new ConcurrentDictionary<string, AssemblyName?>(StringComparer.OrdinalIgnoreCase);

        /// <summary>The file to load for <paramref name="requestedAssembly"/>, or null when it is not ours to answer.</summary>
        public static string? Resolve(string requestedAssembly, string moduleDirectory)
        {
            AssemblyName requested;
            try
            {
                requested = new AssemblyName(requestedAssembly);
            }
            catch (Exception e) when (e is ArgumentException || e is FileLoadException)
            {
                return null;
            }

            if (requested.Name == null || !IsShipped(requested.Name))
            {
                return null;
            }

            var path = Path.Combine(Path.Combine(moduleDirectory, FolderName), requested.Name + ".dll");
            var shipped = Shipped.GetOrAdd(path, ReadIdentity);
            return shipped != null && CanAnswer(requested, shipped) ? path : null;
        }

        /// <summary>
        /// Whether the shipped assembly may answer the request: same name, same public key token when the request
        /// names one, and a requested version not higher than the shipped one (a request without a version
        /// takes what is shipped).
        /// </summary>
        public static bool CanAnswer(AssemblyName requested, AssemblyName shipped)
        {
            if (!string.Equals(requested.Name, shipped.Name, StringComparison.OrdinalIgnoreCase))
            {
                return false;
            }

            var requestedToken = requested.GetPublicKeyToken();
            if (requestedToken != null && requestedToken.Length > 0 && !SameBytes(requestedToken, shipped.GetPublicKeyToken()))
            {
                return false;
            }

            return requested.Version == null || (shipped.Version != null && requested.Version <= shipped.Version);
        }

        // This code runs while a dependency is being resolved, so it must not need one: no LINQ over arrays or
        // spans, which C# 14 may bind to System.Memory's MemoryExtensions (a resolve that recurses into itself).
        private static bool IsShipped(string name)
        {
            foreach (var shipped in AssemblyNames)
            {
                if (string.Equals(shipped, name, StringComparison.OrdinalIgnoreCase))
                {
                    return true;
                }
            }

            return false;
        }

        private static bool SameBytes(byte[] left, byte[]? right)
        {
            if (right == null || left.Length != right.Length)
            {
                return false;
            }

            for (var i = 0; i < left.Length; i++)
            {
                if (left[i] != right[i])
                {
                    return false;
                }
            }

            return true;
        }

        private static AssemblyName? ReadIdentity(string path)
        {
            try
            {
                return File.Exists(path) ? AssemblyName.GetAssemblyName(path) : null;
            }
            catch (Exception e) when (e is IOException || e is BadImageFormatException || e is UnauthorizedAccessException)
            {
                return null;
            }
        }
    }
}
