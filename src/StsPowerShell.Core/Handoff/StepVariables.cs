using System;
using System.Collections.Generic;
using System.IO;
using System.Text;

namespace StsPowerShell.Core.Handoff
{
    /// <summary>Where the next steps of a job read variables from.</summary>
    public enum StepHost
    {
        /// <summary>This process only (and what it starts).</summary>
        Process,

        /// <summary>Azure Pipelines (TF_BUILD): ##vso[task.setvariable] logging commands on standard output.</summary>
        AzurePipelines,

        /// <summary>GitHub Actions (GITHUB_ACTIONS): the file GITHUB_ENV names.</summary>
        GitHubActions,
    }

    /// <summary>An environment variable handed to the next steps; a secret one is masked in the job's log.</summary>
    public sealed class StepVariable
    {
        /// <summary>Creates the variable.</summary>
        /// <exception cref="ArgumentException">The value spans lines, which no host's syntax carries safely.</exception>
        public StepVariable(string name, string value, bool isSecret = false)
        {
            if (value.IndexOf('\n') >= 0 || value.IndexOf('\r') >= 0)
            {
                throw new ArgumentException($"The value of {name} spans lines, which cannot be handed to the next steps.", name);
            }

            Name = name;
            Value = value;
            IsSecret = isSecret;
        }

        /// <summary>The variable's name.</summary>
        public string Name { get; }

        /// <summary>Its value: a secret when <see cref="IsSecret"/>.</summary>
        internal string Value { get; }

        /// <summary>True for a credential, which the job's log masks.</summary>
        public bool IsSecret { get; }
    }

    /// <summary>
    /// Sets variables for this process and hands them to the job's next steps the way its host expects: Azure
    /// Pipelines' setvariable logging command (issecret=true for secrets), GitHub Actions' GITHUB_ENV file (with
    /// ::add-mask:: for secrets), or the process environment alone.
    /// </summary>
    public static class StepVariables
    {
        /// <summary>The host the environment shows.</summary>
        public static StepHost Detect(IReadOnlyDictionary<string, string?> environment)
        {
            if (string.Equals(EnvironmentVariables.Get(environment, "TF_BUILD"), "True", StringComparison.OrdinalIgnoreCase))
            {
                return StepHost.AzurePipelines;
            }

            return string.Equals(EnvironmentVariables.Get(environment, "GITHUB_ACTIONS"), "true", StringComparison.OrdinalIgnoreCase)
                && EnvironmentVariables.Get(environment, "GITHUB_ENV") != null
                ? StepHost.GitHubActions
                : StepHost.Process;
        }

        /// <summary>Sets <paramref name="variables"/> here and for the next steps; <paramref name="writeLine"/> prints a line to standard output.</summary>
        public static StepHost Export(IEnumerable<StepVariable> variables, IReadOnlyDictionary<string, string?> environment, Action<string> writeLine)
        {
            var host = Detect(environment);
            foreach (var variable in variables)
            {
                Environment.SetEnvironmentVariable(variable.Name, variable.Value);
                switch (host)
                {
                    case StepHost.AzurePipelines:
                        writeLine($"##vso[task.setvariable variable={EscapeProperty(variable.Name)}{(variable.IsSecret ? ";issecret=true" : string.Empty)}]{EscapeData(variable.Value)}");
                        break;
                    case StepHost.GitHubActions:
                        if (variable.IsSecret)
                        {
                            writeLine("::add-mask::" + variable.Value);
                        }

                        // The multi-line form with a delimiter no value can contain: safe whatever the value holds.
                        var delimiter = "ghadelimiter_" + Guid.NewGuid().ToString("N");
                        File.AppendAllText(EnvironmentVariables.Get(environment, "GITHUB_ENV")!, $"{variable.Name}<<{delimiter}\n{variable.Value}\n{delimiter}\n", new UTF8Encoding(false));
                        break;
                }
            }

            return host;
        }

        // Azure Pipelines' escaping of logging command data and properties.
        private static string EscapeData(string value) => value.Replace("%", "%AZP25").Replace("\r", "%0D").Replace("\n", "%0A");

        private static string EscapeProperty(string value) => EscapeData(value).Replace(";", "%3B").Replace("]", "%5D");
    }
}
