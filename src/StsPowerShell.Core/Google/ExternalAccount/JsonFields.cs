using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.Json;

namespace StsPowerShell.Core.Google
{
    /// <summary>Typed reads of one JSON object of a configuration file, each error naming the field and the file.</summary>
    internal sealed class JsonFields
    {
        private readonly JsonElement element;
        private readonly string path;
        private readonly string prefix;

        public JsonFields(JsonElement element, string path, string prefix)
        {
            this.element = element;
            this.path = path;
            this.prefix = prefix;
        }

        public ExternalAccountConfigurationException Error(string name, string problem) => new ExternalAccountConfigurationException(path, (prefix + name).TrimEnd('.'), problem);

        /// <summary>Refuses fields outside <paramref name="known"/>: a typo must not silently change behaviour.</summary>
        public void OnlyKnown(params string[] known)
        {
            foreach (var property in element.EnumerateObject())
            {
                if (!known.Contains(property.Name, StringComparer.Ordinal))
                {
                    throw Error(property.Name, $"is not a field of this object; expected one of {string.Join(", ", known)}.");
                }
            }
        }

        public bool Has(string name) => element.TryGetProperty(name, out var value) && value.ValueKind != JsonValueKind.Null;

        public string? OptionalString(string name)
        {
            if (!element.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
            {
                return null;
            }

            if (value.ValueKind != JsonValueKind.String)
            {
                throw Error(name, $"must be a string, not a JSON {value.ValueKind.ToString().ToLowerInvariant()}.");
            }

            return value.GetString();
        }

        public bool? OptionalBoolean(string name)
        {
            if (!element.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
            {
                return null;
            }

            return value.ValueKind == JsonValueKind.True || (value.ValueKind == JsonValueKind.False ? false : throw Error(name, $"must be true or false, not a JSON {value.ValueKind.ToString().ToLowerInvariant()}."));
        }

        public string RequiredString(string name)
        {
            var value = OptionalString(name);
            return string.IsNullOrWhiteSpace(value) ? throw Error(name, "is required and must be a non-empty string.") : value!;
        }

        public long? OptionalInteger(string name, long minimum, long maximum)
        {
            if (!element.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
            {
                return null;
            }

            if (value.ValueKind != JsonValueKind.Number || !value.TryGetInt64(out var number) || number < minimum || number > maximum)
            {
                throw Error(name, $"must be a whole number from {minimum} to {maximum}.");
            }

            return number;
        }

        public JsonFields? OptionalObject(string name)
        {
            if (!element.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
            {
                return null;
            }

            if (value.ValueKind != JsonValueKind.Object)
            {
                throw Error(name, $"must be a JSON object, not a JSON {value.ValueKind.ToString().ToLowerInvariant()}.");
            }

            return new JsonFields(value, path, prefix + name + ".");
        }

        public IReadOnlyDictionary<string, string> StringMap(string name)
        {
            var map = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
            var fields = OptionalObject(name);
            if (fields == null)
            {
                return map;
            }

            foreach (var property in fields.element.EnumerateObject())
            {
                map[property.Name] = fields.RequiredString(property.Name);
            }

            return map;
        }

        public Uri Url(string name, bool allowMetadataHttp)
        {
            var text = RequiredString(name);
            if (!Uri.TryCreate(text, UriKind.Absolute, out var uri))
            {
                throw Error(name, "is not an absolute URL.");
            }

            try
            {
                Http.EndpointPolicy.Validate(uri, name);
            }
            catch (ArgumentException) when (allowMetadataHttp && Http.EndpointPolicy.IsLinkLocalMetadata(uri))
            {
                // Cloud metadata services (Azure, AWS) answer only over plain http on their link-local address.
            }
            catch (ArgumentException e)
            {
                throw Error(name, Http.MessageText.Reason(e));
            }

            return uri;
        }

    }
}
