using System;

namespace StsPowerShell.Binding
{
    /// <summary>Re-labels a core validation error with the cmdlet parameter it came from.</summary>
    internal static class ParameterNames
    {
        /// <summary>The message of <paramref name="error"/> without the runtime's "(Parameter 'x')" suffix.</summary>
        public static string Reason(ArgumentException error)
        {
            if (string.IsNullOrEmpty(error.ParamName))
            {
                return error.Message;
            }

            // The runtime formats the suffix its own way (.NET Framework and .NET differ); ask it.
            var suffix = new ArgumentException(string.Empty, error.ParamName).Message;
            return error.Message.EndsWith(suffix, StringComparison.Ordinal) ? error.Message.Substring(0, error.Message.Length - suffix.Length) : error.Message;
        }

        /// <summary>The same error, naming <paramref name="parameterName"/>.</summary>
        public static ArgumentException Rename(ArgumentException error, string parameterName) =>
            new ArgumentException(Reason(error), parameterName, error);
    }
}
