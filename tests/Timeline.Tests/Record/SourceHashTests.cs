using System.Security.Cryptography;
using System.Text;
using Shouldly;
using Timeline.Sources;
using Xunit;

namespace Timeline.Tests.Record;

public sealed class SourceHashTests
{
    /// <summary>The oracle is the definition: SHA-256 of the whole text's UTF-8, in hex.</summary>
    private static string Expected(string text) => Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(text)));

    public static TheoryData<int> Lengths => [0, 1, 65_535, 65_536, 65_537, 3 * 65_536 + 17];

    [Theory]
    [MemberData(nameof(Lengths))]
    public void a_text_hashed_a_slice_at_a_time_hashes_as_its_whole_utf8(int length)
    {
        // Non-ASCII, lone surrogates (which UTF-8 replaces), and a surrogate pair across every slice edge.
        var random = new Random(length);
        var chars = new char[length];
        for (var i = 0; i < length; i++) chars[i] = "aaaéß\uD800\uDC00"[random.Next(7)];
        for (var edge = 65_536; edge < length; edge += 65_536) (chars[edge - 1], chars[edge]) = ('\uD83D', '\uDE00');
        var value = new string(chars);
        SourceDocument.HashOf(value).ShouldBe(Expected(value));
    }
}
