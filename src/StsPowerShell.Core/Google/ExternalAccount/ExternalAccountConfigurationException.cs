using StsPowerShell.Core.Http;

namespace StsPowerShell.Core.Google
{
    /// <summary>An external_account configuration file is unusable: the message names the field and the file.</summary>
    public sealed class ExternalAccountConfigurationException : StsException
    {
        /// <summary>Creates the exception.</summary>
        public ExternalAccountConfigurationException(string path, string field, string problem)
            : base($"{path}: {(field.Length == 0 ? string.Empty : "'" + field + "' ")}{problem}")
        {
            Path = path;
            Field = field;
        }

        /// <summary>The configuration file.</summary>
        public string Path { get; }

        /// <summary>The field at fault (a JSON path such as credential_source.format.type), or empty for the whole file.</summary>
        public string Field { get; }
    }
}
