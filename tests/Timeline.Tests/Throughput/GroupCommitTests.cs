using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Timeline.Changes;
using Timeline.Claims;
using Timeline.People;
using Timeline.Sources;
using Shouldly;
using Timeline.Tests.Infrastructure;
using Timeline.Tests.Record;
using Xunit;

namespace Timeline.Tests.Throughput;

/// <summary>Appends to different people that arrive together share a commit; each still gets its own answer.</summary>
public sealed class GroupCommitTests(AppFixture app) : RecordApiTest(app)
{
    private const int People = 12;

    [Fact]
    public async Task concurrent_appends_to_different_people_are_each_acknowledged_once_and_a_duplicate_id_fails_only_itself()
    {
        var sourceId = await GivenSourceAsync();
        var people = Enumerable.Range(0, People).Select(i => $"person-{i}").ToList();
        foreach (var person in people)
        {
            using var registered = await Post("/api/people", RecordApi.Person(person));
            registered.StatusCode.ShouldBe(HttpStatusCode.Created);
        }

        var shared = Guid.NewGuid();
        // Every person gets a claim of its own; the first two also race for one id, which only one may have.
        var requests = people.Select(p => (Person: p, ClaimId: Guid.NewGuid()))
            .Concat(new (string Person, Guid ClaimId)[] { (people[0], shared), (people[1], shared) })
            .ToList();
        using var start = new SemaphoreSlim(0, requests.Count);
        var sends = requests.Select(async r =>
        {
            using var client = App.Client();
            await start.WaitAsync(Ct);
            using var response = await AppendAsync(RecordApi.Claim(sourceId, r.ClaimId), personId: r.Person, client: client);
            return (r.Person, r.ClaimId, response.StatusCode, Body: await TextAsync(response));
        }).ToList();
        start.Release(requests.Count);
        var results = await Task.WhenAll(sends);

        results.Where(r => r.ClaimId != shared).ShouldAllBe(r => r.StatusCode == HttpStatusCode.Created,
            string.Join("\n", results.Select(r => $"{r.Person} {r.StatusCode}: {r.Body}")));
        var racers = results.Where(r => r.ClaimId == shared).ToList();
        racers.Count(r => r.StatusCode == HttpStatusCode.Created).ShouldBe(1, string.Join("\n", racers.Select(r => $"{r.StatusCode}: {r.Body}")));
        racers.Count(r => r.StatusCode == HttpStatusCode.Conflict).ShouldBe(1);
        var winner = racers.Single(r => r.StatusCode == HttpStatusCode.Created).Person;

        foreach (var person in people)
        {
            var expected = results.Where(r => r.Person == person && r.StatusCode == HttpStatusCode.Created).Select(r => r.ClaimId).Order().ToList();
            var stream = await EventsAsync(person);
            stream.Select(e => e.Version).ShouldBe(Enumerable.Range(1, expected.Count + 1).Select(v => (long)v), person);
            stream.Skip(1).Select(e => e.EntryId!.Value).Order().ToList().ShouldBe(expected, customMessage: person);
            (await ClaimsAboutAsync(person)).Select(c => c.GetProperty("id").GetGuid()).Order().ToList().ShouldBe(expected, customMessage: person);
        }

        (await ClaimsAboutAsync(winner)).Count(c => c.GetProperty("id").GetGuid() == shared).ShouldBe(1);
    }

