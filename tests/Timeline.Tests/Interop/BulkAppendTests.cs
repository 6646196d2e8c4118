using System.Net;
using Shouldly;
using Timeline.Claims;
using Timeline.Imports;
using Timeline.Tests.Infrastructure;
using Timeline.Tests.Record;
using Xunit;

namespace Timeline.Tests.Interop;

public sealed class BulkAppendTests(AppFixture app) : RecordApiTest(app)
{
    private const string Other = "anis-qaimkhani";

    private static AppendClaimRequest Tendered(string sourceId, Guid id, string quote = RecordApi.TenderedQuote) =>
        new("ResignationTendered", id, "2013-11", sourceId, new ClaimantInput("Our Staff Reporter", "Reporter", "The Nation"), quote,
            Office: "Senator", Organization: "Senate of Pakistan");

    private Task<BulkResult> BulkAsync(IReadOnlyList<BulkClaim> claims, bool idsChecked = false) =>
        BulkAppend.AppendAsync(App.Store, claims, "bulk-tests", TimeProvider.System, null, Ct, idsChecked);

    /// <summary>The person's entries in the changes feed, read until <paramref name="expected"/> arrive or the feed stays short for 30 s.</summary>
    private async Task<int> FeedCountAsync(string personId, int expected)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        long after = 0;
        var count = 0;
        while (count < expected && DateTime.UtcNow < deadline)
        {
            using var response = await Get($"/api/changes?after={after}&limit=500&wait=1&person={personId}");
            response.StatusCode.ShouldBe(HttpStatusCode.OK, await TextAsync(response));
            var page = await Body(response);
            count += page.GetProperty("items").GetArrayLength();
            after = page.GetProperty("next").GetInt64();
        }

