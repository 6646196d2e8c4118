using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using Timeline.Claims;

namespace Timeline.Sources;

public static class SourceFormats
{
    public const string Text = "text";
    public const string Popolo = "popolo";
}

/// <summary>A registered source document, stored once and never edited; claims quote from its text.</summary>
public sealed partial class SourceDocument
{
    public string Id { get; set; } = "";
    public string Url { get; set; } = "";
    public string Publisher { get; set; } = "";
    public string Title { get; set; } = "";
    public string? Author { get; set; }
    public DateTimeOffset PublishedAt { get; set; }
    public string Text { get; set; } = "";
    public string TextHash { get; set; } = "";
    public DateTimeOffset RegisteredAt { get; set; }
    public string? RegisteredBy { get; set; }

    /// <summary><see cref="SourceFormats.Text"/>: claims quote <c>Text</c>; <see cref="SourceFormats.Popolo"/>: <c>Text</c> is a JSON document and claims cite record pointers.</summary>
    public string Format { get; set; } = SourceFormats.Text;

    /// <summary>For a structured source, the identity its versions share (the file's URL); each version is a source of its own.</summary>
    public string? Series { get; set; }

    /// <summary>
    /// For a Popolo source: the person each of its persons became (Popolo id → person id). Kept with the version, so a
    /// person keeps its id in every later version of the series, even once a namesake joins.
    /// </summary>
    public Dictionary<string, string>? PersonIds { get; set; }

    public SourceRef ToRef() => new(Id, Url, Publisher, Title, PublishedAt);

    /// <summary>Whether a quote occurs in the text once runs of white space are folded to one space on both sides.</summary>
    public bool Contains(string quote) =>
        FoldWhiteSpace(Text).Contains(FoldWhiteSpace(quote), StringComparison.Ordinal);

    /// <summary>The same URL always gets the same id, so a source cannot be registered twice.</summary>
    public static string IdFor(Uri url) =>
        "src-" + Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(url.AbsoluteUri)))[..16].ToLower(CultureInfo.InvariantCulture);

    /// <summary>SHA-256 of the text's UTF-8, in hex; encoded a slice at a time, not into one array as large as the file.</summary>
    public static string HashOf(string text)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = System.Buffers.ArrayPool<byte>.Shared.Rent(Encoding.UTF8.GetMaxByteCount(Slice));
        try
        {
            var encoder = Encoding.UTF8.GetEncoder();
            for (var at = 0; at < text.Length; at += Slice)
            {
                var slice = text.AsSpan(at, Math.Min(Slice, text.Length - at));
                // The encoder carries a surrogate pair split between two slices over to the next.
                var written = encoder.GetBytes(slice, buffer, flush: at + slice.Length == text.Length);
                hash.AppendData(buffer, 0, written);
            }
        }
        finally
        {
            System.Buffers.ArrayPool<byte>.Shared.Return(buffer);
        }

        return Convert.ToHexString(hash.GetHashAndReset());
    }

    private const int Slice = 64 * 1024;

    public static string FoldWhiteSpace(string text) => WhiteSpace().Replace(text.Normalize(NormalizationForm.FormC), " ").Trim();

    [GeneratedRegex(@"\s+")]
    private static partial Regex WhiteSpace();
}
