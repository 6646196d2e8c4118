using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Timeline.Tests.Infrastructure;

namespace Timeline.Tests.Views;

/// <summary>Serializes views the way the API does and compares JSON documents, naming the first difference.</summary>
internal static class ViewJson
{
    /// <summary>The service's own HTTP JSON options (camelCase, enums as camelCase strings).</summary>
    public static JsonSerializerOptions Options(AppFixture app) =>
        app.Host.Services.GetRequiredService<IOptions<Microsoft.AspNetCore.Http.Json.JsonOptions>>().Value.SerializerOptions;

    public static JsonNode? Serialize<T>(AppFixture app, T value) => JsonSerializer.SerializeToNode(value, Options(app));

    /// <summary>Parses a recorded time the way the API's <c>recordedAt</c> parameter is parsed.</summary>
    public static DateTimeOffset ParseRecordedAt(string text) =>
        DateTimeOffset.Parse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal);

    /// <summary>Null when equal; otherwise the path of the first difference and both values.</summary>
    public static string? FirstDifference(JsonNode? expected, JsonNode? actual, string path = "$")
    {
        switch (expected)
        {
            case null:
                return actual is null ? null : $"{path}: expected null, got {Short(actual)}";
            case JsonObject e when actual is JsonObject a:
                foreach (var (key, value) in e)
                {
                    if (!a.ContainsKey(key)) return $"{path}.{key}: missing in actual";
                    if (FirstDifference(value, a[key], $"{path}.{key}") is { } d) return d;
                }

                foreach (var (key, _) in a)
                {
                    if (!e.ContainsKey(key)) return $"{path}.{key}: unexpected in actual";
                }

                return null;
            case JsonArray e when actual is JsonArray a:
                for (var i = 0; i < Math.Min(e.Count, a.Count); i++)
                {
                    if (FirstDifference(e[i], a[i], $"{path}[{i}]") is { } d) return d;
                }

                return e.Count == a.Count ? null : $"{path}: expected {e.Count} items, got {a.Count}";
            default:
                return JsonNode.DeepEquals(expected, actual) ? null : $"{path}: expected {Short(expected)}, got {Short(actual)}";
        }
    }

    private static string Short(JsonNode? node)
    {
        var text = node?.ToJsonString() ?? "null";
        return text.Length > 300 ? text[..300] + "…" : text;
    }
}
