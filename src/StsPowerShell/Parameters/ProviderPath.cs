using System;
using System.IO;
using System.Management.Automation;

namespace StsPowerShell.Parameters
{
    /// <summary>
    /// Resolves a path parameter the way PowerShell cmdlets do: relative to the current PowerShell location (not
    /// the process directory), with <c>~</c> and PSDrives, literally (no wildcards), on the FileSystem provider only.
    /// </summary>
    internal static class ProviderPath
    {
        /// <summary>The file-system path of an existing file named by <paramref name="path"/>.</summary>
        /// <exception cref="ArgumentException">The path is on another provider, or names no file; ParamName is <paramref name="parameterName"/>.</exception>
        public static string ResolveFile(PSCmdlet cmdlet, string path, string parameterName)
        {
            var resolved = Resolve(cmdlet, path, parameterName);
            if (!File.Exists(resolved))
            {
                throw new ArgumentException(Directory.Exists(resolved) ? $"'{resolved}' is a folder, not a file." : $"The file '{resolved}' does not exist.", parameterName);
            }

            return resolved;
        }

        /// <summary>The file-system path of an existing folder named by <paramref name="path"/>.</summary>
        /// <exception cref="ArgumentException">The path is on another provider, or names no folder; ParamName is <paramref name="parameterName"/>.</exception>
        public static string ResolveFolder(PSCmdlet cmdlet, string path, string parameterName)
        {
            var resolved = Resolve(cmdlet, path, parameterName);
            if (!Directory.Exists(resolved))
            {
                throw new ArgumentException(File.Exists(resolved) ? $"'{resolved}' is a file, not a folder." : $"The folder '{resolved}' does not exist.", parameterName);
            }

            return resolved;
        }

        private static string Resolve(PSCmdlet cmdlet, string path, string parameterName)
        {
            string resolved;
            ProviderInfo provider;
            try
            {
                resolved = cmdlet.SessionState.Path.GetUnresolvedProviderPathFromPSPath(path, out provider, out _);
            }
            catch (Exception e) when (e is ItemNotFoundException || e is System.Management.Automation.DriveNotFoundException || e is ProviderNotFoundException || e is NotSupportedException || e is PSArgumentException)
            {
                throw new ArgumentException($"'{path}' is not a path PowerShell can resolve: {e.Message}", parameterName, e);
            }

            if (!string.Equals(provider.Name, "FileSystem", StringComparison.OrdinalIgnoreCase))
            {
                throw new ArgumentException($"'{path}' is on the {provider.Name} provider; a file-system path is expected.", parameterName);
            }

            return resolved;
        }
    }
}
