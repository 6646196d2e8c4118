using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using Marten;

namespace Timeline.Sources;

/// <summary>A registered source with its text folded once (or, structured, parsed once), for the check every claim makes.</summary>
public sealed record CachedSource(SourceDocument Document, string FoldedText)
{
    /// <summary>The parsed document of a structured source; null for free text.</summary>
    public StructuredDocument? Structured { get; init; }

    /// <summary>
    /// The bytes it keeps, estimated from its text: a free text twice over (as given and folded), two bytes a character;
    /// a structured one with its parsed tree and records, measured at about 13 bytes a character of a Popolo file.
    /// </summary>
    public long Weight => (Structured is null ? 4L : 13L) * Document.Text.Length;

    public bool Contains(string quote) => FoldedText.Contains(SourceDocument.FoldWhiteSpace(quote), StringComparison.Ordinal);
}

/// <summary>
/// Sources are never edited, so one loaded is kept: an append then checks its quote without a round trip and without
/// folding the whole text again. Only sources found are kept, so a source registered later is seen at once. What is kept
/// is bounded in count and in size: an import's parsed file is a hundred MB or more, and a node that kept every file it
/// imported would outgrow its memory.
/// </summary>
public static class SourceCache
{
    private const int MaxEntries = 10_000;

    /// <summary>The estimated bytes the kept sources may take (<see cref="CachedSource.Weight"/>).</summary>
    internal static long MaxWeight { get; set; } = 192L << 20;

    private static readonly ConditionalWeakTable<IDocumentStore, Kept> PerStore = [];

    public static async Task<CachedSource?> LoadAsync(IDocumentStore store, string id, CancellationToken ct)
    {
        var kept = KeptOf(store);
        if (kept.Entries.TryGetValue(id, out var cached)) return cached;

        await using var query = store.QuerySession();
        if (await query.LoadAsync<SourceDocument>(id, ct) is not { } document) return null;
        return kept.Add(id, Prepare(document), replace: false);
    }

    private static CachedSource Prepare(SourceDocument document) =>
        document.Format == SourceFormats.Text
            ? new CachedSource(document, SourceDocument.FoldWhiteSpace(document.Text))
            : Structured(document, StructuredDocument.Parse(document));

    /// <summary>A stored structured source its writer has already parsed (an import: a file of many MB).</summary>
    public static CachedSource Structured(SourceDocument document, StructuredDocument parsed) => new(document, "") { Structured = parsed };

    /// <summary>Keeps a stored structured source its writer has already parsed (<see cref="Structured"/>).</summary>
    public static void Keep(IDocumentStore store, CachedSource source) => KeptOf(store).Add(source.Document.Id, source, replace: true);

    /// <summary>For a registration: whatever was kept under this id (from before a reset of the data) is dropped.</summary>
    public static void Forget(IDocumentStore store, string id)
    {
        if (PerStore.TryGetValue(store, out var kept)) kept.Remove(id);
    }

    /// <summary>The estimated bytes kept for a store.</summary>
    internal static long WeightOf(IDocumentStore store) => PerStore.TryGetValue(store, out var kept) ? kept.Weight : 0;

    private static Kept KeptOf(IDocumentStore store) => PerStore.GetValue(store, _ => new Kept());

    /// <summary>The sources kept for one store. Reads take no lock; the rare additions and removals take turns.</summary>
    private sealed class Kept
    {
        private readonly Lock _gate = new();

        public ConcurrentDictionary<string, CachedSource> Entries { get; } = new(StringComparer.Ordinal);

        public long Weight { get; private set; }

        /// <summary>Keeps the source (or returns the one already kept, unless replacing) and returns what is kept.</summary>
        public CachedSource Add(string id, CachedSource source, bool replace)
        {
            lock (_gate)
            {
                if (!replace && Entries.TryGetValue(id, out var existing)) return existing;
                RemoveLocked(id);
                // Crude but bounded: past a limit start again rather than track recency on every hit. The newest stays
                // kept, however large: it is the one in use.
                if (Entries.Count >= MaxEntries || Weight + source.Weight > MaxWeight)
                {
                    Entries.Clear();
                    Weight = 0;
                }

                Entries[id] = source;
                Weight += source.Weight;
                return source;
            }
        }

        public void Remove(string id)
        {
            lock (_gate) RemoveLocked(id);
        }

        private void RemoveLocked(string id)
        {
            if (Entries.TryRemove(id, out var old)) Weight -= old.Weight;
        }
    }
}
