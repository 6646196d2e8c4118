using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Npgsql;
using Shouldly;
using Timeline.Hosting;
using Timeline.Tests.Hosting;
using Timeline.Tests.Infrastructure;
using Timeline.Tests.Record;
using Xunit;

namespace Timeline.Tests.Faults;

/// <summary>A PostgreSQL cluster a fault test owns, so it may stop or crash it without touching the shared one.</summary>
internal sealed class PrivateCluster : IAsyncDisposable
{
    private readonly EmbeddedPostgresOptions _options;
    private EmbeddedPostgres? _server;

    private PrivateCluster(EmbeddedPostgresOptions options, EmbeddedPostgres server)
    {
        _options = options;
        _server = server;
        ConnectionString = server.ConnectionString;
    }

    public string ConnectionString { get; }

    /// <param name="durable">
    /// Fast clusters run with synchronous_commit off, which may drop commits PostgreSQL already acknowledged when the
    /// server crashes: a test that crashes the server needs a durable one, or it would blame the service for that.
    /// </param>
    public static async Task<PrivateCluster> StartAsync(string directory, bool durable = false)
    {
        var options = new EmbeddedPostgresOptions(directory) { Fast = !durable, Port = ServiceProcess.FreePort() };
        return new PrivateCluster(options, await Task.Run(() => EmbeddedPostgres.Start(options)));
    }

    /// <summary>An immediate shutdown (SIGQUIT to the postmaster): no checkpoint, open connections cut, like a crash.</summary>
    public async Task CrashAsync(TimeSpan timeout)
    {
        var server = _server ?? throw new InvalidOperationException("the cluster is not running");
        var pidFile = Path.Combine(server.ClusterDirectory, "postmaster.pid");
        var postmaster = int.Parse(File.ReadLines(pidFile).First(), CultureInfo.InvariantCulture);
        ServiceProcess.Signal(postmaster, "QUIT");
        await Rig.WaitUntilAsync(() => Task.FromResult(!ServiceProcess.IsAlive(postmaster)), timeout, "PostgreSQL did not go down");
        await server.DisposeAsync(); // releases the folder; the server is already gone
        _server = null;
    }

    /// <summary>Starts the same cluster again on the same port (crash recovery runs first).</summary>
    public async Task RestartAsync()
    {
        if (_server is not null) throw new InvalidOperationException("the cluster is running");
        _server = await Task.Run(() => EmbeddedPostgres.Start(_options));
    }

    public async ValueTask DisposeAsync()
    {
        if (_server is not null) await _server.DisposeAsync();
        _server = null;
    }
}

/// <summary>What one write attempt got: a status and its headers, or no answer at all (<see cref="Error"/>).</summary>
internal sealed record Attempt(
    Guid ClaimId, string Person, string Node, HttpStatusCode? Status, string? ContentType, string? RetryAfter, string Body, TimeSpan Elapsed,
    string? Error, DateTimeOffset StartedAt)
{
    public bool Acknowledged => Status is { } s && (int)s is >= 200 and < 300;
}

/// <summary>
/// Concurrent writers appending claims over HTTP, each with a fresh claim id, recording every attempt. The claims a
/// 2xx answered are the acknowledged set the tests check against what PostgreSQL holds.
/// </summary>
internal sealed class Writers : IAsyncDisposable
{
    private readonly ConcurrentQueue<Attempt> _attempts = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly List<Task> _tasks = [];

    private Writers()
    {
    }

    public IReadOnlyList<Attempt> Attempts => [.. _attempts];

    public int AcknowledgedCount(Func<Attempt, bool>? where = null) => _attempts.Count(a => a.Acknowledged && (where?.Invoke(a) ?? true));

    /// <summary>Starts one writer per (node, client); writer i appends to the people in turn, starting at person i.</summary>
    public static Writers Start(IReadOnlyList<(string Node, HttpClient Client)> writers, IReadOnlyList<string> people, string sourceId)
    {
        var load = new Writers();
        for (var i = 0; i < writers.Count; i++)
        {
            var (node, client) = writers[i];
            var first = i;
            load._tasks.Add(Task.Run(() => load.WriteAsync(node, client, people, first, sourceId)));
        }

        return load;
    }

    private async Task WriteAsync(string node, HttpClient client, IReadOnlyList<string> people, int first, string sourceId)
    {
        for (var n = first; !_stop.IsCancellationRequested; n++)
        {
            var person = people[n % people.Count];
            var claimId = Guid.NewGuid();
            var startedAt = DateTimeOffset.UtcNow;
            var clock = Stopwatch.StartNew();
            try
            {
                // Not cancelled by _stop: an answer in flight is waited for, so a 2xx is never dropped from the set.
                using var response = await client.PostAsJsonAsync($"/api/people/{person}/claims", RecordApi.Claim(sourceId, claimId));
                var body = await response.Content.ReadAsStringAsync();
                _attempts.Enqueue(new Attempt(claimId, person, node, response.StatusCode, response.Content.Headers.ContentType?.MediaType,
                    response.Headers.RetryAfter?.ToString(), body, clock.Elapsed, null, startedAt));
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or IOException)
            {
                _attempts.Enqueue(new Attempt(claimId, person, node, null, null, null, "", clock.Elapsed, $"{ex.GetType().Name}: {ex.Message}", startedAt));
                // The node is gone or the connection broke: try again soon, without spinning.
                await Task.Delay(100);
            }
        }
    }

