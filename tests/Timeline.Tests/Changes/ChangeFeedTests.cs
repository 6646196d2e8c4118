using System.Diagnostics;
using System.Net;
using System.Text.Json.Nodes;
using Npgsql;
using Shouldly;
using Timeline.Tests.Infrastructure;
using Timeline.Tests.Record;
using Xunit;

namespace Timeline.Tests.Changes;

public sealed class ChangeFeedTests(AppFixture app) : ChangesTest(app)
{
    [Fact]
    public async Task the_feed_lists_registrations_claims_and_rulings_oldest_first_with_the_views_they_touched()
    {
        var registered = await RegisterAsync(PersonId);
        var sourceId = await GivenSourceAsync();
        var claim = await GivenClaimAsync(RecordApi.Claim(sourceId));
        var claimId = claim.GetProperty("claimId").GetGuid();
        using var ruling = await Post($"/api/claims/{claimId}/rulings", RecordApi.Ruling());
        ruling.StatusCode.ShouldBe(HttpStatusCode.Created, await TextAsync(ruling));
        var ruledAt = (await Body(ruling)).GetProperty("sequence").GetInt64();

        using var response = await Get($"/api/changes?atLeast={ruledAt}");
        response.Headers.GetValues("Timeline-Consistency").ShouldBe(["reached"]);
        response.Headers.CacheControl!.NoCache.ShouldBeTrue();
        var page = System.Text.Json.JsonSerializer.Deserialize<FeedPage>(await TextAsync(response), Json)!;

        page.Items.Select(i => i.Kind).ShouldBe(["person-registered", "claim-appended", "claim-ruled"]);
        page.Items.Select(i => i.Id).ShouldBe([registered, claim.GetProperty("sequence").GetInt64(), ruledAt]);
        page.Items.ShouldAllBe(i => i.Person == PersonId);
        page.Items[0].ClaimId.ShouldBeNull();
        page.Items[1].ClaimId.ShouldBe(claimId);
        page.Items[2].ClaimId.ShouldBe(claimId);
        page.Items.Select(i => i.Version).ShouldBe([1, 2, 3]);
        page.Items[0].Views.ShouldContain($"/api/people/{PersonId}");
        page.Items[2].Views.ShouldContain($"/api/claims/{claimId}");
        page.Items[2].Views.ShouldContain($"/api/contradictions?person={PersonId}");
        page.Next.ShouldBe(ruledAt);

        (await FeedAsync($"after={registered}&kind=claim-ruled")).Items.Select(i => i.Id).ShouldBe([ruledAt]);
        (await FeedAsync("person=someone-else")).Items.ShouldBeEmpty();
        var nothingNew = await FeedAsync($"after={ruledAt}");
        nothingNew.Items.ShouldBeEmpty();
        nothingNew.Next.ShouldBe(ruledAt);
    }

    [Fact]
    public async Task a_retraction_is_listed_with_the_claim_it_withdrew_and_each_entry_with_its_views_and_the_time_the_append_answered()
    {
        var registered = await RegisterAsync(PersonId);
        var sourceId = await GivenSourceAsync();
        var claim = await GivenClaimAsync(RecordApi.Claim(sourceId));
        var claimId = claim.GetProperty("claimId").GetGuid();
        using var retraction = await AppendAsync(new JsonObject
        {
            ["type"] = "ClaimRetracted", ["targetClaimId"] = claimId.ToString(), ["reason"] = "the reporter withdrew it", ["sourceId"] = sourceId,
            ["claimant"] = new JsonObject { ["name"] = "Our Staff Reporter", ["role"] = "Reporter", ["affiliation"] = "The Nation" },
            ["quote"] = RecordApi.TenderedQuote,
        });
        retraction.StatusCode.ShouldBe(HttpStatusCode.Created, await TextAsync(retraction));
        var retracted = await Body(retraction);

        var page = await FeedAsync($"atLeast={retracted.GetProperty("sequence").GetInt64()}&person={PersonId}");

        page.Items.Select(i => (i.Id, i.Kind, i.ClaimId, i.Version)).ShouldBe(
        [
            (registered, "person-registered", null, 1),
            (claim.GetProperty("sequence").GetInt64(), "claim-appended", claimId, 2),
            (retracted.GetProperty("sequence").GetInt64(), "claim-retracted", claimId, 3),
        ]);
        // The views, as the API's contract lists them: the person's three, and for a claim its own and its person's lists.
        string[] person = [$"/api/people/{PersonId}", $"/api/people/{PersonId}/timeline", $"/api/people/{PersonId}/events"];
        page.Items[0].Views.ShouldBe(person);
        foreach (var entry in page.Items.Skip(1))
        {
            entry.Views.ShouldBe([.. person, $"/api/claims/{claimId}", $"/api/claims?person={PersonId}", $"/api/contradictions?person={PersonId}"]);
        }

        page.Items[1].RecordedAt.ShouldBe(claim.GetProperty("recordedAt").GetDateTimeOffset());
        page.Items[2].RecordedAt.ShouldBe(retracted.GetProperty("recordedAt").GetDateTimeOffset());
        page.Items.ShouldAllBe(i => i.RecordedAt.Offset == TimeSpan.Zero);
    }

