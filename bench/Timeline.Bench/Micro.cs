using System.Diagnostics;
using System.Globalization;
using JasperFx.Events;
using Marten;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;
using Timeline.Claims;
using Timeline.Contradictions;
using Timeline.Hosting;
using Timeline.People;
using Timeline.Sources;

namespace Timeline.Bench;

/// <summary>
/// In-process figures by stream size: a read at a recorded time against Marten's FetchStreamAsync of the same events,
/// and the whole write path against a bare Marten append to a store without projections.
/// </summary>
internal static class Micro
{
    /// <param name="connectionString">A database the run may reset; null starts the embedded default under .timeline-bench.</param>
    public static async Task<List<Row>> RunAsync(string? connectionString, int[] sizes)
    {
        var settings = connectionString is null
            ? new[] { "--Timeline:DataDirectory=.timeline-bench" }
            : new[] { $"--ConnectionStrings:Timeline={connectionString}" };
        var builder = Host.CreateApplicationBuilder(settings);
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.AddTimelineDatabase();
        builder.Services.AddTimelineStore().AddPeople().AddSources().AddClaims().AddContradictions();
        using var host = builder.Build();
        await host.StartAsync();
        var store = host.Services.GetRequiredService<IDocumentStore>();
        await store.Advanced.ResetAllData();
        var rows = new List<Row>();

        var source = new SourceRef("src-bench", "https://example.org/bench", "Bench", "Bench", DateTimeOffset.UnixEpoch);
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
                _ = CurrentStatus.From((await PersonQueries.LoadNowAsync(q, id, null, CancellationToken.None))!);
            });
            rows.Add(Row.Latency($"recordedAt read, {size:N0} events", read, "Marten FetchStreamAsync of the same events", raw, null));
            rows.Add(Row.Latency($"now read (no ETag), {size:N0} events", now, "Marten FetchStreamAsync of the same events", raw, null));
        }

        await using (var session = store.LightweightSession())
        {
            session.Store(new SourceDocument { Id = source.Id, Url = source.Url, Publisher = source.Publisher, Title = source.Title, Text = "a quote", TextHash = "bench" });
            await session.SaveChangesAsync();
        }

        using var bare = DocumentStore.For(o =>
        {
            o.Connection(host.Services.GetRequiredService<NpgsqlDataSource>());
            o.DatabaseSchemaName = "bench_raw_marten";
            o.Events.StreamIdentity = StreamIdentity.AsString;
        });
        await bare.Advanced.Clean.CompletelyRemoveAllAsync();
        var unkeyed = new WriteRequest(null, "");
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
            rows.Add(Row.Latency($"append in process, stream of {size:N0}", timelineAppend, "bare Marten append, no projections", rawAppend, null));
        }

        await host.StopAsync();
        return rows;
    }

    /// <summary>Median of 15 runs after 3 warm-ups, in milliseconds.</summary>
    private static async Task<double> Median(Func<Task> run)
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

    public static int[] ParseSizes(IEnumerable<string> args) =>
        args.Select(a => int.Parse(a, CultureInfo.InvariantCulture)).ToArray() is { Length: > 0 } sizes ? sizes : [100, 1_000, 5_000];
}
