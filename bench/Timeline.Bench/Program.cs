using System.Diagnostics;
using System.Globalization;
using JasperFx.Events;
using Marten;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Timeline.Claims;
using Timeline.Hosting;
using Timeline.People;

// What a recordedAt read costs as a person's stream grows, against the baseline of Marten reading the same
// events raw (FetchStreamAsync) in the same process. Usage: dotnet run -c Release --project bench/Timeline.Bench [sizes...]
var sizes = args.Length > 0 ? args.Select(a => int.Parse(a, CultureInfo.InvariantCulture)).ToArray() : [100, 1_000, 5_000];
var builder = Host.CreateApplicationBuilder(["--Timeline:DataDirectory=.timeline-bench"]);
builder.Logging.SetMinimumLevel(LogLevel.Warning);
builder.AddTimelineDatabase();
builder.Services.AddTimelineStore();
using var host = builder.Build();
await host.StartAsync();
var store = host.Services.GetRequiredService<IDocumentStore>();
await store.Advanced.ResetAllData();

var source = new SourceRef("src-bench", "https://example.org/bench", "Bench", "Bench", DateTimeOffset.UnixEpoch);
Console.WriteLine("events | raw fetch ms | recordedAt read ms | ratio | recordedAt µs/event");
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
        var batch = Enumerable.Range(written, Math.Min(500, size - written)).Select(i => (object)new StatementMade(
            new ClaimDetails(Guid.NewGuid(), new Proposition(id, "said", $"topic {i % 40}"), i % 3 == 0 ? Stance.Denies : Stance.Asserts, null,
                new ValidTime(new PartialDate(1990 + i % 30, 1 + i % 12)), new Attribution(source, new Claimant($"claimant {i % 7}"), "quote", "bench")),
            $"statement {i}"));
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
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"{size,6} | {raw,12:F2} | {read,18:F2} | {read / raw,5:F2} | {read * 1000 / size,8:F1}"));
}

await host.StopAsync();

static async Task<double> Median(Func<Task> run)
{
    for (var i = 0; i < 3; i++) await run();
    var times = new List<double>();
    for (var i = 0; i < 9; i++)
    {
        var watch = Stopwatch.StartNew();
        await run();
        times.Add(watch.Elapsed.TotalMilliseconds);
    }

    times.Sort();
    return times[times.Count / 2];
}
