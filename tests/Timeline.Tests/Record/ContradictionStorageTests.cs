using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Marten;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Shouldly;
using Timeline.Claims;
using Timeline.Contradictions;
using Timeline.Tests.Infrastructure;
using Xunit;

namespace Timeline.Tests.Record;

/// <summary>
/// A proposition's document is stored only once its claims conflict; until then its claims live in the claim index.
/// What a fact-checker sees must not depend on that: the first conflicting claim brings every earlier claim with it,
/// on any node, and the sources as they stood on an earlier day still show a conflict a later retraction removed.
/// </summary>
public sealed class ContradictionStorageTests(AppFixture app) : RecordApiTest(app)
{
    private const string ResignationKey = $"{PersonId}/resigned-from/senate-of-pakistan";

    private async Task<long> StoredContradictionsAsync()
    {
        await using var connection = new NpgsqlConnection(App.ConnectionString);
        await connection.OpenAsync(Ct);
        await using var count = new NpgsqlCommand("select count(*) from timeline.mt_doc_contradiction where data ->> 'personId' = $1", connection);
        count.Parameters.Add(new NpgsqlParameter { Value = PersonId });
        return (long)(await count.ExecuteScalarAsync(Ct))!;
    }

    /// <summary>The ids of the claims on one side (asserts or denies) of a listed contradiction.</summary>
    private static List<string> ClaimIds(JsonElement contradiction, string stance) =>
        [.. contradiction.GetProperty("sides").EnumerateArray().Single(s => s.GetProperty("stance").GetString() == stance)
            .GetProperty("claims").EnumerateArray().Select(c => c.GetProperty("id").GetString()!)];

    [Fact]
    public async Task a_conflict_a_new_stint_took_away_is_listed_again_when_that_stints_claim_is_retracted()
    {
        const string Text = "Mustafa Kamal was Mayor of Karachi from 2010 to 2012. He left the office of mayor on 1 May 2014. " +
            "He became Mayor of Karachi again in January 2014.";
        await GivenPersonAndSourceAsync();
        var sourceId = await GivenSourceAsync("https://example.org/mayor-dates", Text);
        JsonObject Mayor(string type, string validTime, string quote) => RecordApi.Mayor(sourceId, type, quote, validTime);
        async Task<int> OpenAsync() => (await Body(await Get($"/api/contradictions?person={PersonId}"))).GetProperty("count").GetInt32();

        // Held 2010 to 2012, left in 2014: two ends of one stint that disagree.
        await GivenClaimAsync(Mayor("OfficeTaken", "2010-01-01/2012-12-31", "Mustafa Kamal was Mayor of Karachi from 2010 to 2012."));
        await GivenClaimAsync(Mayor("OfficeLeft", "2014-05-01", "He left the office of mayor on 1 May 2014.").With("cause", "other"));
        (await OpenAsync()).ShouldBe(1);

        // A second stint from January 2014: the day left is its end, and nothing disagrees.
        var again = (await GivenClaimAsync(Mayor("OfficeTaken", "2014-01", "He became Mayor of Karachi again in January 2014.")))
            .GetProperty("id").GetGuid();
        (await OpenAsync()).ShouldBe(0);

        // Its claim withdrawn, the first two disagree again, and the list must say so.
        var retraction = Mayor("ClaimRetracted", "2014-01", "He became Mayor of Karachi again in January 2014.")
            .With("targetClaimId", again.ToString()).With("reason", "The second term was never taken.").Without("validTime").Without("office").Without("organization");
        using (var retracted = await AppendAsync(retraction))
        {
            retracted.StatusCode.ShouldBe(HttpStatusCode.Created, await TextAsync(retracted));
        }

        (await OpenAsync()).ShouldBe(1, "the proposition's document was kept, so the open conflict is listed");
    }

