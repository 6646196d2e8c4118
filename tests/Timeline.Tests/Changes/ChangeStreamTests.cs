using System.Net;
using System.Text.Json;
using Marten;
using Shouldly;
using Timeline.People;
using Timeline.Tests.Infrastructure;
using Xunit;

namespace Timeline.Tests.Changes;

/// <summary>One server-sent event, or a comment line (Comment set, the rest empty).</summary>
public sealed record SseEvent(string? Id, string? Event, string? Data, string? Comment);

public sealed class ChangeStreamTests(AppFixture app) : ChangesTest(app)
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(15);

    [Fact]
    public async Task the_stream_resumes_after_last_event_id_then_follows_new_changes_live()
    {
        var first = await RegisterAsync("first-person");
        var second = await RegisterAsync("second-person");
        var third = await RegisterAsync("third-person");

        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/changes/stream");
        request.Headers.Add("Last-Event-ID", first.ToString(System.Globalization.CultureInfo.InvariantCulture));
        using var response = await Http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, Ct);
        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        response.Content.Headers.ContentType!.MediaType.ShouldBe("text/event-stream");
        using var events = new SseReader(await response.Content.ReadAsStreamAsync(Ct));

        var resumed = await events.ChangesAsync(2, Bound);
        resumed.Select(e => e.Id).ShouldBe([$"{second}", $"{third}"]);
        JsonDocument.Parse(resumed[0].Data!).RootElement.GetProperty("person").GetString().ShouldBe("second-person");

        var live = await RegisterAsync("fourth-person");
        (await events.ChangesAsync(1, Bound)).Single().Id.ShouldBe($"{live}");
    }

    [Fact]
    public async Task a_quiet_stream_sends_heartbeat_comments()
    {
        using var response = await Http.GetAsync("/api/changes/stream", HttpCompletionOption.ResponseHeadersRead, Ct);
        using var events = new SseReader(await response.Content.ReadAsStreamAsync(Ct));
        var heartbeat = await events.NextAsync(Bound);
        heartbeat.Comment.ShouldBe("heartbeat");
    }

    [Fact]
    public async Task a_bad_last_event_id_is_a_problem()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/changes/stream");
        request.Headers.Add("Last-Event-ID", "yesterday");
        using var response = await Http.SendAsync(request, Ct);
        await ShouldBeProblemAsync(response, HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task a_cursor_beyond_every_sequence_issued_is_a_conflict_on_the_feed_and_the_stream_not_a_wait_forever()
    {
        // As after a restore from a backup: the dashboard's cursor is ahead of anything the record has issued.
        var registered = await RegisterAsync(PersonId);
        var ahead = registered + 1_000_000;
        using var page = await Http.GetAsync($"/api/changes?after={ahead}", Ct);
        var problem = await ShouldBeProblemAsync(page, HttpStatusCode.Conflict);
        problem.GetProperty("detail").GetString()!.ShouldContain("restored or reset");
        using var waiting = await Http.GetAsync($"/api/changes?after={ahead}&wait=30", Ct);
        await ShouldBeProblemAsync(waiting, HttpStatusCode.Conflict);

        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/changes/stream");
        request.Headers.Add("Last-Event-ID", ahead.ToString(System.Globalization.CultureInfo.InvariantCulture));
        using var stream = await Http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, Ct);
        await ShouldBeProblemAsync(stream, HttpStatusCode.Conflict);

        // The head itself is a cursor like any other.
        using var atHead = await Http.GetAsync($"/api/changes?after={registered}", Ct);
        atHead.StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    [Fact]
    public async Task a_client_that_stops_reading_is_told_it_fell_too_far_behind_and_is_disconnected()
    {
        using var response = await Http.GetAsync("/api/changes/stream", HttpCompletionOption.ResponseHeadersRead, Ct);
        var body = await response.Content.ReadAsStreamAsync(Ct);

        // Far more than the subscriber buffer (20), the test server's pipe (64 KB) and the allowed lag (100) hold.
        const int burst = 400;
        await using (var session = App.Store.LightweightSession())
        {
            for (var i = 0; i < burst; i++) session.Events.StartStream<Person>($"burst-{i}", new PersonRegistered($"burst-{i}", $"Burst {i}", [], "stream-tests"));
            await session.SaveChangesAsync(Ct);
        }

        using var events = new SseReader(body);
        var received = new List<SseEvent>();
        while (true)
        {
            var next = await events.NextAsync(Bound);
            if (next.Event is null && next.Comment is null) break;
            if (next.Event is not null) received.Add(next);
        }

        var notice = received[^1];
        notice.Event.ShouldBe("too-far-behind");
        var changes = received.SkipLast(1).ToList();
        changes.ShouldAllBe(e => e.Event == "change");
        changes.Count.ShouldBeLessThan(burst, "the stream ended before the whole burst was sent");
        JsonDocument.Parse(notice.Data!).RootElement.GetProperty("resumeAfter").GetInt64().ShouldBe(long.Parse(changes[^1].Id!, System.Globalization.CultureInfo.InvariantCulture));
    }
}

/// <summary>Reads a text/event-stream; an event with nothing set means the stream ended.</summary>
public sealed class SseReader(Stream stream) : IDisposable
{
    private readonly StreamReader _reader = new(stream);

    public async Task<SseEvent> NextAsync(TimeSpan bound)
    {
        using var timeout = new CancellationTokenSource(bound);
        string? id = null, type = null, data = null;
        while (await _reader.ReadLineAsync(timeout.Token) is { } line)
        {
            if (line.Length == 0)
            {
                if (type is not null || data is not null) return new SseEvent(id, type, data, null);
                continue;
            }

            if (line.StartsWith(':')) return new SseEvent(null, null, null, line[1..].Trim());
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            var (field, value) = colon < 0 ? (line, "") : (line[..colon], line[(colon + 1)..].TrimStart());
            switch (field)
            {
                case "id": id = value; break;
                case "event": type = value; break;
                case "data": data = data is null ? value : data + "\n" + value; break;
            }
        }

        return new SseEvent(null, null, null, null);
    }

    /// <summary>The next <paramref name="count"/> change events, skipping heartbeats.</summary>
    public async Task<IReadOnlyList<SseEvent>> ChangesAsync(int count, TimeSpan bound)
    {
        var changes = new List<SseEvent>();
        while (changes.Count < count)
        {
            var next = await NextAsync(bound);
            if (next.Event is null && next.Comment is null) throw new InvalidOperationException("the stream ended");
            if (next.Event == "change") changes.Add(next);
        }

        return changes;
    }

    public void Dispose() => _reader.Dispose();
}
