using System.Globalization;
using System.Text.Json;
using System.Threading.Channels;
using Marten;
using Microsoft.Extensions.Options;
using Timeline.Hosting;
using Wolverine.Http;

namespace Timeline.Changes;

public sealed class ChangeStreamOptions
{
    /// <summary>Changes read ahead for one client: the most a subscriber holds in this node's memory.</summary>
    public int SubscriberBuffer { get; set; } = 256;

    /// <summary>A client this many events behind the feed is told so and disconnected; it resumes with Last-Event-ID.</summary>
    public long MaxLag { get; set; } = 10_000;

    public TimeSpan Heartbeat { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>How long a client that fell behind gets to take what was already buffered, and the notice, before it is cut off.</summary>
    public TimeSpan Grace { get; set; } = TimeSpan.FromSeconds(30);
}

/// <summary>
/// Server-sent events of the changes feed. Each client is fed from the database by its own reader (woken by the node's
/// listener), through a bounded buffer, so a node serves its own subscribers and no client can grow its memory.
/// </summary>
public static class ChangeStream
{
    public const string TooFarBehind = "too-far-behind";

    [WolverineGet("/api/changes/stream")]
    [Tags("Changes")]
    [EndpointSummary("The changes feed as server-sent events")]
    [EndpointDescription("Each event's id is the feed cursor; reconnect with Last-Event-ID (or after=) to resume. A comment line is a heartbeat. An event 'too-far-behind' ends the stream of a client that stopped keeping up.")]
    public static async Task Stream(
        long? after, string? person, string? kind, HttpContext context, IDocumentStore store, ChangeNotifications notifications,
        IOptions<ChangeStreamOptions> options, TimeProvider time, CancellationToken ct)
    {
        var lastEventId = context.Request.Headers["Last-Event-ID"].ToString();
        long? resume = null;
        if (lastEventId.Length > 0)
        {
            if (!long.TryParse(lastEventId, NumberStyles.None, CultureInfo.InvariantCulture, out var parsed))
            {
                await Problems.Create(StatusCodes.Status400BadRequest, "bad-last-event-id", "Bad Last-Event-ID",
                    $"Last-Event-ID must be a cursor from this feed; got '{lastEventId}'.").ExecuteAsync(context);
                return;
            }

            resume = parsed;
        }

        if (!ChangeQuery.TryParse(resume ?? after, ChangeQuery.DefaultLimit, null, person, kind, out var query, out var problem))
        {
            await problem!.ExecuteAsync(context);
            return;
        }

        // Checked before the stream starts, while a problem can still be answered.
        var probe = await ChangeFeed.ReadAsync(store, query with { Limit = 1 }, ct);
        if (ChangePage.CursorAhead(query.After, probe.Issued) is { } ahead)
        {
            await ahead.ExecuteAsync(context);
            return;
        }

        var settings = options.Value;
        var response = context.Response;
        response.ContentType = "text/event-stream";
        response.Headers.CacheControl = "no-store";
        response.Headers["X-Accel-Buffering"] = "no";
        if (HeadRequests.IsHead(context))
        {
            await response.StartAsync(ct);
            return;
        }

        await response.Body.FlushAsync(ct);

        using var _ = Telemetry.TrackSubscriber("sse");
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var subscriber = new Subscriber(query.After);
        var buffer = Channel.CreateBounded<Change>(new BoundedChannelOptions(settings.SubscriberBuffer) { SingleWriter = true });
        var reader = FeedAsync(store, notifications, query, buffer.Writer, subscriber, settings, stop);
        var json = context.RequestServices.GetRequiredService<IOptions<Microsoft.AspNetCore.Http.Json.JsonOptions>>().Value.SerializerOptions;
        try
        {
            while (true)
            {
                var next = buffer.Reader.WaitToReadAsync(stop.Token).AsTask();
                if (await Task.WhenAny(next, Task.Delay(settings.Heartbeat, time, stop.Token)) != next)
                {
                    await response.WriteAsync(": heartbeat\n\n", stop.Token);
                    await response.Body.FlushAsync(stop.Token);
                    continue;
                }

                if (!await next) break;
                while (buffer.Reader.TryRead(out var change))
                {
                    await response.WriteAsync($"id: {change.Id}\nevent: change\ndata: {JsonSerializer.Serialize(change, json)}\n\n", stop.Token);
                    subscriber.Delivered(change.Id);
                }

                await response.Body.FlushAsync(stop.Token);
            }

            if (subscriber.Behind)
            {
                await response.WriteAsync(
                    $"event: {TooFarBehind}\ndata: {JsonSerializer.Serialize(new { resumeAfter = subscriber.Position, maxLag = settings.MaxLag }, json)}\n\n", stop.Token);
                await response.Body.FlushAsync(stop.Token);
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            // The client went away, or took longer than its grace to read what it was owed.
            if (!ct.IsCancellationRequested) context.Abort();
        }
        finally
        {
            await stop.CancelAsync();
            try
            {
                await reader;
            }
            catch (OperationCanceledException)
            {
                // Stopped with the client.
            }
        }
    }

    /// <summary>Feeds the buffer from the database until the client falls more than MaxLag events behind the feed.</summary>
    private static async Task FeedAsync(
        IDocumentStore store, ChangeNotifications notifications, ChangeQuery query, ChannelWriter<Change> buffer, Subscriber subscriber,
        ChangeStreamOptions settings, CancellationTokenSource stop)
    {
        var ct = stop.Token;
        try
        {
            while (!ct.IsCancellationRequested)
            {
                var woken = notifications.NextProgress;
                var page = await ChangeFeed.ReadAsync(store, query, ct);

                foreach (var change in page.Items)
                {
                    while (!buffer.TryWrite(change))
                    {
                        if (Math.Max(notifications.FeedHead, page.Next) - subscriber.Position > settings.MaxLag)
                        {
                            subscriber.FellBehind();
                            stop.CancelAfter(settings.Grace);
                            return;
                        }

                        // Room in the buffer, or news that the feed moved on (and the client perhaps too far behind).
                        var moved = notifications.NextProgress;
                        await Task.WhenAny(buffer.WaitToWriteAsync(ct).AsTask(), moved);
                        ct.ThrowIfCancellationRequested();
                    }
                }

                query = query with { After = page.Next };
                if (page.Items.Count < query.Limit) await woken.WaitAsync(ct);
            }
        }
        finally
        {
            buffer.TryComplete();
        }
    }

    private sealed class Subscriber(long position)
    {
        private long _position = position;
        private volatile bool _behind;

        public long Position => Interlocked.Read(ref _position);

        public bool Behind => _behind;

        public void Delivered(long id) => Interlocked.Exchange(ref _position, id);

        public void FellBehind() => _behind = true;
    }
}
