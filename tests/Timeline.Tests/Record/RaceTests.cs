using System.Net;
using Shouldly;
using Timeline.Tests.Infrastructure;
using Xunit;

namespace Timeline.Tests.Record;

/// <summary>Many writers on one person's stream at once: nothing acknowledged is lost or doubled, nothing is a 500.</summary>
public sealed class RaceTests(AppFixture app) : RecordApiTest(app)
{
    private const int Writers = 16;

    [Fact]
    public async Task sixteen_writers_without_if_match_each_get_their_claim_appended_exactly_once()
    {
        var sourceId = await GivenPersonAndSourceAsync();
        var claimIds = Enumerable.Range(0, Writers).Select(_ => Guid.NewGuid()).ToList();
        using var start = new SemaphoreSlim(0, Writers);

        var writers = claimIds.Select(async claimId =>
        {
            using var client = App.Client();
            await start.WaitAsync(Ct);
            using var response = await AppendAsync(RecordApi.Claim(sourceId, claimId), client: client);
            return (ClaimId: claimId, Status: response.StatusCode, Body: await TextAsync(response));
        }).ToList();
        start.Release(Writers);
        var results = await Task.WhenAll(writers);

        results.ShouldAllBe(r => (int)r.Status < 500, string.Join("\n", results.Where(r => (int)r.Status >= 500).Select(r => r.Body)));
        results.ShouldAllBe(r => r.Status == HttpStatusCode.Created || r.Status == HttpStatusCode.Conflict || r.Status == HttpStatusCode.PreconditionFailed);
        var acknowledged = results.Where(r => r.Status == HttpStatusCode.Created).Select(r => r.ClaimId).ToList();
        // Without If-Match the service retries lost races itself, so every writer should be acknowledged.
        acknowledged.Count.ShouldBe(Writers, string.Join("\n", results.Where(r => r.Status != HttpStatusCode.Created).Select(r => r.Body)));

        var stream = await EventsAsync();
        var claims = stream.Skip(1).ToList();
        claims.Select(e => e.EntryId).ShouldBeUnique();
        foreach (var id in acknowledged) claims.Count(e => e.EntryId == id).ShouldBe(1, $"acknowledged claim {id}");
        claims.Count.ShouldBe(acknowledged.Count, "the stream holds claims nobody was told about");
        stream.Select(e => e.Version).ShouldBe(Enumerable.Range(1, Writers + 1).Select(v => (long)v));
        stream.Select(e => e.Sequence).ShouldBeInOrder(SortDirection.Ascending);
        (await ClaimsAboutAsync()).Select(c => c.GetProperty("id").GetGuid()).Order().ShouldBe(acknowledged.Order());
    }

    [Fact]
    public async Task sixteen_writers_with_the_same_if_match_give_one_201_and_412s_and_append_one_claim()
    {
        var sourceId = await GivenPersonAndSourceAsync();
        await GivenClaimAsync(RecordApi.Claim(sourceId));
        var before = await EventsAsync();
        using var start = new SemaphoreSlim(0, Writers);

        var writers = Enumerable.Range(0, Writers).Select(async _ =>
        {
            var claimId = Guid.NewGuid();
            using var client = App.Client();
            await start.WaitAsync(Ct);
            using var response = await AppendAsync(RecordApi.Claim(sourceId, claimId, RecordApi.ConfirmedQuote), ifMatch: "\"2\"", client: client);
            return (ClaimId: claimId, Status: response.StatusCode, Body: await TextAsync(response),
                ContentType: response.Content.Headers.ContentType?.MediaType);
        }).ToList();
        start.Release(Writers);
        var results = await Task.WhenAll(writers);

        results.ShouldAllBe(r => (int)r.Status < 500, string.Join("\n", results.Where(r => (int)r.Status >= 500).Select(r => r.Body)));
        var winner = results.Where(r => r.Status == HttpStatusCode.Created).ShouldHaveSingleItem(string.Join("\n", results.Select(r => $"{r.Status}: {r.Body}")));
        results.Where(r => r.Status != HttpStatusCode.Created).ShouldAllBe(r => r.Status == HttpStatusCode.PreconditionFailed && r.ContentType == RecordApi.ProblemJson);

        var stream = await EventsAsync();
        stream.Count.ShouldBe(before.Count + 1);
        stream[^1].Version.ShouldBe(3);
        stream[^1].EntryId.ShouldBe(winner.ClaimId);
    }
}

/// <summary>Claim ids are unique across people, held by the database in the append's own transaction.</summary>
public sealed class ClaimIdRaceTests(AppFixture app) : RecordApiTest(app)
{
    private const int Rounds = 30;
    private const string Other = "nasir-jamal";

    [Fact]
    public async Task the_same_claim_id_sent_at_once_for_two_people_is_acknowledged_for_exactly_one_of_them()
    {
        var sourceId = await GivenPersonAndSourceAsync();
        using (var other = await Post("/api/people", RecordApi.Person(Other, "Nasir Jamal")))
        {
            other.StatusCode.ShouldBe(HttpStatusCode.Created);
        }

        for (var round = 0; round < Rounds; round++)
        {
            var claimId = Guid.NewGuid();
            using var start = new SemaphoreSlim(0, 2);
            var writers = new[] { PersonId, Other }.Select(async person =>
            {
                using var client = App.Client();
                await start.WaitAsync(Ct);
                using var response = await AppendAsync(RecordApi.Claim(sourceId, claimId), person, client: client);
                return (Person: person, Status: response.StatusCode, Body: await TextAsync(response));
            }).ToList();
            start.Release(2);
            var results = await Task.WhenAll(writers);

            var summary = string.Join("\n", results.Select(r => $"{r.Person}: {r.Status} {r.Body}"));
            var winner = results.Where(r => r.Status == HttpStatusCode.Created).ShouldHaveSingleItem($"round {round}:\n{summary}");
            var loser = results.Single(r => r.Person != winner.Person);
            loser.Status.ShouldBe(HttpStatusCode.Conflict, $"round {round}:\n{summary}");

            using var claim = await Get($"/api/claims/{claimId}");
            (await Body(claim)).GetProperty("personId").GetString().ShouldBe(winner.Person);
            (await EventsAsync(loser.Person)).ShouldNotContain(e => e.EntryId == claimId, $"round {round}: the loser's stream holds the claim");
            (await EventsAsync(winner.Person)).Count(e => e.EntryId == claimId).ShouldBe(1);
        }
    }

    [Fact]
    public async Task the_same_claim_sent_twice_at_once_for_one_person_is_appended_once_and_both_get_its_answer()
    {
        var sourceId = await GivenPersonAndSourceAsync();
        for (var round = 0; round < Rounds; round++)
        {
            var claimId = Guid.NewGuid();
            using var start = new SemaphoreSlim(0, 2);
            var writers = Enumerable.Range(0, 2).Select(async _ =>
            {
                using var client = App.Client();
                await start.WaitAsync(Ct);
                using var response = await AppendAsync(RecordApi.Claim(sourceId, claimId), client: client);
                return (Status: response.StatusCode, Body: await TextAsync(response));
            }).ToList();
            start.Release(2);
            var results = await Task.WhenAll(writers);

            results.ShouldAllBe(r => r.Status == HttpStatusCode.Created, string.Join("\n", results.Select(r => $"{r.Status} {r.Body}")));
            results[0].Body.ShouldBe(results[1].Body, "a retry of the same claim gets the first answer");
            (await EventsAsync()).Count(e => e.EntryId == claimId).ShouldBe(1);
        }
    }
}
