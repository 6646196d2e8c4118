namespace Timeline.People;

/// <summary>
/// One writer at a time per person inside this process: writers on a hot person queue here instead of racing on
/// the stream's version and retrying. Writers on other nodes still race; the stream's version check catches them.
/// </summary>
internal static class StreamLocks
{
    private static readonly Dictionary<string, Entry> Entries = new(StringComparer.Ordinal);

    public static async Task<Held> AcquireAsync(string personId, CancellationToken ct)
    {
        Entry entry;
        lock (Entries)
        {
            if (!Entries.TryGetValue(personId, out entry!)) Entries[personId] = entry = new Entry();
            entry.Users++;
        }

        try
        {
            await entry.Gate.WaitAsync(ct);
        }
        catch
        {
            Leave(personId, entry);
            throw;
        }

        return new Held(personId, entry);
    }

    private static void Leave(string personId, Entry entry)
    {
        lock (Entries)
        {
            // The last user removes the entry, so the table holds only people being written to right now.
            if (--entry.Users == 0) Entries.Remove(personId);
        }
    }

    internal sealed class Entry
    {
        public SemaphoreSlim Gate { get; } = new(1, 1);
        public int Users { get; set; }
    }

    internal readonly struct Held(string personId, Entry entry) : IDisposable
    {
        public void Dispose()
        {
            entry.Gate.Release();
            Leave(personId, entry);
        }
    }
}
