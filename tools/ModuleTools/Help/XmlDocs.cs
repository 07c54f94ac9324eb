using System.Reflection;
using System.Text.RegularExpressions;
using System.Xml.Linq;

namespace ModuleTools.Help;

/// <summary>
/// The compiler's XML documentation file, read as help text. Conventions on a cmdlet class: &lt;para
/// type="synopsis"&gt; and &lt;para type="description"&gt; in the summary, &lt;example title="…"&gt; with &lt;code&gt;
/// and &lt;para&gt;, &lt;seealso href="…"&gt;, &lt;remarks&gt; for notes. On a parameter: the summary, and &lt;value&gt; for its default.
/// </summary>
public sealed partial class XmlDocs(params XDocument[] documents)
{
    private readonly Dictionary<string, XElement> members = documents.SelectMany(d => d.Descendants("member"))
        .Where(m => m.Attribute("name") != null)
        .GroupBy(m => m.Attribute("name")!.Value, StringComparer.Ordinal)
        .ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal);

    /// <summary>The documentation file, and every other one beside it (the types a cmdlet outputs may live in another assembly).</summary>
    public static XmlDocs Load(string path)
    {
        var folder = Path.GetDirectoryName(Path.GetFullPath(path))!;
        var others = Directory.GetFiles(folder, "*.xml").Where(f => !string.Equals(Path.GetFullPath(f), Path.GetFullPath(path), StringComparison.Ordinal));
        return new XmlDocs(new[] { path }.Concat(others)
            .Select(f => XDocument.Load(f, LoadOptions.PreserveWhitespace))
            .Where(d => d.Root?.Name.LocalName == "doc")
            .ToArray());
    }

    public XElement? Type(Type type) => members.GetValueOrDefault("T:" + type.FullName);

    public XElement? Property(PropertyInfo property) => members.GetValueOrDefault("P:" + property.DeclaringType!.FullName + "." + property.Name);

    public static IEnumerable<string> Paragraphs(XElement? element, string? type = null) =>
        element?.Descendants("para").Where(p => (string?)p.Attribute("type") == type).Select(Text).Where(t => t.Length > 0) ?? Enumerable.Empty<string>();

    /// <summary>The element's text, whitespace collapsed; cref references shown by their short name.</summary>
    public static string Text(XElement? element)
    {
        if (element == null)
        {
            return string.Empty;
        }

        var parts = element.Nodes().Select(node => node switch
        {
            XText text => text.Value,
            XElement { Name.LocalName: "see" or "seealso" } see => ((string?)see.Attribute("cref") ?? (string?)see.Attribute("href") ?? see.Value).Split('.', ':').Last(),
            XElement { Name.LocalName: "c" or "paramref" or "typeparamref" } code => code.Value + (string?)code.Attribute("name"),
            XElement other => Text(other),
            _ => string.Empty,
        });
        return Whitespace().Replace(string.Concat(parts), " ").Trim();
    }

    /// <summary>A code block's lines, with the indentation they share removed.</summary>
    public static string Code(XElement code)
    {
        var lines = code.Value.Replace("\r", string.Empty).Split('\n').ToList();
        while (lines.Count > 0 && lines[0].Trim().Length == 0)
        {
            lines.RemoveAt(0);
        }

        while (lines.Count > 0 && lines[^1].Trim().Length == 0)
        {
            lines.RemoveAt(lines.Count - 1);
        }

        var indent = lines.Where(l => l.Trim().Length > 0).Select(l => l.Length - l.TrimStart().Length).DefaultIfEmpty(0).Min();
        return string.Join("\n", lines.Select(l => l.Length >= indent ? l[indent..] : l.TrimStart()));
    }

    [GeneratedRegex(@"\s+")]
    private static partial Regex Whitespace();
}
