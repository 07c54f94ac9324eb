using System;
using System.Collections;
using System.Collections.Generic;
using System.Management.Automation;

namespace StsPowerShell.Parameters
{
    /// <summary>
    /// Strips PowerShell's PSObject wrappers from parameter values, including inside hashtables and arrays. The one
    /// place parameter values are walked: a hashtable or list that contains itself, or nests deeper than
    /// <see cref="MaximumDepth"/>, is refused here, before any recursion could overflow the stack (which kills
    /// the process: no catch or finally runs).
    /// </summary>
    internal static class PSObjectValues
    {
        /// <summary>How deep hashtables and lists may nest; well above what any option or header value needs.</summary>
        public const int MaximumDepth = 32;

        /// <summary>The value without PSObject wrappers; dictionaries become hashtables, other lists arrays.</summary>
        /// <exception cref="ArgumentException">The value contains itself or nests too deep; ParamName is <paramref name="parameterName"/>.</exception>
        public static object? Unwrap(object? value, string parameterName) => Unwrap(value, parameterName, new List<object>());

        private static object? Unwrap(object? value, string parameterName, List<object> enclosing)
        {
            if (value is PSObject wrapped)
            {
                value = wrapped.BaseObject;
            }

            if (value is string || !(value is IEnumerable container))
            {
                return value;
            }

            if (enclosing.Exists(outer => ReferenceEquals(outer, container)))
            {
                throw new ArgumentException("The value contains itself (a hashtable or list that refers to itself cannot be sent).", parameterName);
            }

            if (enclosing.Count == MaximumDepth)
            {
                throw new ArgumentException($"The value nests hashtables or lists deeper than {MaximumDepth} levels.", parameterName);
            }

            enclosing.Add(container);
            try
            {
                if (container is IDictionary dictionary)
                {
                    var copy = new Hashtable();
                    foreach (DictionaryEntry entry in dictionary)
                    {
                        copy[Unwrap(entry.Key, parameterName, enclosing)!] = Unwrap(entry.Value, parameterName, enclosing);
                    }

                    return copy;
                }

                var items = new ArrayList();
                foreach (var item in container)
                {
                    items.Add(Unwrap(item, parameterName, enclosing));
                }

                return items.ToArray();
            }
            finally
            {
                enclosing.RemoveAt(enclosing.Count - 1);
            }
        }
    }
}
