using System.Text.Json;
using Microsoft.Extensions.Primitives;

namespace StsEmulator.Sts;

/// <summary>The fields of an exchange or introspection request, read from a form body or from Google's camelCase JSON body.</summary>
public sealed class ExchangeFields
{
    private static readonly Dictionary<string, string> FormNameByJsonName = new()
    {
        ["grantType"] = "grant_type",
        ["subjectToken"] = "subject_token",
        ["subjectTokenType"] = "subject_token_type",
        ["requestedTokenType"] = "requested_token_type",
        ["audience"] = "audience",
        ["scope"] = "scope",
        ["options"] = "options",
        ["actorToken"] = "actor_token",
        ["actorTokenType"] = "actor_token_type",
        ["resource"] = "resource",
        ["tokenTypeHint"] = "token_type_hint",
    };

    private readonly Dictionary<string, StringValues> values;

    private ExchangeFields(Dictionary<string, StringValues> values)
    {
        this.values = values;
    }

    public string? this[string name] => values.TryGetValue(name, out var v) && v.Count > 0 ? v[0] : null;

    public int Count(string name) => values.TryGetValue(name, out var v) ? v.Count : 0;

    public static ExchangeFields FromForm(IFormCollection form) =>
        new(form.ToDictionary(f => f.Key, f => f.Value, StringComparer.Ordinal));

    public static ExchangeFields FromJson(string body)
    {
        using var document = JsonDocument.Parse(body);
        if (document.RootElement.ValueKind != JsonValueKind.Object)
        {
            throw OAuthError.InvalidRequest("The JSON body must be an object.");
        }

        var values = new Dictionary<string, StringValues>(StringComparer.Ordinal);
        foreach (var property in document.RootElement.EnumerateObject())
        {
            var name = FormNameByJsonName.GetValueOrDefault(property.Name, property.Name);
            values[name] = property.Value.ValueKind == JsonValueKind.String ? property.Value.GetString() : property.Value.GetRawText();
        }

        return new ExchangeFields(values);
    }
}
