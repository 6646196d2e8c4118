using System.Diagnostics;
using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Shouldly;
using Timeline.Changes;
using Timeline.Tests.Infrastructure;
using Timeline.Tests.Record;
using Xunit;

namespace Timeline.Tests.Changes;

/// <summary>The in-memory 304: no database round trip, and never stale after a write another process made.</summary>
public sealed class VersionCacheTests(AppFixture app) : ChangesTest(app)
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(15);

    [Fact]
    public async Task a_poll_that_finds_nothing_new_is_answered_304_without_a_database_round_trip()
    {
        await RegisterAsync(PersonId);
        var etag = await ETagAsync(Http);

        var (cold, coldCommands) = await TracedGetAsync(null, "?validAt=2020-01-01");
        cold.ShouldBe(HttpStatusCode.OK);
        coldCommands.ShouldBeGreaterThan(0, "a view not read before goes to the database (this proves the counting works)");

        var (warm, warmCommands) = await TracedGetAsync(etag);
        warm.ShouldBe(HttpStatusCode.NotModified);
        warmCommands.ShouldBe(0);
    }

    [Fact]
    public async Task a_poll_with_the_tag_weakened_by_a_proxy_is_answered_304_without_a_database_round_trip()
    {
        await RegisterAsync(PersonId);
        var etag = await ETagAsync(Http);

        var (weak, commands) = await TracedGetAsync($"W/{etag}");

        weak.ShouldBe(HttpStatusCode.NotModified);
        commands.ShouldBe(0);
    }

    [Fact]
    public async Task a_write_through_another_node_is_never_answered_304_by_this_one()
    {
        var sourceId = await GivenPersonAndSourceAsync();
        var stale = await ETagAsync(Http);
        await using var other = await AppFixture.StartHostAsync(App.ConnectionString);
        using var otherHttp = AppFixture.ClientFor(other);

        using var append = await AppendAsync(RecordApi.Claim(sourceId), client: otherHttp);
        append.StatusCode.ShouldBe(HttpStatusCode.Created, await TextAsync(append));
        var version = (await Body(append)).GetProperty("version").GetInt64();

        await Heard.VersionAsync(App.Host, PersonId, version, Ct);
        using var request = Conditional(stale);
        using var response = await Http.SendAsync(request, Ct);
        response.StatusCode.ShouldBe(HttpStatusCode.OK, "the other node's write changed the status");
        response.Headers.ETag!.Tag.ShouldNotBe(stale);
    }

    [Fact]
    public async Task a_write_made_while_the_listener_was_disconnected_is_never_answered_304()
    {
        var sourceId = await GivenPersonAndSourceAsync();
        var stale = await ETagAsync(Http);
        var notifications = App.Host.Services.GetRequiredService<ChangeNotifications>();
        var connections = notifications.Connections;

        // Cut this node's LISTEN connection, then write while it is down: it never hears of this append.
        await using (var admin = new NpgsqlConnection(App.ConnectionString))
        {
            await admin.OpenAsync(Ct);
            await using var kill = new NpgsqlCommand($"select pg_terminate_backend({notifications.ListenerProcessId})", admin);
            (await kill.ExecuteScalarAsync(Ct)).ShouldBe(true);
        }

        using (var append = await AppendAsync(RecordApi.Claim(sourceId)))
        {
            append.StatusCode.ShouldBe(HttpStatusCode.Created, await TextAsync(append));
        }

        var deadline = DateTime.UtcNow + Bound;
        while (notifications.Connections == connections && DateTime.UtcNow < deadline) await Task.Delay(50, Ct);
        notifications.Connections.ShouldBeGreaterThan(connections, "the listener reconnects");

        using var request = Conditional(stale);
        using var response = await Http.SendAsync(request, Ct);
        response.StatusCode.ShouldBe(HttpStatusCode.OK, "a version cached before the break must not answer 304");
    }

    private static async Task<string> ETagAsync(HttpClient client)
    {
        using var first = await client.GetAsync($"/api/people/{PersonId}", Ct);
        first.StatusCode.ShouldBe(HttpStatusCode.OK);
        var etag = first.Headers.ETag!.Tag;
        using var request = Conditional(etag);
        using var again = await client.SendAsync(request, Ct);
        again.StatusCode.ShouldBe(HttpStatusCode.NotModified);
        return etag;
    }

    private static HttpRequestMessage Conditional(string etag)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, $"/api/people/{PersonId}");
        request.Headers.TryAddWithoutValidation("If-None-Match", etag);
        return request;
    }

    /// <summary>GETs the status under a trace of our own and counts the Npgsql commands the request ran.</summary>
    [Fact]
    public async Task a_second_full_read_of_an_unchanged_person_makes_no_round_trip_and_serves_the_rendered_view()
    {
        var sourceId = await GivenPersonAndSourceAsync();
        await GivenClaimAsync(RecordApi.Claim(sourceId));
        using var first = await Http.GetAsync($"/api/people/{PersonId}", Ct);
        var firstBody = await first.Content.ReadAsStringAsync(Ct);

        var (again, commands) = await TracedGetAsync(null);
        again.ShouldBe(HttpStatusCode.OK);
        commands.ShouldBe(0, "this node heard the version and rendered it already: no round trip, the view is not derived again");
        using (var repeat = await Http.GetAsync($"/api/people/{PersonId}", Ct))
        {
            (await repeat.Content.ReadAsStringAsync(Ct)).ShouldBe(firstBody);
        }

        await GivenClaimAsync(RecordApi.Claim(sourceId, quote: RecordApi.DeniedQuote).With("type", "ResignationDenied"));
        var after = await Body(await Http.GetAsync($"/api/people/{PersonId}", Ct));
        after.GetProperty("version").GetInt64().ShouldBe(3, "a new version is rendered anew, never served from the old one");
        after.GetProperty("openContradictions").GetInt32().ShouldBe(1);
    }

    private async Task<(HttpStatusCode Status, int Commands)> TracedGetAsync(string? etag, string query = "")
    {
        var trace = ActivityTraceId.CreateRandom();
        var commands = 0;
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name is "Npgsql" or "Microsoft.AspNetCore",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStarted = activity =>
            {
                if (activity.Source.Name == "Npgsql" && activity.TraceId == trace) Interlocked.Increment(ref commands);
            },
        };
        ActivitySource.AddActivityListener(listener);

        using var request = etag is null ? new HttpRequestMessage(HttpMethod.Get, $"/api/people/{PersonId}{query}") : Conditional(etag);
        request.Headers.Add("traceparent", $"00-{trace}-{ActivitySpanId.CreateRandom()}-01");
        using var response = await Http.SendAsync(request, Ct);
        return (response.StatusCode, Volatile.Read(ref commands));
    }
}
