using System;
using System.Collections;
using System.Globalization;
using System.IO;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace StsPowerShell.Core.Google
{
    /// <summary>Turns a dictionary (a PowerShell hashtable) into the JSON text of Google's <c>options</c> field.</summary>
    public static class StsOptionsJson
    {
        private const int MaximumDepth = 16;

        /// <summary>
        /// How every options JSON is written: escaping only what JSON requires (quotes, backslashes, control
        /// characters), not the HTML-sensitive ' &lt; &gt; &amp; + or non-ASCII text as \uXXXX, so what is measured against
        /// Google's 4096-character limit is what is sent, and no larger than the text the caller gave. The options
        /// travel in a form body, never inside HTML.
        /// </summary>
        internal static JsonWriterOptions WriterOptions { get; } = new JsonWriterOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

        /// <summary>Options given as a dictionary (written as JSON) or as JSON text (checked later, as sent); null when absent.</summary>
        /// <exception cref="ArgumentException">Another type, or a value JSON cannot hold; ParamName is <paramref name="parameterName"/>.</exception>
        public static string? FromParameter(object? options, string parameterName)
        {
            switch (options)
            {
                case null:
                    return null;
                case string json:
                    return json;
                case IDictionary dictionary:
                    return FromDictionary(dictionary, parameterName);
                default:
                    throw new ArgumentException($"Expected a hashtable or a JSON string, not a {options.GetType().FullName}.", parameterName);
            }
        }

        /// <summary>Serializes nested dictionaries, lists, strings, numbers, booleans and nulls.</summary>
        /// <exception cref="ArgumentException">A value of another kind, or nesting deeper than 16.</exception>
        public static string FromDictionary(IDictionary options, string parameterName)
        {
            using var stream = new MemoryStream();
            using (var writer = new Utf8JsonWriter(stream, WriterOptions))
            {
                WriteValue(writer, options, parameterName, 0);
            }

            return Encoding.UTF8.GetString(stream.ToArray());
        }

        private static void WriteValue(Utf8JsonWriter writer, object? value, string parameterName, int depth)
        {
            if (depth > MaximumDepth)
            {
                throw new ArgumentException($"The options nest deeper than {MaximumDepth} levels.", parameterName);
            }

            switch (value)
            {
                case null:
                    writer.WriteNullValue();
                    break;
                case string text:
                    writer.WriteStringValue(text);
                    break;
                case bool flag:
                    writer.WriteBooleanValue(flag);
                    break;
                case byte _:
                case sbyte _:
                case short _:
                case ushort _:
                case int _:
                case uint _:
                case long _:
                    writer.WriteNumberValue(Convert.ToInt64(value, CultureInfo.InvariantCulture));
                    break;
                case ulong number:
                    writer.WriteNumberValue(number);
                    break;
                case float _:
                case double _:
                    // Written through decimal so 0.1 is sent as 0.1; NaN, the infinities and numbers past decimal's
                    // range have no such form (and JSON has no NaN or infinity at all).
                    var real = Convert.ToDouble(value, CultureInfo.InvariantCulture);
                    if (double.IsNaN(real) || double.IsInfinity(real) || Math.Abs(real) >= (double)decimal.MaxValue)
                    {
                        throw new ArgumentException($"The options number {real.ToString("R", CultureInfo.InvariantCulture)} cannot be sent: numbers must be finite and smaller than 7.9E+28 in magnitude.", parameterName);
                    }

                    writer.WriteNumberValue(Convert.ToDecimal(value, CultureInfo.InvariantCulture));
                    break;
                case decimal number:
                    writer.WriteNumberValue(number);
                    break;
                case IDictionary dictionary:
                    writer.WriteStartObject();
                    foreach (DictionaryEntry entry in dictionary)
                    {
                        writer.WritePropertyName(Convert.ToString(entry.Key, CultureInfo.InvariantCulture) ?? string.Empty);
                        WriteValue(writer, entry.Value, parameterName, depth + 1);
                    }

                    writer.WriteEndObject();
                    break;
                case IEnumerable list:
                    writer.WriteStartArray();
                    foreach (var item in list)
                    {
                        WriteValue(writer, item, parameterName, depth + 1);
                    }

                    writer.WriteEndArray();
                    break;
                default:
                    throw new ArgumentException($"An options value of type {value.GetType().FullName} cannot be sent; use strings, numbers, booleans, arrays and hashtables.", parameterName);
            }
        }
    }
}
