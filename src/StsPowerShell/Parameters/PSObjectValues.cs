using System.Collections;
using System.Management.Automation;

namespace StsPowerShell.Parameters
{
    /// <summary>Strips PowerShell's PSObject wrappers from parameter values, including inside hashtables and arrays.</summary>
    internal static class PSObjectValues
    {
        public static object? Unwrap(object? value)
        {
            if (value is PSObject wrapped)
            {
                value = wrapped.BaseObject;
            }

            switch (value)
            {
                case IDictionary dictionary:
                    var copy = new Hashtable();
                    foreach (DictionaryEntry entry in dictionary)
                    {
                        copy[Unwrap(entry.Key)!] = Unwrap(entry.Value);
                    }

                    return copy;
                case string _:
                    return value;
                case IEnumerable list:
                    var items = new ArrayList();
                    foreach (var item in list)
                    {
                        items.Add(Unwrap(item));
                    }

                    return items.ToArray();
                default:
                    return value;
            }
        }
    }
}
