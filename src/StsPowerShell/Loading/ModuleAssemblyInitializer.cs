using System;
using System.Collections.Generic;
using System.IO;
using System.Management.Automation;
using System.Reflection;
using System.Runtime.InteropServices;

namespace StsPowerShell.Loading
{
    /// <summary>
    /// Hooks AppDomain.AssemblyResolve on .NET Framework (Windows PowerShell 5.1) so dependencies/ is found;
    /// PowerShell 7's own System.Text.Json satisfies the 8.0 reference, so nothing is hooked there.
    /// Unhooked on Remove-Module, so a re-import hooks exactly once.
    /// </summary>
    public sealed class ModuleAssemblyInitializer : IModuleAssemblyInitializer, IModuleAssemblyCleanup
    {
        private static readonly string ModuleDirectory = Path.GetDirectoryName(typeof(ModuleAssemblyInitializer).Assembly.Location) ?? string.Empty;

        // A runtime whose core library is mscorlib (.NET Framework, or Mono standing in for it in the tests)
        // has no System.Text.Json of its own; .NET (Core) has System.Private.CoreLib and ships it.
        private static readonly bool IsMscorlibRuntime = string.Equals(typeof(object).Assembly.GetName().Name, "mscorlib", StringComparison.Ordinal);

        /// <summary>Called by Import-Module.</summary>
        public void OnImport()
        {
            var refusal = FrameworkCheck.Refusal(RuntimeInformation.FrameworkDescription, FrameworkCheck.HasNet472Api());
            if (refusal != null)
            {
                throw new PlatformNotSupportedException(refusal);
            }

            if (IsMscorlibRuntime)
            {
                AppDomain.CurrentDomain.AssemblyResolve -= OnAssemblyResolve;
                AppDomain.CurrentDomain.AssemblyResolve += OnAssemblyResolve;
            }
        }

        /// <summary>Called by Remove-Module.</summary>
        public void OnRemove(PSModuleInfo psModuleInfo)
        {
            AppDomain.CurrentDomain.AssemblyResolve -= OnAssemblyResolve;
        }

        private static Assembly? OnAssemblyResolve(object? sender, ResolveEventArgs args)
        {
            var path = DependencyResolver.Resolve(args.Name, ModuleDirectory);
            return path == null ? null : Assembly.LoadFrom(path);
        }
    }

    /// <summary>
    /// Windows PowerShell 5.1 does not enforce the manifest's DotNetFrameworkVersion. Below 4.7.1 the import already
    /// fails (no netstandard 2.0); on 4.7.1 it would load and then fail in every network cmdlet, so the import
    /// refuses there with one sentence.
    /// </summary>
    internal static class FrameworkCheck
    {
        /// <summary>The sentence Import-Module fails with, or null when the runtime is good enough.</summary>
        public static string? Refusal(string frameworkDescription, bool hasNet472Api) =>
            frameworkDescription.StartsWith(".NET Framework", StringComparison.Ordinal) && !hasNet472Api
                ? $"StsPowerShell needs .NET Framework 4.7.2 or later, and this Windows PowerShell runs on {frameworkDescription}: install .NET Framework 4.8 (or use PowerShell 7) and start a new session."
                : null;

        /// <summary>
        /// Whether an API that first shipped in .NET Framework 4.7.2 is present: HashSet&lt;T&gt;.TryGetValue. A
        /// feature test, because the registry's release key is not reachable from netstandard2.0 and the file
        /// versions in FrameworkDescription are not documented per release.
        /// </summary>
        public static bool HasNet472Api() =>
            typeof(HashSet<int>).GetMethod("TryGetValue", new[] { typeof(int), typeof(int).MakeByRefType() }) != null;
    }
}
