using System.Text.RegularExpressions;

namespace ModuleTools.Packaging;

/// <summary>
/// The values of a module manifest the Gallery package needs, read from the psd1's text: quoted strings and
/// @('…') arrays. Enough for this module's manifest, which keeps to those forms.
/// </summary>
public sealed partial class ModuleManifest(string text)
{
    public string Value(string key)
    {
        var match = Regex.Match(text, $@"(?m)^\s*{key}\s*=\s*'((?:[^']|'')*)'");
        return match.Success ? match.Groups[1].Value.Replace("''", "'") : throw new InvalidDataException($"The manifest has no {key} = '…'.");
    }

    public IReadOnlyList<string> List(string key)
    {
        var match = Regex.Match(text, $@"(?m)^\s*{key}\s*=\s*@\(([^)]*)\)", RegexOptions.Singleline);
        if (!match.Success)
        {
            throw new InvalidDataException($"The manifest has no {key} = @(…).");
        }

        return Quoted().Matches(match.Groups[1].Value).Select(m => m.Groups[1].Value.Replace("''", "'")).ToList();
    }

    [GeneratedRegex(@"'((?:[^']|'')*)'")]
    private static partial Regex Quoted();
}
