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

    public override void Write(Utf8JsonWriter writer, string value, JsonSerializerOptions options) => writer.WriteStringValue(value);
}