    [Fact]
    public async Task a_document_stored_under_older_rules_is_brought_up_to_this_builds_rules_when_a_node_starts()
    {
        const string Text = "Mustafa Kamal was Mayor of Karachi from 2005 to June 2007. He was Mayor of Karachi again from July 2007.";
        await GivenPersonAndSourceAsync();
        var sourceId = await GivenSourceAsync("https://example.org/two-stints", Text);
        JsonObject Mayor(string validTime, string quote) => RecordApi.Mayor(sourceId, "OfficeTaken", quote, validTime);
        await GivenClaimAsync(Mayor("2005/2007-06", "Mustafa Kamal was Mayor of Karachi from 2005 to June 2007."));
        await GivenClaimAsync(Mayor("2007-07", "He was Mayor of Karachi again from July 2007."));
        async Task<int> OpenListedAsync() => (await Body(await Get($"/api/contradictions?person={PersonId}"))).GetProperty("count").GetInt32();
        (await OpenListedAsync()).ShouldBe(0, "two stints of one office are no conflict under this build's rules");

        // What an older build stored for them: an open value conflict, and a database it left no rules mark in.
        await using (var session = App.Store.LightweightSession())
        {
            var claims = await session.ClaimsAsync(new ClaimFilter { PersonId = PersonId }, Ct);
            var stale = Contradiction.FromClaims(claims[0].Proposition.Key, claims);
            stale.Standing = new PropositionStanding(ContestState.Open, ContestKind.ValueConflict, null, null, null, null);
            (stale.State, stale.Kind, stale.ContestedSince) = (ContestState.Open, ContestKind.ValueConflict, claims.Max(c => c.RecordedAt));
            session.Store(stale);
            await session.SaveChangesAsync(Ct);
        }

        await using (var connection = new NpgsqlConnection(App.ConnectionString))
        {
            await connection.OpenAsync(Ct);
            await using var unmark = new NpgsqlCommand(
                "do $$ begin if to_regclass('timeline.timeline_rules') is not null then delete from timeline.timeline_rules; end if; end $$", connection);
            await unmark.ExecuteNonQueryAsync(Ct);
        }

        (await OpenListedAsync()).ShouldBe(1, "the stale document is what the list reads");

        // The upgraded node starts: it brings the document up to its rules in the background.
        await using var upgraded = await AppFixture.StartHostAsync(App.ConnectionString);
        var waited = System.Diagnostics.Stopwatch.StartNew();
        while (await OpenListedAsync() > 0 && waited.Elapsed < TimeSpan.FromSeconds(20)) await Task.Delay(100, Ct);
        (await OpenListedAsync()).ShouldBe(0, "two stints of one office are not an open contradiction");
        (await Body(await Get($"/api/people/{PersonId}?validAt=2008-01-01"))).GetProperty("statusLine").GetString().ShouldBe("Mayor");
    }

    [Fact]
    public async Task agreeing_claims_store_no_document_and_a_denial_on_another_node_shows_them_all_side_by_side()
    {
        var sourceId = await GivenPersonAndSourceAsync();
        var tendered = (await GivenClaimAsync(RecordApi.Claim(sourceId))).GetProperty("id").GetString()!;
        var confirmed = (await GivenClaimAsync(RecordApi.Claim(sourceId, quote: RecordApi.ConfirmedQuote).With("type", "ResignationConfirmed")))
            .GetProperty("id").GetString()!;

        (await StoredContradictionsAsync()).ShouldBe(0, "two agreeing claims are not a contradiction and need no document");
        (await Body(await Get($"/api/contradictions?person={PersonId}&state=all"))).GetProperty("count").GetInt32().ShouldBe(0);

        // Another node has kept nothing of this person: it must find the earlier claims in the claim index.
        await using var other = await AppFixture.StartHostAsync(App.ConnectionString);
        using var otherClient = AppFixture.ClientFor(other);
        using var denial = await AppendAsync(RecordApi.Claim(sourceId, quote: RecordApi.DeniedQuote).With("type", "ResignationDenied"), client: otherClient);
        denial.StatusCode.ShouldBe(HttpStatusCode.Created, await TextAsync(denial));
        var denied = (await Body(denial)).GetProperty("id").GetString()!;

        (await StoredContradictionsAsync()).ShouldBe(1);
        var contradiction = (await Body(await Get($"/api/contradictions?person={PersonId}"))).GetProperty("items").EnumerateArray().ShouldHaveSingleItem();
        contradiction.GetProperty("id").GetString().ShouldBe(ResignationKey);
        contradiction.GetProperty("state").GetString().ShouldBe("open");
        ClaimIds(contradiction, "asserts").ShouldBe([tendered, confirmed], ignoreOrder: true);
        ClaimIds(contradiction, "denies").ShouldBe([denied]);

        // The first node appends to the same proposition again: it must take the stored document, not its own memory.
        await GivenClaimAsync(RecordApi.Claim(sourceId).With("claimant", new JsonObject { ["name"] = "Agencies" }));
        var again = (await Body(await Get($"/api/contradictions?person={PersonId}"))).GetProperty("items").EnumerateArray().ShouldHaveSingleItem();
        again.GetProperty("sides").EnumerateArray().Sum(s => s.GetProperty("claims").GetArrayLength()).ShouldBe(4);
    }