    [Fact]
    public async Task a_short_page_moves_the_cursor_past_changes_the_filter_left_out()
    {
        await RegisterAsync("first-person");
        var last = await RegisterAsync("second-person");
        await FeedAsync($"atLeast={last}");

        var page = await FeedAsync("person=first-person");
        page.Items.Count.ShouldBe(1);
        page.Next.ShouldBe(last);
    }

    [Theory]
    [InlineData("after=-1")]
    [InlineData("limit=0")]
    [InlineData("limit=1001")]
    [InlineData("wait=61")]
    [InlineData("kind=claim-deleted")]
    [InlineData("person=Not%20A%20Slug")]
    [InlineData("after=abc")]
    [InlineData("atLeast=abc")]
    [InlineData("atLeast=-5")]
    public async Task bad_feed_parameters_are_problems(string query)
    {
        using var response = await Get($"/api/changes?{query}");
        await ShouldBeProblemAsync(response, HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task a_long_poll_wakes_when_a_change_commits()
    {
        var head = await RegisterAsync("already-there");
        await FeedAsync($"atLeast={head}");

        var clock = Stopwatch.StartNew();
        var poll = FeedAsync($"after={head}&wait=30");
        await Task.Delay(200, Ct);
        poll.IsCompleted.ShouldBeFalse("nothing new yet, so the poll waits");
        var written = await RegisterAsync("newcomer");

        var page = await poll;
        page.Items.Select(i => i.Id).ShouldBe([written]);
        clock.Elapsed.ShouldBeLessThan(TimeSpan.FromSeconds(10), "a commit wakes the poll long before its 30 s wait ends");
    }

    [Fact]
    public async Task a_long_poll_that_finds_nothing_answers_empty_after_its_wait()
    {
        var head = await RegisterAsync("only-one");
        await FeedAsync($"atLeast={head}");

        var clock = Stopwatch.StartNew();
        var page = await FeedAsync($"after={head}&wait=1");
        clock.Elapsed.ShouldBeGreaterThanOrEqualTo(TimeSpan.FromMilliseconds(900), "the poll holds for its wait");
        page.Items.ShouldBeEmpty();
        page.Next.ShouldBe(head);
    }

    [Fact]
    public async Task under_concurrent_writers_a_reader_following_the_cursor_sees_every_change_exactly_once_across_a_reconnect()
    {
        const int writers = 6, perWriter = 15;
        var acknowledged = new System.Collections.Concurrent.ConcurrentBag<long>();
        var writing = Task.WhenAll(Enumerable.Range(0, writers).Select(w => Task.Run(async () =>
        {
            using var client = App.Client();
            for (var i = 0; i < perWriter; i++) acknowledged.Add(await RegisterAsync($"writer-{w}-person-{i}", client));
        }, Ct)));

        var seen = new List<long>();
        long cursor = 0;
        var deadline = DateTime.UtcNow.AddSeconds(60);
        var reader = App.Client();
        try
        {
            while (DateTime.UtcNow < deadline && !(writing.IsCompleted && seen.Count >= writers * perWriter))
            {
                var page = await FeedAsync($"after={cursor}&limit=7&wait=2", reader);
                seen.AddRange(page.Items.Select(i => i.Id));
                page.Next.ShouldBeGreaterThanOrEqualTo(cursor);
                cursor = page.Next;
                if (seen.Count > writers * perWriter / 2 && seen.Count < writers * perWriter / 2 + 7)
                {
                    // A dashboard that reconnects resumes from its cursor on a new connection.
                    reader.Dispose();
                    reader = App.Client();
                }
            }
        }
        finally
        {
            reader.Dispose();
        }

        await writing;
        seen.ShouldBe(seen.Order().ToList(), "oldest first");
        seen.Distinct().Count().ShouldBe(seen.Count, "no change is repeated");
        seen.Order().ShouldBe(acknowledged.Order(), "every acknowledged change is seen");
    }

    [Fact]
    public async Task the_rare_kinds_have_an_index_by_type_and_sequence_built_at_start_so_a_kind_filter_reads_only_its_own_events()
    {
        // From the kinds the API lists: every one but claim-appended, by the types the store names them.
        string[] rare = ["claim_no_longer_stated", "claim_retracted", "claim_ruled", "person_registered"];
        await using var connection = new NpgsqlConnection(App.ConnectionString);
        await connection.OpenAsync(Ct);
        var deadline = DateTime.UtcNow.AddSeconds(30);
        string? definition;
        while (true)
        {
            await using var command = new NpgsqlCommand(
                "select pg_get_indexdef(i.indexrelid) from pg_index as i join pg_class as c on c.oid = i.indexrelid " +
                "where i.indrelid = 'timeline.mt_events'::regclass and c.relname like 'mt_events_feed_%' and i.indisvalid", connection);
            definition = (string?)await command.ExecuteScalarAsync(Ct);
            if (definition is not null) break;
            DateTime.UtcNow.ShouldBeLessThan(deadline, "no valid index of the feed's rare kinds 30 s after the start");
            await Task.Delay(200, Ct);
        }

        definition.ShouldContain("(type, seq_id)");
        foreach (var type in rare) definition.ShouldContain($"'{type}'");
        definition.ShouldNotContain("'office_taken'", Case.Sensitive, "a claim type is claim-appended, not a rare kind");
    }
}