    public async Task StopAsync()
    {
        await _stop.CancelAsync();
        await Task.WhenAll(_tasks);
    }

    public async ValueTask DisposeAsync()
    {
        if (!_stop.IsCancellationRequested) await StopAsync();
        _stop.Dispose();
    }
}

/// <summary>One event of a person's stream as PostgreSQL holds it.</summary>
internal sealed record StoredEvent(string Stream, long Version, long Sequence, string Type, Guid? ClaimId);

internal static class Rig
{
    public static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>The environment of a service node on <paramref name="connectionString"/>, no seeds.</summary>
    public static Dictionary<string, string> NodeEnvironment(string connectionString, string node) => new()
    {
        ["ConnectionStrings__Timeline"] = connectionString,
        ["Timeline__SeedOnStart"] = "false",
        ["Timeline__NodeName"] = node,
        // The writers are one principal on one address, and a 429 is not the fault under test.
        ["Timeline__RateLimits__PerPrincipalPerMinute"] = "0",
        ["Timeline__RateLimits__PerIpPerMinute"] = "0",
    };

    /// <summary>Polls a condition until it holds; fails with <paramref name="what"/> after <paramref name="timeout"/>.</summary>
    public static async Task<TimeSpan> WaitUntilAsync(Func<Task<bool>> condition, TimeSpan timeout, string what)
    {
        var clock = Stopwatch.StartNew();
        while (!await condition())
        {
            if (clock.Elapsed > timeout) throw new TimeoutException($"{what} within {timeout}");
            await Task.Delay(100, Ct);
        }

        return clock.Elapsed;
    }

    /// <summary>Registers the people and the one source every claim quotes; returns the source's id.</summary>
    public static async Task<string> GivenPeopleAndSourceAsync(HttpClient http, IEnumerable<string> people)
    {
        foreach (var person in people)
        {
            using var registered = await http.PostAsJsonAsync("/api/people", RecordApi.Person(person), Ct);
            registered.StatusCode.ShouldBe(HttpStatusCode.Created, await registered.Content.ReadAsStringAsync(Ct));
        }

        using var source = await http.PostAsJsonAsync("/api/sources", RecordApi.Source(), Ct);
        var text = await source.Content.ReadAsStringAsync(Ct);
        source.StatusCode.ShouldBe(HttpStatusCode.Created, text);
        return JsonDocument.Parse(text).RootElement.GetProperty("id").GetString()!;
    }

    /// <summary>The people's streams read straight from PostgreSQL, in sequence order.</summary>
    public static async Task<List<StoredEvent>> StoredEventsAsync(string connectionString, IReadOnlyList<string> people)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(Ct);
        await using var command = new NpgsqlCommand(
            $"select stream_id, version, seq_id, type, data->'claim'->>'claimId' from {StoreSetup.SchemaName}.mt_events " +
            "where stream_id = any($1) order by seq_id", connection);
        command.Parameters.AddWithValue(people.ToArray());
        var events = new List<StoredEvent>();
        await using var reader = await command.ExecuteReaderAsync(Ct);
        while (await reader.ReadAsync(Ct))
        {
            events.Add(new StoredEvent(reader.GetString(0), reader.GetInt64(1), reader.GetInt64(2), reader.GetString(3),
                reader.IsDBNull(4) ? null : Guid.Parse(reader.GetString(4))));
        }

