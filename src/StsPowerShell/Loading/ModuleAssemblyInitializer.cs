using System;
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
        private static readonly bool IsNetFramework = RuntimeInformation.FrameworkDescription.StartsWith(".NET Framework", StringComparison.Ordinal);

        /// <summary>Called by Import-Module.</summary>
        public void OnImport()
        {
            if (IsNetFramework)
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
}
