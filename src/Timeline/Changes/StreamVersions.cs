using System.Collections.Concurrent;

namespace Timeline.Changes;

/// <summary>
/// Each person's current stream version, held in memory so a poll that finds nothing new is answered 304 without a
/// database round trip. An entry is trusted only while the listener has been connected without a break since before
/// the entry was filled: a break clears everything, and a fill started before the break is refused.
/// </summary>
public sealed class StreamVersions(TimeProvider time)
{
    /// <summary>Past this long without hearing from the database the listener may be dead unnoticed, so nothing is trusted.</summary>
    public static readonly TimeSpan TrustFor = ChangeNotifications.KeepAlive * 3;

    public const int MaxEntries = 100_000;

    private readonly ConcurrentDictionary<string, long> _versions = new(StringComparer.Ordinal);
    private long _epoch;
    private bool _trusted;
    private long _lastHeardTicks;

    /// <summary>The version the database last announced, if it can be trusted now.</summary>
    public bool TryGet(string stream, out long version)
    {
        version = 0;
        return Trusted && _versions.TryGetValue(stream, out version);
    }

    /// <summary>Taken before reading a version from the database; hand it back to <see cref="Fill"/>.</summary>
    public long BeginFill() => Trusted ? Interlocked.Read(ref _epoch) : -1;

    /// <summary>Records a version read from the database, unless the listener broke since <paramref name="token"/> or a newer one was heard.</summary>
    public void Fill(long token, string stream, long version)
    {
        if (token < 0 || _versions.Count >= MaxEntries) return;
        _versions.AddOrUpdate(stream, version, (_, known) => Math.Max(known, version));
        // A break that raced with the write above leaves an entry from the old epoch: take it out again.
        if (Interlocked.Read(ref _epoch) != token || !Trusted) _versions.TryRemove(stream, out _);
    }

    internal void Advanced(string stream, long version)
    {
        if (stream == ChangeTriggers.AllStreams)
        {
            // The events were truncated (a test reset): versions start again from 1.
            _versions.Clear();
            return;
        }

        if (!_versions.ContainsKey(stream) && _versions.Count >= MaxEntries) return;
        _versions.AddOrUpdate(stream, version, (_, known) => Math.Max(known, version));
        Heartbeat();
    }

    internal void Heartbeat() => Interlocked.Exchange(ref _lastHeardTicks, time.GetUtcNow().UtcTicks);

    internal void Trust()
    {
        Heartbeat();
        Volatile.Write(ref _trusted, true);
    }

    internal void Distrust()
    {
        Volatile.Write(ref _trusted, false);
        Interlocked.Increment(ref _epoch);
        _versions.Clear();
    }

    private bool Trusted =>
        Volatile.Read(ref _trusted) && time.GetUtcNow().UtcTicks - Interlocked.Read(ref _lastHeardTicks) < TrustFor.Ticks;
}
