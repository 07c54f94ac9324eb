using System;
using System.IO;
using System.Linq;
using System.Reflection;

namespace StsPowerShell.Loading
{
    /// <summary>
    /// Finds the assemblies shipped in the module's dependencies/ folder. Windows PowerShell 5.1 has no
    /// System.Text.Json, and another module may have loaded an older copy of one of its dependencies; the
    /// module answers for its own allow-list only, whatever version was requested.
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

        /// <summary>The file to load for <paramref name="requestedAssembly"/>, or null when it is not ours to answer.</summary>
        public static string? Resolve(string requestedAssembly, string moduleDirectory)
        {
            var name = new AssemblyName(requestedAssembly).Name;
            if (name == null || !AssemblyNames.Contains(name, StringComparer.OrdinalIgnoreCase))
            {
                return null;
            }

            var path = Path.Combine(Path.Combine(moduleDirectory, FolderName), name + ".dll");
            return File.Exists(path) ? path : null;
        }
    }
}