    [Fact]
    public async Task a_tender_and_its_denial_in_one_bulk_commit_are_stored_side_by_side_and_a_claim_stated_once_is_not()
    {
        var sourceId = await GivenPersonAndSourceAsync();
        var (tendered, denied) = (Guid.NewGuid(), Guid.NewGuid());
        var claimant = new ClaimantInput("Our Staff Reporter", "Reporter", "The Nation");
        var tender = new AppendClaimRequest("ResignationTendered", tendered, "2013-11", sourceId, claimant, RecordApi.TenderedQuote,
            Office: "Senator", Organization: "Senate of Pakistan");
        var office = new AppendClaimRequest("OfficeTaken", Guid.NewGuid(), "2013", sourceId, claimant, "MQM Senator Syed Mustafa Kamal",
            Office: "Senator", Organization: "Senate of Pakistan");

        var result = await Timeline.Imports.BulkAppend.AppendAsync(App.Store,
            [new(PersonId, tender), new(PersonId, office), new(PersonId, tender with { Type = "ResignationDenied", ClaimId = denied, Quote = RecordApi.DeniedQuote })],
            "bulk-tests", TimeProvider.System, null, Ct);

        result.Appended.ShouldBe(3, string.Join("; ", result.Refused.Select(r => r.Problem)));
        (await StoredContradictionsAsync()).ShouldBe(1, "the office is stated once: no document");
        var contradiction = (await Body(await Get($"/api/contradictions?person={PersonId}"))).GetProperty("items").EnumerateArray().ShouldHaveSingleItem();
        contradiction.GetProperty("id").GetString().ShouldBe(ResignationKey);
        contradiction.GetProperty("state").GetString().ShouldBe("open");
        ClaimIds(contradiction, "asserts").ShouldBe([tendered.ToString()]);
        ClaimIds(contradiction, "denies").ShouldBe([denied.ToString()]);
    }

    [Fact]
    public async Task a_conflict_a_retraction_removed_is_still_stored_for_the_day_the_sources_showed_it()
    {
        var sourceId = await GivenPersonAndSourceAsync();
        var laterSource = RecordApi.Source("https://example.org/2013/12/05/correction", RecordApi.ArticleText).With("publishedAt", "2013-12-05T10:00:00+05:00");
        using var later = await Post("/api/sources", laterSource);
        later.StatusCode.ShouldBe(HttpStatusCode.Created, await TextAsync(later));
        var laterId = (await Body(later)).GetProperty("id").GetString()!;

        // The denial is recorded and retracted (the retraction published on the 5th) before the assertion is recorded:
        // at no moment of recording do two live claims conflict, but the sources of the 1st to the 4th did.
        var denied = (await GivenClaimAsync(RecordApi.Claim(sourceId, quote: RecordApi.DeniedQuote).With("type", "ResignationDenied"))).GetProperty("id").GetString()!;
        await GivenClaimAsync(RecordApi.Claim(laterId).With("type", "ClaimRetracted").With("targetClaimId", denied).With("reason", "The party withdrew the statement."));
        await GivenClaimAsync(RecordApi.Claim(sourceId));

        (await Body(await Get($"/api/contradictions?person={PersonId}"))).GetProperty("count").GetInt32().ShouldBe(0, "the denial is retracted now");
        var then = await Body(await Get($"/api/contradictions?person={PersonId}&reportedAt=2013-12-02"));
        then.GetProperty("count").GetInt32().ShouldBe(1, "on the 2nd the denial stood against the assertion");
        then.GetProperty("items")[0].GetProperty("id").GetString().ShouldBe(ResignationKey);
    }

