using System;
using System.Collections.Generic;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace StsPowerShell.Core.Http.Proxies
{
    /// <summary>
    /// A NO_PROXY value: entries separated by commas or spaces; '*' for every host; a host name, which covers its
    /// subdomains ('.example.com' and '*.example.com' mean the same, a final dot is ignored); an IP address or CIDR
    /// range (as Go and Python read them); any of these with ':port' to cover one port only (as Go does). Names are
    /// compared as written, never resolved; anything not understood covers nothing, so the request keeps its proxy.
    /// </summary>
    internal sealed class NoProxyList
    {
        private readonly List<Entry> entries = new List<Entry>();

        public NoProxyList(string value)
        {
            foreach (var item in value.Split(new[] { ',', ' ', '\t' }, StringSplitOptions.RemoveEmptyEntries))
            {
                var entry = Entry.Parse(item);
                if (entry != null)
                {
                    entries.Add(entry);
                }
            }
        }

        /// <summary>The entry, as written, that covers <paramref name="target"/>; null when none does.</summary>
        public string? Match(Uri target)
        {
            var host = target.HostNameType == UriHostNameType.IPv6 ? target.Host.Trim('[', ']') : target.Host.TrimEnd('.');
            IPAddress.TryParse(host, out var address);
            foreach (var entry in entries)
            {
                if (entry.Covers(host, address, target.Port))
                {
                    return entry.Text;
                }
            }

            return null;
        }

        private sealed class Entry
        {
            private string Host { get; set; } = string.Empty;

            private IPAddress? Network { get; set; }

            private int PrefixLength { get; set; } = -1;

            private int? Port { get; set; }

            private bool Everything { get; set; }

            public string Text { get; private set; } = string.Empty;

            public static Entry? Parse(string text)
            {
                var entry = new Entry { Text = text };
                if (text == "*")
                {
                    entry.Everything = true;
                    return entry;
                }

                var rest = text;
                if (rest.StartsWith("[", StringComparison.Ordinal))
                {
                    // [IPv6] or [IPv6]:port
                    var close = rest.IndexOf(']');
                    if (close < 0 || !TrySetPort(entry, rest.Substring(close + 1)))
                    {
                        return null;
                    }

                    rest = rest.Substring(1, close - 1);
                }
                else if (rest.IndexOf(':') == rest.LastIndexOf(':') && rest.IndexOf(':') > 0)
                {
                    // host:port or IPv4:port; several colons are a bare IPv6 address.
                    var colon = rest.IndexOf(':');
                    if (!TrySetPort(entry, rest.Substring(colon)))
                    {
                        return null;
                    }

                    rest = rest.Substring(0, colon);
                }

                var slash = rest.IndexOf('/');
                if (slash >= 0)
                {
                    if (!IPAddress.TryParse(rest.Substring(0, slash), out var network)
                        || !int.TryParse(rest.Substring(slash + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var prefix)
                        || prefix > (network.AddressFamily == AddressFamily.InterNetwork ? 32 : 128))
                    {
                        return null;
                    }

                    entry.Network = network;
                    entry.PrefixLength = prefix;
                    return entry;
                }

                if (IPAddress.TryParse(rest, out var address))
                {
                    entry.Network = address;
                    entry.PrefixLength = address.AddressFamily == AddressFamily.InterNetwork ? 32 : 128;
                    return entry;
                }

                entry.Host = (rest.StartsWith("*.", StringComparison.Ordinal) ? rest.Substring(2) : rest.TrimStart('.')).TrimEnd('.');
                return entry.Host.Length == 0 ? null : entry;
            }

            public bool Covers(string host, IPAddress? address, int port)
            {
                if (Everything)
                {
                    return true;
                }

                if (Port.HasValue && Port.Value != port)
                {
                    return false;
                }

                if (Network != null)
                {
                    return address != null && InNetwork(address);
                }

                return string.Equals(host, Host, StringComparison.OrdinalIgnoreCase)
                    || host.EndsWith("." + Host, StringComparison.OrdinalIgnoreCase);
            }

            private static bool TrySetPort(Entry entry, string suffix)
            {
                if (suffix.Length == 0)
                {
                    return true;
                }

                if (suffix[0] != ':' || !int.TryParse(suffix.Substring(1), NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port < 1 || port > 65535)
                {
                    return false;
                }

                entry.Port = port;
                return true;
            }

            private bool InNetwork(IPAddress address)
            {
                if (address.IsIPv4MappedToIPv6 && Network!.AddressFamily == AddressFamily.InterNetwork)
                {
                    address = address.MapToIPv4();
                }

                var candidate = address.GetAddressBytes();
                var network = Network!.GetAddressBytes();
                if (candidate.Length != network.Length)
                {
                    return false;
                }

                for (var bit = 0; bit < PrefixLength; bit++)
                {
                    var mask = 0x80 >> (bit % 8);
                    if ((candidate[bit / 8] & mask) != (network[bit / 8] & mask))
                    {
                        return false;
                    }
                }

                return true;
            }
        }
    }
}
