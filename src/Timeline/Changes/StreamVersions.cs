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
    private long _heardSequence;

    /// <summary>The highest global sequence this node has heard committed.</summary>
    public long HeardSequence => Interlocked.Read(ref _heardSequence);

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

    /// <summary>A version this node committed itself: recorded under the same rule as a read from the database.</summary>
    public void Committed(string stream, long version) => Fill(BeginFill(), stream, version);

    internal void Advanced(string stream, long version, long sequence)
    {
        InterlockedMax(ref _heardSequence, sequence);
        if (stream == ChangeTriggers.AllStreams)
        {
            // The events were truncated (a test reset): versions start again from 1, so nothing kept under the old ones holds.
            Interlocked.Increment(ref _epoch);
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

    /// <summary>Raises <paramref name="target"/> to <paramref name="value"/> unless it is already higher, without a lock.</summary>
    internal static void InterlockedMax(ref long target, long value)
    {
        var current = Interlocked.Read(ref target);
        while (value > current)
        {
            var seen = Interlocked.CompareExchange(ref target, value, current);
            if (seen == current) return;
            current = seen;
        }
    }

    private bool Trusted =>
        Volatile.Read(ref _trusted) && time.GetUtcNow().UtcTicks - Interlocked.Read(ref _lastHeardTicks) < TrustFor.Ticks;
}