    [Fact]
    public async Task a_document_of_a_proposition_never_contested_as_a_rebuild_leaves_it_is_dropped_when_next_appended_to_and_nothing_is_lost()
    {
        var sourceId = await GivenPersonAndSourceAsync();
        var tendered = (await GivenClaimAsync(RecordApi.Claim(sourceId))).GetProperty("id").GetGuid();
        var confirmed = (await GivenClaimAsync(RecordApi.Claim(sourceId, quote: RecordApi.ConfirmedQuote).With("type", "ResignationConfirmed")))
            .GetProperty("id").GetGuid();

        // What `projections rebuild` (or the version before this rule) leaves: a document for an agreed proposition.
        var store = App.Host.Services.GetRequiredService<IDocumentStore>();
        await using (var session = store.LightweightSession())
        {
            var records = await session.ClaimsAsync(new ClaimFilter { Ids = [tendered, confirmed] }, Ct);
            session.Store(Timeline.Contradictions.Contradiction.FromClaims(ResignationKey, records));
            await session.SaveChangesAsync(Ct);
        }

        (await StoredContradictionsAsync()).ShouldBe(1);

        // A node that starts after it (nothing kept) appends another agreeing claim: the document goes.
        await using var other = await AppFixture.StartHostAsync(App.ConnectionString);
        using var otherClient = AppFixture.ClientFor(other);
        using var agreeing = await AppendAsync(RecordApi.Claim(sourceId).With("claimant", new JsonObject { ["name"] = "Agencies" }), client: otherClient);
        agreeing.StatusCode.ShouldBe(HttpStatusCode.Created, await TextAsync(agreeing));
        (await StoredContradictionsAsync()).ShouldBe(0);

        // A denial then finds all three claims in the claim index.
        var denied = (await GivenClaimAsync(RecordApi.Claim(sourceId, quote: RecordApi.DeniedQuote).With("type", "ResignationDenied"))).GetProperty("id").GetString()!;
        var contradiction = (await Body(await Get($"/api/contradictions?person={PersonId}"))).GetProperty("items").EnumerateArray().ShouldHaveSingleItem();
        ClaimIds(contradiction, "asserts").Count.ShouldBe(3);
        ClaimIds(contradiction, "denies").ShouldBe([denied]);
    }

    // An older build's ContestedSince is never carried forward: it is worked out in full once, then followed.
    [Fact]
    public async Task a_stored_contested_since_that_disagrees_with_the_claims_is_worked_out_again_on_the_next_append()
    {
        const string Text = "Mustafa Kamal was Mayor of Karachi from 2005 to June 2007. He was Mayor from 2005 to 2008. He became Mayor in 2005.";
        await GivenPersonAndSourceAsync();
        var sourceId = await GivenSourceAsync("https://example.org/mayor-ends", Text);
        JsonObject Mayor(string validTime, string quote) => RecordApi.Mayor(sourceId, "OfficeTaken", quote, validTime);
        await GivenClaimAsync(Mayor("2005/2007-06", "Mustafa Kamal was Mayor of Karachi from 2005 to June 2007."));
        await GivenClaimAsync(Mayor("2005/2008", "He was Mayor from 2005 to 2008."));

        // The document as an older build (other rules, same rules version) left it: contested since the first claim.
        string key;
        DateTimeOffset truth;
        await using (var session = App.Store.LightweightSession())
        {
            var stored = (await session.Query<Contradiction>().Where(c => c.PersonId == PersonId).ToListAsync(Ct)).ShouldHaveSingleItem();
            key = stored.Id;
            truth = stored.ContestedSince!.Value;
            stored.ContestedSince = stored.Claims.Min(c => c.RecordedAt);
            stored.ContestedSince.ShouldNotBe(truth);
            session.Store(stored);
            await session.SaveChangesAsync(Ct);
        }

        // A node with nothing kept appends an agreeing claim.
        await using var other = await AppFixture.StartHostAsync(App.ConnectionString);
        using var otherClient = AppFixture.ClientFor(other);
        using var appended = await AppendAsync(Mayor("2005", "He became Mayor in 2005."), client: otherClient);
        appended.StatusCode.ShouldBe(System.Net.HttpStatusCode.Created, await TextAsync(appended));

        await using (var session = App.Store.QuerySession())
        {
            var document = (await session.LoadAsync<Contradiction>(key, Ct))!;
            document.ContestedSince.ShouldBe(PropositionLedger.ContestedSince(document.Claims), "the document says when its own claims came to conflict");
        }

        var listed = (await Body(await Get($"/api/contradictions?person={PersonId}"))).GetProperty("items")[0];
        DateTimeOffset.Parse(listed.GetProperty("contestedSince").GetString()!, System.Globalization.CultureInfo.InvariantCulture).ShouldBe(truth);
    }
}
