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
    /// <summary>Changes held for one client. A client this far behind is told so and disconnected; it resumes with Last-Event-ID.</summary>
    public int SubscriberBuffer { get; set; } = 1_000;

    public TimeSpan Heartbeat { get; set; } = TimeSpan.FromSeconds(15);
}

/// <summary>
/// Server-sent events of the changes feed. Each client is fed from the database by its own reader (woken by the node's
/// listener), through a bounded buffer, so a node serves its own subscribers and no client can grow its memory.
/// </summary>
public static class ChangeStream
{
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

        var settings = options.Value;
        var response = context.Response;
        response.ContentType = "text/event-stream";
        response.Headers.CacheControl = "no-store";
        response.Headers["X-Accel-Buffering"] = "no";
        await response.Body.FlushAsync(ct);

        using var _ = Telemetry.TrackSubscriber("sse");
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var buffer = Channel.CreateBounded<Change>(new BoundedChannelOptions(settings.SubscriberBuffer) { SingleWriter = true });
        var reader = ReadAsync(store, notifications, query, buffer.Writer, stop.Token);
        var json = context.RequestServices.GetRequiredService<IOptions<Microsoft.AspNetCore.Http.Json.JsonOptions>>().Value.SerializerOptions;
        var delivered = query.After;
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
                    delivered = change.Id;
                }

                await response.Body.FlushAsync(stop.Token);
            }

            // The reader only completes the buffer when this client fell too far behind.
            if (reader.IsCompletedSuccessfully && reader.Result)
            {
                await response.WriteAsync(
                    $"event: too-far-behind\ndata: {JsonSerializer.Serialize(new { resumeAfter = delivered, buffer = settings.SubscriberBuffer }, json)}\n\n", ct);
                await response.Body.FlushAsync(ct);
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // The client went away.
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

    /// <summary>Feeds the buffer from the database; true when it stopped because the buffer was full.</summary>
    private static async Task<bool> ReadAsync(
        IDocumentStore store, ChangeNotifications notifications, ChangeQuery query, ChannelWriter<Change> buffer, CancellationToken ct)
    {
        try
        {
            while (!ct.IsCancellationRequested)
            {
                var woken = notifications.NextProgress;
                ChangePage page;
                await using (var session = store.QuerySession())
                {
                    page = await ChangeFeed.ReadAsync(session, query, ct);
                }

                foreach (var change in page.Items)
                {
                    if (!buffer.TryWrite(change))
                    {
                        buffer.TryComplete();
                        return true;
                    }
                }

                query = query with { After = page.Next };
                if (page.Items.Count < query.Limit) await woken.WaitAsync(ct);
            }

            return false;
        }
        finally
        {
            buffer.TryComplete();
        }
    }
}