        return count;
    }

    [Fact]
    public async Task the_bulk_path_checks_every_claim_as_the_single_path_does_and_appends_the_rest()
    {
        var sourceId = await GivenPersonAndSourceAsync();
        using (var other = await Post("/api/people", RecordApi.Person(Other, "Anis Qaimkhani"))) other.StatusCode.ShouldBe(HttpStatusCode.Created);
        var shared = Guid.NewGuid();
        var good = Enumerable.Range(0, 5).Select(_ => Guid.NewGuid()).ToList();
        var claims = new List<BulkClaim>
        {
            new(PersonId, Tendered(sourceId, good[0])),
            new(PersonId, Tendered(sourceId, good[1])),
            new(Other, Tendered(sourceId, good[2])),
            new(PersonId, Tendered(sourceId, good[0])), // the same claim twice: appended once
            new("nobody-here", Tendered(sourceId, Guid.NewGuid())), // unknown person: 404
            new(PersonId, Tendered(sourceId, Guid.NewGuid(), quote: "words the article never printed")), // 422
            new(PersonId, Tendered(sourceId, Guid.NewGuid()) with { Office = null }), // a required field missing: 422
            new(PersonId, Tendered(sourceId, shared)),
            new(Other, Tendered(sourceId, shared)), // one id for two people: 409
        };

        var result = await BulkAsync(claims);

        result.Appended.ShouldBe(4);
        result.AlreadyThere.ShouldBe(1);
        result.Refused.Select(r => (r.Index, r.Status)).OrderBy(r => r.Index).ShouldBe([(4, 404), (5, 422), (6, 422), (8, 409)]);
        (await ClaimsAboutAsync(PersonId)).Select(c => c.GetProperty("id").GetGuid()).Order().ShouldBe(new[] { good[0], good[1], shared }.Order());
        (await ClaimsAboutAsync(Other)).Select(c => c.GetProperty("id").GetGuid()).ShouldBe([good[2]]);
        (await EventsAsync(PersonId)).Count(e => e.Type == "resignation_tendered").ShouldBe(3);
    }

    [Fact]
    public async Task the_bulk_path_refuses_a_term_due_to_end_before_it_began_and_a_reversed_interval_as_the_single_path_does()
    {
        var sourceId = await GivenPersonAndSourceAsync();
        var before = await StateAsync();
        var taken = new AppendClaimRequest("OfficeTaken", Guid.NewGuid(), "2013", sourceId, new ClaimantInput("Our Staff Reporter"),
            "MQM Senator Syed Mustafa Kamal", Office: "Senator", Organization: "Senate of Pakistan", ScheduledEnd: "1990");

        var result = await BulkAsync([new(PersonId, taken), new(PersonId, taken with { ClaimId = Guid.NewGuid(), ValidTime = "2013/1990", ScheduledEnd = null })]);

        result.Appended.ShouldBe(0);
        result.Refused.Select(r => (r.Index, r.Status)).ShouldBe([(0, 422), (1, 422)]);
        result.Refused[0].Problem.ShouldContain("scheduledEnd");
        result.Refused[1].Problem.ShouldContain("ends before it starts");
        await NothingAppendedSinceAsync(before);
    }

    [Fact]
    public async Task running_the_same_bulk_again_appends_nothing()
    {
        var sourceId = await GivenPersonAndSourceAsync();
        // Each about a body of its own, as an import's claims are: one proposition per claim.
        var claims = Enumerable.Range(0, BulkAppend.BatchSize + 10)
            .Select(i => new BulkClaim(PersonId, Tendered(sourceId, Guid.NewGuid()) with { Organization = $"Body {i}" })).ToList();
        (await BulkAsync(claims)).Appended.ShouldBe(claims.Count);
        var events = await AllEventsAsync();
        events.ShouldBe(claims.Count + 1, "the registration and every claim");
        (await FeedCountAsync(PersonId, claims.Count + 1)).ShouldBe(claims.Count + 1, "the changes feed lists every event of a bulk commit");

        var again = await BulkAsync(claims);

        again.Appended.ShouldBe(0);
        again.AlreadyThere.ShouldBe(claims.Count);
        (await AllEventsAsync()).ShouldBe(events);
        (await ClaimsAboutAsync(PersonId)).Count.ShouldBe(Math.Min(claims.Count, 1000));
    }

    /// <param name="part">0: the claims given at once; else given in parts of this many, as an import makes them.</param>
    [Theory]
    [InlineData(0)]
    [InlineData(97)]
    public async Task in_a_load_large_enough_for_lanes_an_id_given_under_two_people_goes_to_the_first_in_the_file_and_the_second_is_refused(int part)
    {
        var sourceId = await GivenPersonAndSourceAsync();
        var people = Enumerable.Range(0, 12).Select(p => $"lane-person-{p}").ToList();
        foreach (var person in people)
        {
            using var registered = await Post("/api/people", RecordApi.Person(person, $"Lane Person {person[^1]}"));
            registered.StatusCode.ShouldBe(HttpStatusCode.Created);
        }

        // 90 claims each, person after person as an import lists them; each person's tenth claim takes the id of the previous
        // person's fifth. The people fall in both lanes, so some of those ids are named in two lanes and some in one.
        var claims = new List<BulkClaim>();
        var fifth = new Dictionary<int, Guid>();
        for (var p = 0; p < people.Count; p++)
        {
            for (var i = 0; i < 90; i++)
            {
                var id = p > 0 && i == 10 ? fifth[p - 1] : Guid.NewGuid();
                if (i == 5) fifth[p] = id;
                claims.Add(new BulkClaim(people[p], Tendered(sourceId, id) with { Organization = $"Body {p}-{i}" }));
            }
        }

        var result = part == 0 ? await BulkAsync(claims) : await BulkAppend.AppendAsync(App.Store, InParts(claims, part), "bulk-tests", TimeProvider.System, null, Ct);

        // The oracle, from the rules alone: every claim appends but each reuse of an id already given to another person.
        var reused = Enumerable.Range(1, people.Count - 1).Select(p => p * 90 + 10).ToList();
        result.Refused.Select(r => (r.Index, r.Status)).ShouldBe(reused.Select(i => (i, 409)));
        result.Appended.ShouldBe(claims.Count - reused.Count);
        for (var p = 0; p < people.Count; p++)
        {
            var expected = claims.Where((c, i) => c.PersonId == people[p] && !reused.Contains(i)).Select(c => c.Request.ClaimId!.Value).Order().ToList();
            (await ClaimsAboutAsync(people[p])).Select(c => c.GetProperty("id").GetGuid()).Order().ToList().ShouldBe(expected, people[p]);
        }
    }

    private static async IAsyncEnumerable<IReadOnlyList<BulkClaim>> InParts(List<BulkClaim> claims, int size)
    {
        foreach (var part in claims.Chunk(size))
        {
            await Task.Yield();
            yield return part;
        }
    }

    [Fact]
    public async Task a_producer_that_fails_half_way_fails_the_bulk_with_its_own_error()
    {
        var sourceId = await GivenPersonAndSourceAsync();
        var claims = Enumerable.Range(0, 3 * BulkAppend.BatchSize)
            .Select(i => new BulkClaim(PersonId, Tendered(sourceId, Guid.NewGuid()) with { Organization = $"Body {i}" })).ToList();

        async IAsyncEnumerable<IReadOnlyList<BulkClaim>> Failing()
        {
            yield return claims;
            await Task.Yield();
            throw new InvalidDataException("the file broke off");
        }

        var failure = await Should.ThrowAsync<InvalidDataException>(() => BulkAppend.AppendAsync(App.Store, Failing(), "bulk-tests", TimeProvider.System, null, Ct));
        failure.Message.ShouldBe("the file broke off");
    }

    [Fact]
    public async Task a_lane_that_fails_while_the_claims_are_still_being_made_stops_the_producer_and_its_error_is_the_one_thrown()
    {
        var sourceId = await GivenPersonAndSourceAsync();
        var before = await StateAsync();
        var produced = 0;

        // The people the claims need never get registered: the lanes fail before their first commit.
        async IAsyncEnumerable<IReadOnlyList<BulkClaim>> Endless([System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken token = default)
        {
            while (true)
            {
                token.ThrowIfCancellationRequested();
                await Task.Delay(20, token);
                produced++;
                yield return [.. Enumerable.Range(0, 100).Select(i => new BulkClaim(PersonId, Tendered(sourceId, Guid.NewGuid()) with { Organization = $"Body {i}" }))];
            }
        }

        var registering = Task.FromException(new InvalidDataException("the registration failed"));
        var failure = await Should.ThrowAsync<InvalidDataException>(() =>
            BulkAppend.AppendAsync(App.Store, Endless(), "bulk-tests", TimeProvider.System, null, Ct, ready: registering).WaitAsync(TimeSpan.FromSeconds(30), Ct));

        failure.Message.ShouldBe("the registration failed");
        produced.ShouldBeLessThan(100, "the producer was stopped");
        await NothingAppendedSinceAsync(before);
    }

    [Fact]
    public async Task ids_said_to_be_free_that_are_on_record_are_still_found_an_identical_claim_appends_nothing_and_another_is_refused()
    {
        // The import says its ids were found free just before; a claim posted meanwhile with one of them must still count.
        var sourceId = await GivenPersonAndSourceAsync();
        var first = Enumerable.Range(0, 30).Select(i => new BulkClaim(PersonId, Tendered(sourceId, Guid.NewGuid()) with { Organization = $"Body {i}" })).ToList();
        (await BulkAsync(first)).Appended.ShouldBe(first.Count);
        var events = await AllEventsAsync();

        // Ten of those again as they were, one of their ids with another claim, and twenty new ones.
        var fresh = Enumerable.Range(0, 20).Select(i => new BulkClaim(PersonId, Tendered(sourceId, Guid.NewGuid()) with { Organization = $"New body {i}" })).ToList();
        var changed = new BulkClaim(PersonId, first[10].Request with { Organization = "Another body" });
        var claims = first.Take(10).Append(changed).Concat(fresh).ToList();

        var result = await BulkAsync(claims, idsChecked: true);

        // The oracle, from the rules alone: an id on record with the same claim is already there, with another claim a 409.
        result.AlreadyThere.ShouldBe(10);
        result.Refused.Select(r => (r.Index, r.Status)).ShouldBe([(10, 409)]);
        result.Appended.ShouldBe(fresh.Count);
        (await AllEventsAsync()).ShouldBe(events + fresh.Count);
        (await ClaimsAboutAsync(PersonId)).Select(c => c.GetProperty("id").GetGuid()).Order()
            .ShouldBe(first.Concat(fresh).Select(c => c.Request.ClaimId!.Value).Order());
    }
}
