using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using Marten;

namespace Timeline.Sources;

/// <summary>A registered source with its text folded once (or, structured, parsed once), for the check every claim makes.</summary>
public sealed record CachedSource(SourceDocument Document, string FoldedText)
{
    /// <summary>The parsed document of a structured source; null for free text.</summary>
    public StructuredDocument? Structured { get; init; }

    public bool Contains(string quote) => FoldedText.Contains(SourceDocument.FoldWhiteSpace(quote), StringComparison.Ordinal);
}

/// <summary>
/// Sources are never edited, so one loaded is kept: an append then checks its quote without a round trip and without
/// folding the whole text again. Only sources found are kept, so a source registered later is seen at once.
/// </summary>
public static class SourceCache
{
    private const int MaxEntries = 10_000;

    private static readonly ConditionalWeakTable<IDocumentStore, ConcurrentDictionary<string, CachedSource>> PerStore = [];

    public static async Task<CachedSource?> LoadAsync(IDocumentStore store, string id, CancellationToken ct)
    {
        var entries = EntriesOf(store);
        if (entries.TryGetValue(id, out var cached)) return cached;

        await using var query = store.QuerySession();
        if (await query.LoadAsync<SourceDocument>(id, ct) is not { } document) return null;
        return Bounded(entries).GetOrAdd(id, Prepare(document));
    }

    private static CachedSource Prepare(SourceDocument document) =>
        document.Format == SourceFormats.Text
            ? new CachedSource(document, SourceDocument.FoldWhiteSpace(document.Text))
            : Structured(document, StructuredDocument.Parse(document));

    private static CachedSource Structured(SourceDocument document, StructuredDocument parsed) => new(document, "") { Structured = parsed };

    /// <summary>Keeps a stored structured source its writer has already parsed (an import: a file of many MB).</summary>
    public static void Keep(IDocumentStore store, SourceDocument document, StructuredDocument structured) =>
        Bounded(EntriesOf(store))[document.Id] = Structured(document, structured);

    private static ConcurrentDictionary<string, CachedSource> EntriesOf(IDocumentStore store) =>
        PerStore.GetValue(store, _ => new ConcurrentDictionary<string, CachedSource>(StringComparer.Ordinal));

    // Crude but bounded: past the limit start again rather than track recency on every hit.
    private static ConcurrentDictionary<string, CachedSource> Bounded(ConcurrentDictionary<string, CachedSource> entries)
    {
        if (entries.Count >= MaxEntries) entries.Clear();
        return entries;
    }

    /// <summary>For a registration: whatever was kept under this id (from before a reset of the data) is dropped.</summary>
    public static void Forget(IDocumentStore store, string id)
    {
        if (PerStore.TryGetValue(store, out var entries)) entries.TryRemove(id, out _);
    }
}
