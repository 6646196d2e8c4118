using System.Globalization;
using System.Text.Json;
using Timeline.Claims;
using Timeline.Imports;

namespace Timeline.Sources;

/// <summary>A structured source parsed once: claims drawn from it cite a record by JSON Pointer (RFC 6901) instead of a quote.</summary>
public sealed class StructuredDocument
{
    // JsonElement indexes an array of objects by walking it; a large file's records are found by position instead.
    private readonly Dictionary<string, JsonElement[]> _arrays = new(StringComparer.Ordinal);

    private StructuredDocument(JsonElement root, PopoloFile? popolo)
    {
        Root = root;
        Popolo = popolo;
        if (root.ValueKind != JsonValueKind.Object) return;
        foreach (var property in root.EnumerateObject())
        {
            if (property.Value.ValueKind == JsonValueKind.Array) _arrays[property.Name] = [.. property.Value.EnumerateArray()];
        }
    }

    public JsonElement Root { get; }

    public PopoloFile? Popolo { get; }

    /// <summary>A Popolo file the import has already parsed and read, so the evidence checks do not parse it again.</summary>
    public static StructuredDocument OfPopolo(JsonElement root, PopoloFile popolo) => new(root, popolo);

    public static StructuredDocument Parse(SourceDocument document)
    {
        var root = JsonDocument.Parse(document.Text).RootElement.Clone();
        return new StructuredDocument(root, document.Format == SourceFormats.Popolo ? PopoloFile.Read(root, document.PersonIds) : null);
    }

    /// <summary>The record a pointer names, if it names one.</summary>
    public bool TryResolve(string pointer, out JsonElement record)
    {
        record = Root;
        if (pointer.Length == 0) return true;
        if (pointer[0] != '/') return false;
        // The common case, a record of a top-level array ("/memberships/12"), found without splitting the pointer.
        var second = pointer.IndexOf('/', 1);
        if (second > 0 && pointer.IndexOf('/', second + 1) < 0 && pointer.IndexOf('~') < 0
            && _arrays.GetAlternateLookup<ReadOnlySpan<char>>().TryGetValue(pointer.AsSpan(1, second - 1), out var top))
        {
            if (!IsIndex(pointer.AsSpan(second + 1), out var at) || at >= top.Length) return false;
            record = top[at];
            return true;
        }

        var tokens = pointer[1..].Split('/').Select(raw => raw.Replace("~1", "/", StringComparison.Ordinal).Replace("~0", "~", StringComparison.Ordinal)).ToArray();
        var start = 0;
        if (tokens.Length >= 2 && _arrays.TryGetValue(tokens[0], out var array))
        {
            if (!IsIndex(tokens[1], out var at) || at >= array.Length) return false;
            record = array[at];
            start = 2;
        }

        foreach (var token in tokens.Skip(start))
        {
            switch (record.ValueKind)
            {
                case JsonValueKind.Object when record.TryGetProperty(token, out var child):
                    record = child;
                    break;
                case JsonValueKind.Array when IsIndex(token, out var index) && index < record.GetArrayLength():
                    record = record[index];
                    break;
                default:
                    return false;
            }
        }

        return true;
    }

    /// <summary>Why the record at <paramref name="pointer"/> does not support the claim; null when it does.</summary>
    public string? WhyNotSupported(string pointer, string personId, AppendClaimRequest request) =>
        Popolo is { } popolo ? popolo.WhyNotSupported(pointer, personId, request) : "the source's format states nothing about people";

    /// <summary>An array index as RFC 6901 writes one: decimal digits without leading zeros.</summary>
    internal static bool IsIndex(ReadOnlySpan<char> token, out int index)
    {
        index = -1;
        // RFC 6901: array indexes are decimal digits without leading zeros.
        return token.Length > 0 && !token.ContainsAnyExceptInRange('0', '9') && (token is "0" || token[0] != '0')
            && int.TryParse(token, NumberStyles.None, CultureInfo.InvariantCulture, out index);
    }
}
