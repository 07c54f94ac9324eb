using System;
using System.Globalization;

namespace StsPowerShell.Core.Http
{
    /// <summary>How error messages quote what a person typed: short values whole, long ones (perhaps a token in the wrong place) only begun.</summary>
    public static class MessageText
    {
        private const int MaximumQuotedLength = 64;
        private const int QuotedPrefixLength = 12;

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

        /// <summary>The value in quotes, or its first characters and its length when it is long.</summary>
        public static string Quote(string? value)
        {
            if (value == null)
            {
                return "(null)";
            }

            return value.Length <= MaximumQuotedLength
                ? "'" + value + "'"
                : "'" + value.Substring(0, QuotedPrefixLength) + "…' (" + value.Length.ToString(CultureInfo.InvariantCulture) + " characters)";
        }
    }
}
