using System.Management.Automation;

namespace StsPowerShell.Pipeline
{
    /// <summary>
    /// The target of an error about a piped object. An object whose token properties hold plain text is copied
    /// with those values replaced, so that neither the record nor its TargetName (the target's text, which
    /// PowerShell prints) carries a token; other objects are the target as they are.
    /// </summary>
    internal static class ErrorTarget
    {
        private static readonly string[] SecretProperties = { "SubjectToken", "AccessToken", "ActorToken", "RefreshToken" };

        /// <summary>
        /// Refuses a piped object that carries no token: with every parameter given on the command line, any object
        /// would otherwise bind (as the target) and repeat the call once per object. A piped string or SecureString is
        /// the token itself, unless -SubjectToken was given on the command line.
        /// </summary>
        /// <exception cref="System.ArgumentException">It carries no token; ParamName is InputObject.</exception>
        public static void RequireToken(PSObject? input, bool subjectTokenOnCommandLine)
        {
            var carriesToken = input == null
                || (IsToken(input) ? !subjectTokenOnCommandLine : input.Properties["SubjectToken"] != null || input.Properties["AccessToken"] != null);
            if (!carriesToken)
            {
                throw new System.ArgumentException($"The piped {input!.BaseObject.GetType().Name} is not taken as the token and has no SubjectToken or AccessToken property: pipe tokens or token objects, or give -SubjectToken without pipeline input.", "InputObject");
            }
        }

        /// <summary>The target for errors about <paramref name="input"/>.</summary>
        public static object? Of(PSObject? input)
        {
            if (input?.BaseObject is string piped)
            {
                // A piped string is the token itself.
                return $"[a piped token of {piped.Length} characters, hidden]";
            }

            if (input == null || !HasPlainSecret(input))
            {
                return input;
            }

            var copy = new PSObject();
            foreach (var property in input.Properties)
            {
                object? value;
                try
                {
                    value = property.Value;
                }
                catch (GetValueException)
                {
                    continue;
                }

                copy.Properties.Add(new PSNoteProperty(property.Name, IsSecret(property.Name) && value is string text ? $"[{text.Length} characters, hidden]" : value));
            }

            return copy;
        }

        private static bool IsToken(PSObject input) => input.BaseObject is string || input.BaseObject is System.Security.SecureString;

        private static bool HasPlainSecret(PSObject input)
        {
            foreach (var name in SecretProperties)
            {
                var property = input.Properties[name];
                if (property != null && (property.Value is string || property.Value is PSObject wrapped && wrapped.BaseObject is string))
                {
                    return true;
                }
            }

            return false;
        }

        private static bool IsSecret(string name) => System.Array.Exists(SecretProperties, s => string.Equals(s, name, System.StringComparison.OrdinalIgnoreCase));
    }
}
