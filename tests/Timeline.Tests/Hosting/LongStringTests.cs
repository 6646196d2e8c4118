using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Shouldly;
using Timeline.Hosting;
using Xunit;

namespace Timeline.Tests.Hosting;

/// <summary>
/// The API writes long strings (a source's text of many MB) in segments, so escaping never takes a buffer six times their
/// length. The bytes must be those the serializer writes for the string in one go.
/// </summary>
public sealed class LongStringTests
{
    private static readonly JsonSerializerOptions Plain = new();
    private static readonly JsonSerializerOptions Relaxed = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
    private static readonly JsonSerializerOptions PlainSegmented = Segmented(Plain);
    private static readonly JsonSerializerOptions RelaxedSegmented = Segmented(Relaxed);

    private static JsonSerializerOptions Segmented(JsonSerializerOptions options) => new(options) { Converters = { new NoNulStrings() } };

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void a_long_string_is_written_exactly_as_in_one_go_whatever_falls_on_a_segment_boundary(bool relaxed)
    {
        // Quotes, back-slashes, control characters, non-ASCII and astral characters (surrogate pairs), at every offset
        // around the segments' edges.
        var pieces = new[] { "\"", "\\", "\n", "\t", "\u0001", "é", "–", "😀", "𝔄", "<tag>", "plain text " };
        var text = new StringBuilder();
        for (var i = 0; text.Length < 70_000; i++) text.Append(pieces[i % pieces.Length]).Append('x', i % 7);

        var (plain, segmented) = relaxed ? (Relaxed, RelaxedSegmented) : (Plain, PlainSegmented);
        var value = new { text = text.ToString() };

        var written = JsonSerializer.SerializeToUtf8Bytes(value, segmented);

        written.ShouldBe(JsonSerializer.SerializeToUtf8Bytes(value, plain));
        JsonDocument.Parse(written).RootElement.GetProperty("text").GetString().ShouldBe(text.ToString());
    }
}
