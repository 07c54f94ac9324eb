using System;
using StsPowerShell.Core.Http;

namespace StsPowerShell.Binding
{
    /// <summary>Re-labels a core validation error with the cmdlet parameter it came from.</summary>
    internal static class ParameterNames
    {
        /// <summary>The same error, naming <paramref name="parameterName"/>.</summary>
        public static ArgumentException Rename(ArgumentException error, string parameterName) =>
            new ArgumentException(MessageText.Reason(error), parameterName, error);
    }
}
