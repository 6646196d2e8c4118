using System.Text.Json;
using System.Text.Json.Serialization;

namespace Timeline.Hosting;

/// <summary>
/// Refuses a NUL character in any string of a request body: PostgreSQL cannot store it in text or jsonb, so it would
/// otherwise fail deep in a write as a server error instead of a 400 for the client.
/// </summary>
public sealed class NoNulStrings : JsonConverter<string>
{
    public override string? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        var value = reader.GetString();
        return value is not null && value.Contains('\0', StringComparison.Ordinal)
            ? throw new JsonException("A string holds a NUL character (\\u0000), which the record cannot store.")
            : value;
    }

    // Escaping reserves six characters for each one written in a go: a source's text of 10 MB would take a 130 MB buffer
    // (kept by the array pool afterwards). Long strings are written in segments, each escaped within a small one.
    private const int Segment = 16_384;

    public override void Write(Utf8JsonWriter writer, string value, JsonSerializerOptions options)
    {
        if (value.Length <= Segment)
        {
            writer.WriteStringValue(value);
            return;
        }

        for (var start = 0; start < value.Length;)
        {
            var end = Math.Min(value.Length, start + Segment);
            // A surrogate pair stays in one segment.
            if (end < value.Length && char.IsHighSurrogate(value[end - 1])) end--;
            writer.WriteStringValueSegment(value.AsSpan(start, end - start), isFinalSegment: end == value.Length);
            start = end;
        }
    }
}
