using System.Diagnostics;
using System.Globalization;
using JasperFx.Events;
using Marten;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Timeline.Claims;
using Timeline.Contradictions;
using Timeline.Hosting;
using Timeline.People;
using Timeline.Sources;
using Npgsql;
using Microsoft.AspNetCore.Http;

// How reads at a recorded time and appends cost as a person's stream grows, each against a Marten baseline in the
// same process: FetchStreamAsync of the same events, and a bare append to a store without projections.
// Usage: dotnet run -c Release --project bench/Timeline.Bench [sizes...]
var sizes = args.Length > 0 ? args.Select(a => int.Parse(a, CultureInfo.InvariantCulture)).ToArray() : [100, 1_000, 5_000];
var builder = Host.CreateApplicationBuilder(["--Timeline:DataDirectory=.timeline-bench"]);
builder.Logging.SetMinimumLevel(LogLevel.Warning);
builder.AddTimelineDatabase();
builder.Services.AddTimelineStore().AddPeople().AddSources().AddClaims().AddContradictions();
using var host = builder.Build();
await host.StartAsync();
var store = host.Services.GetRequiredService<IDocumentStore>();
await store.Advanced.ResetAllData();

var source = new SourceRef("src-bench", "https://example.org/bench", "Bench", "Bench", DateTimeOffset.UnixEpoch);
Console.WriteLine("events | raw fetch ms | recordedAt read ms | ratio | recordedAt µs/event | now read ms");
foreach (var size in sizes)
{
    var id = $"bench-{size}";
    await using (var session = store.LightweightSession())
    {
        session.Events.StartStream<PersonDossier>(id, new PersonRegistered(id, "Bench", [], "bench"));
        await session.SaveChangesAsync();
    }

    for (var written = 0; written < size; written += 500)
    {
        await using var session = store.LightweightSession();
        var batch = Enumerable.Range(written, Math.Min(500, size - written)).Select(i => (object)new StatementMade
        {
            Claim = new ClaimDetails(Guid.NewGuid(), new Proposition(id, "said", $"topic {i % 40}"), i % 3 == 0 ? Stance.Denies : Stance.Asserts, null,
                new ValidTime(new PartialDate(1990 + i % 30, 1 + i % 12)), new Attribution(source, new Claimant($"claimant {i % 7}"), "quote", "bench")),
            Statement = $"statement {i}",
        });
        session.Events.Append(id, batch.ToArray());
        await session.SaveChangesAsync();
    }

    var at = DateTimeOffset.UtcNow;
    var raw = await Median(async () =>
    {
        await using var q = store.QuerySession();
        _ = await q.Events.FetchStreamAsync(id, timestamp: at);
    });
    var read = await Median(async () =>
    {
        await using var q = store.QuerySession();
        _ = CurrentStatus.From(PersonDossier.Replay(await q.Events.FetchStreamAsync(id, timestamp: at)), null, at);
    });
    var now = await Median(async () =>
    {
        await using var q = store.QuerySession();
        _ = CurrentStatus.From((await PersonQueries.LoadNowAsync(q, id, CancellationToken.None))!);
    });
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"{size,6} | {raw,12:F2} | {read,18:F2} | {read / raw,5:F2} | {read * 1000 / size,8:F1} | {now,11:F2}"));
}

// Appends: the service's whole write path (source and quote check, fetch for writing, decide, inline projections)
// against Marten appending the same event to a store with no projections.
await using (var session = store.LightweightSession())
{
    session.Store(new SourceDocument { Id = source.Id, Url = source.Url, Publisher = source.Publisher, Title = source.Title, Text = "a quote", TextHash = "bench" });
    await session.SaveChangesAsync();
}

using var bare = DocumentStore.For(o =>
{
    o.Connection(host.Services.GetRequiredService<NpgsqlDataSource>());
    o.DatabaseSchemaName = "bench_raw";
    o.Events.StreamIdentity = StreamIdentity.AsString;
});
await bare.Advanced.Clean.CompletelyRemoveAllAsync();
var unkeyed = new WriteRequest(null, "");
Console.WriteLine();
Console.WriteLine("events | raw append ms | timeline append ms | ratio");
foreach (var size in sizes)
{
    var id = $"bench-{size}";
    var rawId = $"raw-{size}";
    await using (var session = bare.LightweightSession())
    {
        session.Events.StartStream(rawId, new PersonRegistered(rawId, "Bench", [], "bench"));
        await session.SaveChangesAsync();
    }

    var n = 0;
    var rawAppend = await Median(async () =>
    {
        await using var session = bare.LightweightSession();
        session.Events.Append(rawId, new StatementMade
        {
            Claim = new ClaimDetails(Guid.NewGuid(), new Proposition(rawId, "said", $"topic {n++ % 40}"), Stance.Asserts, null,
                new ValidTime(new PartialDate(2000)), new Attribution(source, new Claimant("claimant"), "quote", "bench")),
            Statement = "statement",
        });
        await session.SaveChangesAsync();
    });
    var timelineAppend = await Median(async () =>
    {
        var request = new AppendClaimRequest("StatementMade", null, "2000", source.Id, new ClaimantInput("claimant"), "quote", "bench",
            Predicate: "said", Object: $"topic {n++ % 40}", Statement: "statement");
        var result = await AppendClaimEndpoint.AppendAsync(store, id, request, null, unkeyed, TimeProvider.System, CancellationToken.None);
        if (result is not IStatusCodeHttpResult { StatusCode: 201 }) throw new InvalidOperationException($"append refused: {result}");
    });
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{size,6} | {rawAppend,12:F2} | {timelineAppend,18:F2} | {timelineAppend / rawAppend,5:F2}"));
}

await host.StopAsync();

static async Task<double> Median(Func<Task> run)
{
    for (var i = 0; i < 3; i++) await run();
    var times = new List<double>();
    for (var i = 0; i < 15; i++)
    {
        var watch = Stopwatch.StartNew();
        await run();
        times.Add(watch.Elapsed.TotalMilliseconds);
    }

    times.Sort();
    return times[times.Count / 2];
}
