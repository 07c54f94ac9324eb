using System;
using System.Runtime.InteropServices;
using System.Security;

namespace StsPowerShell.Parameters
{
    /// <summary>Moves secrets between SecureString and the plain text the wire needs, for the shortest time possible.</summary>
    internal static class SecretText
    {
        /// <summary>The most characters a SecureString holds.</summary>
        public const int MaximumSecureStringLength = 65536;

        /// <summary>
        /// The plain text of a secret parameter's value, as <see cref="SecretTransformationAttribute"/> left it: a
        /// string or a SecureString. Null when absent.
        /// </summary>
        /// <exception cref="ArgumentException">The value is of another type; ParamName is <paramref name="parameterName"/>.</exception>
        public static string? FromParameter(object? value, string parameterName)
        {
            switch (value)
            {
                case null:
                    return null;
                case string text:
                    return text;
                case SecureString secure:
                    return ToPlainText(secure);
                default:
                    throw new ArgumentException($"Expected a string or a SecureString, not a {value.GetType().FullName}.", parameterName);
            }
        }

        /// <summary>The plain text of a SecureString.</summary>
        public static string ToPlainText(SecureString secure)
        {
            var pointer = Marshal.SecureStringToGlobalAllocUnicode(secure);
            try
            {
                return Marshal.PtrToStringUni(pointer) ?? string.Empty;
            }
            finally
            {
                Marshal.ZeroFreeGlobalAllocUnicode(pointer);
            }
        }

        /// <summary>A read-only SecureString holding <paramref name="text"/>, a token that came from elsewhere.</summary>
        /// <exception cref="Core.UnusableInputException">The text is longer than a SecureString holds; the message names <paramref name="what"/> and -AsPlainText.</exception>
        public static SecureString ToSecureString(string text, string what) =>
            text.Length <= MaximumSecureStringLength
                ? ToSecureString(text)
                : throw new Core.UnusableInputException($"{what} has {text.Length} characters, more than the {MaximumSecureStringLength} a SecureString holds; use -AsPlainText to receive it as a string.");

        /// <summary>A read-only SecureString holding <paramref name="text"/>.</summary>
        public static SecureString ToSecureString(string text)
        {
            var secure = new SecureString();
            foreach (var c in text)
            {
                secure.AppendChar(c);
            }

            secure.MakeReadOnly();
            return secure;
        }
    }
}
