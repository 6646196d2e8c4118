using System.Net;
using System.Text.Json;
using Marten;
using Marten.Services;
using Npgsql;
using Shouldly;
using Timeline.People;
using Timeline.Tests.Infrastructure;
using Timeline.Tests.Record;
using Xunit;

namespace Timeline.Tests.Changes;

/// <summary>Sequences are taken before commit: a reader must never pass one whose transaction is still open.</summary>
public sealed class InFlightTests(AppFixture app) : ChangesTest(app)
{
    [Fact]
    public async Task the_feed_does_not_pass_a_sequence_whose_transaction_is_still_open()
    {
        var head = await RegisterAsync("already-there");
        await FeedAsync($"atLeast={head}");

        // A writer takes its sequence and then stalls before committing.
        await using var connection = new NpgsqlConnection(App.ConnectionString);
        await connection.OpenAsync(Ct);
        await using var transaction = await connection.BeginTransactionAsync(Ct);
        await using (var slow = App.Store.LightweightSession(SessionOptions.ForTransaction(transaction)))
        {
            slow.Events.StartStream<Person>("slow-writer", new PersonRegistered("slow-writer", "Slow Writer", [], "in-flight-tests"));
            await slow.SaveChangesAsync(Ct);
        }

        // A later writer commits first, with the next sequence.
        var fast = await RegisterAsync("fast-writer");

        var meanwhile = await FeedAsync($"after={head}&wait=1");
        meanwhile.Items.ShouldBeEmpty("the later commit must wait for the open transaction's sequence");
        meanwhile.Next.ShouldBe(head);

        await transaction.CommitAsync(Ct);

        var seen = new List<FeedItem>();
        var cursor = head;
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (seen.Count < 2 && DateTime.UtcNow < deadline)
        {
            var page = await FeedAsync($"after={cursor}&wait=5");
            seen.AddRange(page.Items);
            cursor = page.Next;
        }

        seen.Select(i => i.Person).ShouldBe(["slow-writer", "fast-writer"]);
        seen[1].Id.ShouldBe(fast);
        seen[0].Id.ShouldBeLessThan(fast);
    }

    [Fact]
    public async Task under_concurrent_writers_claims_paged_on_the_cursor_are_each_seen_exactly_once()
    {
        const int writers = 4, perWriter = 8;
        var sourceId = await GivenSourceAsync();
        for (var w = 0; w < writers; w++) await RegisterAsync($"claims-writer-{w}");

        var acknowledged = new System.Collections.Concurrent.ConcurrentBag<Guid>();
        var writing = Task.WhenAll(Enumerable.Range(0, writers).Select(w => Task.Run(async () =>
        {
            using var client = App.Client();
            for (var i = 0; i < perWriter; i++)
            {
                using var response = await AppendAsync(RecordApi.Claim(sourceId), personId: $"claims-writer-{w}", client: client);
                response.StatusCode.ShouldBe(HttpStatusCode.Created, await TextAsync(response));
                acknowledged.Add((await Body(response)).GetProperty("claimId").GetGuid());
            }
        }, Ct)));

        // A full page hands out a cursor and is taken; a last, short page is provisional and asked again.
        var taken = new List<Guid>();
        long? cursor = null;
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (DateTime.UtcNow < deadline)
        {
            var done = writing.IsCompleted;
            using var response = await Get($"/api/claims?limit=3{(cursor is null ? "" : $"&after={cursor}")}");
            response.StatusCode.ShouldBe(HttpStatusCode.OK, await TextAsync(response));
            var body = await Body(response);
            var items = body.GetProperty("items").EnumerateArray().Select(c => c.GetProperty("id").GetGuid()).ToList();
            if (body.GetProperty("next").ValueKind == JsonValueKind.Number)
            {
                taken.AddRange(items);
                cursor = body.GetProperty("next").GetInt64();
                continue;
            }

            if (done)
            {
                taken.AddRange(items);
                break;
            }

            await Task.Delay(20, Ct);
        }

        await writing;
        taken.Distinct().Count().ShouldBe(taken.Count, "no claim is repeated");
        taken.Order().ShouldBe(acknowledged.Order(), "every acknowledged claim is seen");
    }
}
