using System.Diagnostics.Metrics;

namespace Timeline.Hosting;

/// <summary>The service's own meters; HTTP, Npgsql, Marten and Wolverine add theirs (see <c>AddTimelineTelemetry</c>).</summary>
public static class Telemetry
{
    public const string MeterName = "Timeline";

    private static readonly Meter Meter = new(MeterName);

    private static readonly Counter<long> NotModifiedCounter =
        Meter.CreateCounter<long>("timeline.http.not_modified", "{response}", "GETs answered 304 Not Modified");

    private static readonly Counter<long> AppendsCounter =
        Meter.CreateCounter<long>("timeline.events.appended", "{statement}", "Committed appends heard from the database (any writer), one per stream and statement");

    private static readonly UpDownCounter<long> Subscribers =
        Meter.CreateUpDownCounter<long>("timeline.feed.subscribers", "{subscriber}", "Open long polls and server-sent event streams on this node");

    private static Func<IEnumerable<Measurement<long>>> _lagEvents = () => [];
    private static Func<IEnumerable<Measurement<double>>> _lagSeconds = () => [];

    static Telemetry()
    {
        Meter.CreateObservableGauge("timeline.projection.lag.events", () => _lagEvents(), "{event}", "Events an async projection has still to process");
        Meter.CreateObservableGauge("timeline.projection.lag.seconds", () => _lagSeconds(), "s", "Age of the oldest event an async projection has still to process");
    }

    public static void NotModified() => NotModifiedCounter.Add(1);

    public static void Appended() => AppendsCounter.Add(1);

    public static IDisposable TrackSubscriber(string kind)
    {
        var tag = new KeyValuePair<string, object?>("kind", kind);
        Subscribers.Add(1, tag);
        return new Untrack(tag);
    }

    public static void ObserveLag(Func<IEnumerable<Measurement<long>>> events, Func<IEnumerable<Measurement<double>>> seconds)
    {
        _lagEvents = events;
        _lagSeconds = seconds;
    }

    private sealed class Untrack(KeyValuePair<string, object?> tag) : IDisposable
    {
        private int _done;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _done, 1) == 0) Subscribers.Add(-1, tag);
        }
    }
}
