using System.Net;
using Shouldly;
using Timeline.Tests.Infrastructure;
using Timeline.Tests.Record;
using Xunit;

namespace Timeline.Tests.Throughput;

/// <summary>A hot person: many writers appending to one stream at once queue instead of racing, so none is refused.</summary>
public sealed class HotStreamTests(AppFixture app) : RecordApiTest(app)
{
    private const int Writers = 16;
    private const int AppendsPerWriter = 5;

    [Fact]
    public async Task sixteen_writers_appending_repeatedly_to_one_person_all_get_201_with_contiguous_versions_and_no_duplicates()
    {
        var sourceId = await GivenPersonAndSourceAsync();
        using var start = new SemaphoreSlim(0, Writers);

        var writers = Enumerable.Range(0, Writers).Select(async _ =>
        {
            using var client = App.Client();
            await start.WaitAsync(Ct);
            var answers = new List<(Guid ClaimId, HttpStatusCode Status, long Version, string Body)>();
            for (var i = 0; i < AppendsPerWriter; i++)
            {
                var claimId = Guid.NewGuid();
                // Every other append carries an Idempotency-Key, so the keyed path queues the same way.
                using var response = await AppendAsync(RecordApi.Claim(sourceId, claimId), idempotencyKey: i % 2 == 0 ? $"hot-{claimId}" : null, client: client);
                var body = await TextAsync(response);
                var version = response.StatusCode == HttpStatusCode.Created ? (await Body(response)).GetProperty("version").GetInt64() : -1;
                answers.Add((claimId, response.StatusCode, version, body));
            }

            return answers;
        }).ToList();
        start.Release(Writers);
        var results = (await Task.WhenAll(writers)).SelectMany(a => a).ToList();

        results.Where(r => r.Status != HttpStatusCode.Created).ShouldBeEmpty(
            string.Join("\n", results.Where(r => r.Status != HttpStatusCode.Created).Select(r => $"{r.Status}: {r.Body}")));
        const int total = Writers * AppendsPerWriter;
        results.Select(r => r.Version).Order().ShouldBe(Enumerable.Range(2, total).Select(v => (long)v), "each 201 reports its own version");

        var stream = await EventsAsync();
        stream.Select(e => e.Version).ShouldBe(Enumerable.Range(1, total + 1).Select(v => (long)v));
        var claims = stream.Skip(1).Select(e => e.EntryId!.Value).ToList();
        claims.ShouldBeUnique();
        claims.Order().ShouldBe(results.Select(r => r.ClaimId).Order());
        foreach (var r in results) stream.Single(e => e.EntryId == r.ClaimId).Version.ShouldBe(r.Version, $"claim {r.ClaimId}");
        (await ClaimsAboutAsync()).Count.ShouldBe(total);
    }
}