        return events;
    }

    public static async Task<JsonElement> GetJsonAsync(HttpClient http, string path)
    {
        using var response = await http.GetAsync(path, Ct);
        var text = await response.Content.ReadAsStringAsync(Ct);
        response.StatusCode.ShouldBe(HttpStatusCode.OK, $"GET {path}: {text}");
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    /// <summary>/health/ready's body whatever its status (503 while a check fails), or null when the node does not answer.</summary>
    public static async Task<JsonElement?> ReadinessAsync(HttpClient http)
    {
        try
        {
            using var response = await http.GetAsync("/health/ready", Ct);
            if (response.StatusCode is not (HttpStatusCode.OK or HttpStatusCode.ServiceUnavailable)) return null;
            return JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct)).RootElement.Clone();
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or JsonException)
        {
            return null;
        }
    }

    public static IReadOnlyList<string> Runs(JsonElement readiness) =>
        [.. readiness.GetProperty("node").GetProperty("runs").EnumerateArray().Select(r => r.GetString()!)];

    /// <summary>Every async projection has reached <paramref name="sequence"/>, as the node reports it.</summary>
    public static async Task WaitForViewsAsync(HttpClient http, long sequence, TimeSpan timeout)
    {
        await WaitUntilAsync(async () => await ReadinessAsync(http) is { } ready
                && ready.GetProperty("status").GetString() == "Healthy"
                && ready.GetProperty("projections").EnumerateArray().All(p => p.GetProperty("position").GetInt64() >= sequence),
            timeout, $"the async projections did not reach sequence {sequence}");
    }

    /// <summary>
    /// The acknowledged set against the stored one: each acknowledged claim in its own stream exactly once, no claim id
    /// stored twice, nothing stored that no writer sent, every stream's versions 1..n. Returns how many claims landed
    /// although their writer got no 2xx (a cut connection, a 503 after the commit): allowed, and reported.
    /// </summary>
    public static int CheckNothingLostOrDuplicated(IReadOnlyList<Attempt> attempts, IReadOnlyList<StoredEvent> stored, ITestOutputHelper? output)
    {
        var claims = stored.Where(e => e.ClaimId is not null).ToList();
        claims.GroupBy(e => e.ClaimId).Where(g => g.Count() > 1).Select(g => g.Key).ShouldBeEmpty("claim ids stored more than once");

        var byId = claims.ToDictionary(e => e.ClaimId!.Value);
        var acknowledged = attempts.Where(a => a.Acknowledged).ToList();
        acknowledged.ShouldNotBeEmpty();
        var lost = acknowledged.Where(a => !byId.TryGetValue(a.ClaimId, out var e) || e.Stream != a.Person).ToList();
        lost.ShouldBeEmpty($"{lost.Count} of {acknowledged.Count} acknowledged claims are not in their stream");

        var sent = attempts.Select(a => a.ClaimId).ToHashSet();
        claims.Where(e => !sent.Contains(e.ClaimId!.Value)).ShouldBeEmpty("claims stored that no writer sent");
        foreach (var stream in stored.GroupBy(e => e.Stream))
        {
            stream.Select(e => e.Version).Order().ShouldBe(Enumerable.Range(1, stream.Count()).Select(v => (long)v), $"versions of {stream.Key}");
        }

        var landedUnacknowledged = claims.Count(e => !acknowledged.Any(a => a.ClaimId == e.ClaimId));
        output?.WriteLine($"attempts {attempts.Count}, acknowledged {acknowledged.Count}, stored claims {claims.Count}, " +
                          $"landed without a 2xx {landedUnacknowledged}, unanswered {attempts.Count(a => a.Error is not null)}, " +
                          $"other statuses {string.Join(", ", attempts.Where(a => a.Status is { } s && !a.Acknowledged).GroupBy(a => (int)a.Status!).Select(g => $"{g.Key}×{g.Count()}"))}");
        return landedUnacknowledged;
    }

    /// <summary>
    /// The views a reader sees, once caught up, against the stored events: each person's claims list and status version,
    /// and the changes feed holding each of the people's event sequences exactly once (no event projected twice or skipped).
    /// </summary>
    public static async Task CheckViewsCaughtUpAsync(HttpClient http, IReadOnlyList<string> people, IReadOnlyList<StoredEvent> stored, TimeSpan timeout)
    {
        await WaitForViewsAsync(http, stored.Max(e => e.Sequence), timeout);
        foreach (var person in people)
        {
            var mine = stored.Where(e => e.Stream == person).ToList();
            var claims = await GetJsonAsync(http, $"/api/claims?person={person}&limit=1000");
            claims.GetProperty("items").EnumerateArray().Select(c => c.GetProperty("id").GetGuid()).Order()
                .ShouldBe(mine.Where(e => e.ClaimId is not null).Select(e => e.ClaimId!.Value).Order(), $"claims of {person}");
            var status = await GetJsonAsync(http, $"/api/people/{person}");
            status.GetProperty("version").GetInt64().ShouldBe(mine.Max(e => e.Version), $"status version of {person}");
        }

        var feed = new List<long>();
        var after = 0L;
        while (true)
        {
            var page = await GetJsonAsync(http, $"/api/changes?after={after}&limit=1000");
            var items = page.GetProperty("items").EnumerateArray().ToList();
            if (items.Count == 0) break;
            feed.AddRange(items.Where(i => people.Contains(i.GetProperty("person").GetString())).Select(i => i.GetProperty("id").GetInt64()));
            after = page.GetProperty("next").GetInt64();
        }

        feed.GroupBy(id => id).Where(g => g.Count() > 1).Select(g => g.Key).ShouldBeEmpty("sequences in the feed more than once");
        feed.ShouldBe(stored.Select(e => e.Sequence).ToList(), "the feed holds each of the people's events once, in order");
    }
}