    /// <summary>
    /// A plain append decides on the version this node last heard committed, without reading the header. Here the node
    /// is made to believe a version the stream never had (as a node that heard late would believe an old one): the
    /// writer's check must catch it, and the append must still land once, at the version the stream really reached.
    /// </summary>
    [Fact]
    public async Task an_append_decided_on_a_version_the_stream_is_not_at_lands_once_at_the_right_version()
    {
        var sourceId = await GivenSourceAsync();
        using (var registered = await Post("/api/people", RecordApi.Person(PersonId))) registered.StatusCode.ShouldBe(HttpStatusCode.Created);
        using (var first = await AppendAsync(RecordApi.Claim(sourceId))) first.StatusCode.ShouldBe(HttpStatusCode.Created, await TextAsync(first));

        App.Host.Services.GetRequiredService<StreamVersions>().Committed(PersonId, 7);
        using var second = await AppendAsync(RecordApi.Claim(sourceId, quote: RecordApi.DeniedQuote).With("type", "ResignationDenied"));

        second.StatusCode.ShouldBe(HttpStatusCode.Created, await TextAsync(second));
        var answer = await Body(second);
        answer.GetProperty("version").GetInt64().ShouldBe(3);
        var stream = await EventsAsync(PersonId);
        stream.Select(e => e.Version).ShouldBe([1L, 2L, 3L]);
        stream[^1].EntryId.ShouldBe(answer.GetProperty("id").GetGuid());
        (await ClaimsAboutAsync(PersonId)).Count.ShouldBe(2);
    }

    /// <summary>
    /// A write decided on version 1 (the registration alone) reads nothing for its propositions: no claim about the person
    /// can be on record yet. Decided on that version after the stream has taken a claim (a node that heard late), it must
    /// be refused by the version check with nothing changed, so the claim it would contest is never missed; decided again
    /// on the stream as it is (on a node that kept nothing of the person), the denial contests the claim.
    /// </summary>
    [Fact]
    public async Task a_write_decided_on_the_registration_alone_is_refused_once_the_stream_holds_a_claim()
    {
        var sourceId = await GivenSourceAsync();
        using (var registered = await Post("/api/people", RecordApi.Person(PersonId))) registered.StatusCode.ShouldBe(HttpStatusCode.Created);
        var tendered = (await GivenClaimAsync(RecordApi.Claim(sourceId))).GetProperty("id").GetString()!;
        var before = await StateAsync();

        var denial = new AppendClaimRequest("ResignationDenied", null, "2013-11", sourceId, new ClaimantInput("Our Staff Reporter", "Reporter", "The Nation"),
            RecordApi.DeniedQuote, "tester", Office: "Senator", Organization: "Senate of Pakistan");
        ClaimTypes.Check(denial, out var validTime).Any.ShouldBeFalse();
        var source = (await SourceCache.LoadAsync(App.Store, sourceId, Ct)).ShouldNotBeNull().Document;
        var id = Guid.NewGuid();
        var decision = AppendClaimEndpoint.Decide(PersonId, denial, id, validTime, source, null, null);
        decision.Refusal.ShouldBeNull();

        var stale = new StreamWrite(PersonId, 1, decision.Events, "tester", [new EntryId { Id = id, PersonId = PersonId }], null);
        await Should.ThrowAsync<StreamMovedException>(() => EventWriter.For(App.Store).WriteAsync([stale], Ct));
        await NothingAppendedSinceAsync(before);

        // On another node, which kept nothing of this person: only its reads can find the claim to contest.
        await using var other = await AppFixture.StartHostAsync(App.ConnectionString);
        using var otherClient = AppFixture.ClientFor(other);
        using var denied = await AppendAsync(RecordApi.Claim(sourceId, quote: RecordApi.DeniedQuote).With("type", "ResignationDenied"), client: otherClient);
        denied.StatusCode.ShouldBe(HttpStatusCode.Created, await TextAsync(denied));
        var contradiction = (await Body(await Get($"/api/contradictions?person={PersonId}"))).GetProperty("items").EnumerateArray().ShouldHaveSingleItem();
        contradiction.GetProperty("state").GetString().ShouldBe("open");
        string?[] Side(string stance) => [.. contradiction.GetProperty("sides").EnumerateArray().Single(s => s.GetProperty("stance").GetString() == stance)
            .GetProperty("claims").EnumerateArray().Select(c => c.GetProperty("id").GetString())];
        Side("asserts").ShouldBe([tendered]);
        Side("denies").ShouldBe([(await Body(denied)).GetProperty("id").GetString()]);
    }
}
