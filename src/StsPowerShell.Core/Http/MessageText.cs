using System.Globalization;

namespace StsPowerShell.Core.Http
{
    /// <summary>How error messages quote what a person typed: short values whole, long ones (perhaps a token in the wrong place) only begun.</summary>
    public static class MessageText
    {
        private const int MaximumQuotedLength = 64;
        private const int QuotedPrefixLength = 12;

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
