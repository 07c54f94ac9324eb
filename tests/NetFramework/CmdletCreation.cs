using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Management.Automation;
using System.Reflection;
using System.Text.RegularExpressions;

namespace StsPowerShell.NetFramework
{
    /// <summary>
    /// What Windows PowerShell does with the module's cmdlets once OnImport has run: Import-Module takes the exported,
    /// non-abstract Cmdlet subclasses with a parameterless constructor and reads their [Cmdlet]; Get-Command, Get-Help
    /// and the first call create the cmdlet and reflect over its public properties and fields, creating every attribute
    /// to find the [Parameter] ones. System.Management.Automation here is PowerShellStandard.Library's, whose members
    /// are empty stubs, so what this proves is the module's side: each cmdlet type loads with every type it names, its
    /// constructors and field initializers run, and its attributes (its own and PowerShell's, with their typeof
    /// arguments) are created. PowerShell's binder, help and formatting do not run.
    /// </summary>
    internal static class CmdletCreation
    {
        public static string CreateEveryCmdlet(Assembly module, string moduleFolder)
        {
            var types = module.GetExportedTypes()
                .Where(t => !t.IsAbstract && !t.IsInterface && !t.IsValueType && t.IsSubclassOf(typeof(Cmdlet)))
                .ToArray();
            var names = new List<string>();
            var parameters = 0;
            foreach (var type in types)
            {
                try
                {
                    parameters += Create(type, names);
                }
                catch (Exception e) when (!(e is InvalidOperationException))
                {
                    var cause = e is TargetInvocationException && e.InnerException != null ? e.InnerException : e;
                    throw new InvalidOperationException($"{type.Name}: {cause.GetType().Name}: {cause.Message}", cause);
                }
            }

            var exported = ManifestCmdlets(moduleFolder);
            Flows.Require(names.OrderBy(n => n, StringComparer.Ordinal).SequenceEqual(exported.OrderBy(n => n, StringComparer.Ordinal)),
                $"created {string.Join(", ", names)}; the manifest exports {string.Join(", ", exported)}");
            return $"{names.Count} cmdlets, {parameters} parameters";
        }

        // Returns the number of [Parameter] members; adds the cmdlet's name to names.
        private static int Create(Type type, List<string> names)
        {
            Flows.Require(type.GetConstructor(Type.EmptyTypes) != null, type.FullName + " has no public parameterless constructor, so PowerShell skips it.");

            // The stub CmdletAttribute keeps no values, so the name is read from the attribute's metadata.
            var cmdlet = type.GetCustomAttributesData().SingleOrDefault(a => a.AttributeType == typeof(CmdletAttribute))
                ?? throw new InvalidOperationException(type.FullName + " has no [Cmdlet].");
            names.Add(cmdlet.ConstructorArguments[0].Value + "-" + cmdlet.ConstructorArguments[1].Value);
            type.GetCustomAttributes(true);

            (Activator.CreateInstance(type) as IDisposable)?.Dispose();

            var count = type.GetMembers(BindingFlags.Instance | BindingFlags.Public)
                .Where(m => m is PropertyInfo || m is FieldInfo)
                .Count(m => m.GetCustomAttributes(true).OfType<ParameterAttribute>().Any());
            Flows.Require(count > 0, type.FullName + " has no [Parameter] property.");
            return count;
        }

        // CmdletsToExport from the module folder's manifest, so a cmdlet the scan above misses is a failure.
        private static string[] ManifestCmdlets(string moduleFolder)
        {
            var manifest = File.ReadAllText(Path.Combine(moduleFolder, "StsPowerShell.psd1"));
            var list = Regex.Match(manifest, @"CmdletsToExport\s*=\s*@\(([^)]*)\)");
            Flows.Require(list.Success, "the manifest has no CmdletsToExport list");
            return list.Groups[1].Value.Split(',').Select(s => s.Trim().Trim('\'')).Where(s => s.Length > 0).ToArray();
        }
    }
}
