using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Marten;
using Shouldly;
using Timeline.Sources;
using Timeline.Tests.Infrastructure;
using Timeline.Tests.Record;
using Xunit;

namespace Timeline.Tests.Interop;

/// <summary>
/// A publisher reverts an edit: the series' earlier content, byte for byte, published again after the version that changed it.
/// </summary>
public sealed class PopoloRepublicationTests(AppFixture app) : RecordApiTest(app)
{
    private const string Series = "https://example.org/nauru.json";
    private const string V1Published = "2019-03-01T00:00:00Z";
    private const string V2Published = "2019-06-01T00:00:00Z";
    private const string Republished = "2019-09-01T00:00:00Z";

    // Two members of the 21st Parliament (2013-06-11 to 2016-05-14) with one seat each: the edit drops one seat and ends the other early.
    private const string DroppedMember = "ee28aa27-a7a5-4f53-a5ae-b87e58986e10";
    private const string CorrectedMember = "f1d525d3-f133-4f51-abd9-d0087bc95a76";
    private const string CorrectedEnd = "2014-06-30";

    private static string V1 => File.ReadAllText(PopoloOracle.NauruPath);

    /// <summary>The first version with one membership dropped and another's end date corrected.</summary>
    private static string V2()
    {
        var file = (JsonObject)JsonNode.Parse(V1)!;
        var memberships = PopoloOracle.Array(file, "memberships");
        memberships.Remove(memberships.Single(m => PopoloOracle.Text(m, "person_id") == DroppedMember)).ShouldBeTrue();
        memberships.Single(m => PopoloOracle.Text(m, "person_id") == CorrectedMember)!["end_date"] = CorrectedEnd;
        return file.ToJsonString();
    }

    private async Task<JsonElement> ImportAsync(string body, string? publishedAt)
    {
        var query = $"source={Uri.EscapeDataString(Series)}" + (publishedAt is null ? "" : $"&publishedAt={Uri.EscapeDataString(publishedAt)}");
        using var response = await PostRaw($"/api/imports/popolo?{query}", new StringContent(body, Encoding.UTF8, "application/json"));
        response.StatusCode.ShouldBe(HttpStatusCode.OK, await TextAsync(response));
        return await Body(response);
    }

    private static int Count(JsonElement report, string field) => report.GetProperty(field).GetInt32();

    private static string SourceId(JsonElement report) => report.GetProperty("sourceId").GetString()!;

    private static void ShouldChangeNothing(JsonElement report)
    {
        Count(report, "claimsAppended").ShouldBe(0);
        Count(report, "claimsStatedAgain").ShouldBe(0);
        Count(report, "claimsNoLongerStated").ShouldBe(0);
        Count(report, "peopleRegistered").ShouldBe(0);
    }

    private async Task<string> StatusLineAsync(string personId, string query = "")
    {
        using var response = await Get($"/api/people/{personId}{query}");
        response.StatusCode.ShouldBe(HttpStatusCode.OK, await TextAsync(response));
        return (await Body(response)).GetProperty("statusLine").GetString()!;
    }

    /// <summary>What the two edited members' status reads, held on a day inside the term, as the sources stood at <paramref name="reportedAt"/>.</summary>
    private async Task<(string Dropped, string Corrected)> StatusAsync(string? reportedAt = null)
    {
        var reported = reportedAt is null ? "" : $"&reportedAt={reportedAt}";
        return (await StatusLineAsync("lyn-wannan-kam", $"?validAt=2014-01-01{reported}"), await StatusLineAsync("squire-jeremiah", $"?validAt=2015-01-01{reported}"));
    }

    private async Task<DateTimeOffset> PublishedAtAsync(string sourceId)
    {
        using var response = await Get($"/api/sources/{sourceId}");
        response.StatusCode.ShouldBe(HttpStatusCode.OK, await TextAsync(response));
        return (await Body(response)).GetProperty("publishedAt").GetDateTimeOffset();
    }

    private async Task<int> VersionsAsync()
    {
        await using var session = App.Store.QuerySession();
        return await session.Query<SourceDocument>().CountAsync(s => s.Series == Series, Ct);
    }

    private static DateTimeOffset At(string time) => DateTimeOffset.Parse(time, CultureInfo.InvariantCulture);

    [Fact]
    public async Task an_earlier_version_published_again_after_an_edit_states_its_claims_again_and_a_repeat_appends_nothing()
    {
        var first = await ImportAsync(V1, V1Published);
        var asFirst = await StatusAsync();
        asFirst.ShouldBe(("Member", "Member"));
        (await StatusLineAsync("lyn-wannan-kam")).ShouldBe("Former Member (until 2016-05-14)");

        var second = await ImportAsync(V2(), V2Published);
        // Each seat is an office and the party it was held for: the corrected one is two new claims, and four are dropped.
        Count(second, "claimsAppended").ShouldBe(2);
        Count(second, "claimsNoLongerStated").ShouldBe(4);
        var asSecond = await StatusAsync();
        asSecond.ShouldBe(("No office on record", $"Former Member (until {CorrectedEnd})"));
        (await StatusLineAsync("lyn-wannan-kam")).ShouldBe("No office on record");

        var back = await ImportAsync(V1, Republished);

        SourceId(back).ShouldNotBe(SourceId(first), "put back after another version, the same content is a publication of its own");
        back.GetProperty("contentHash").GetString().ShouldBe(first.GetProperty("contentHash").GetString());
        Count(back, "claimsAppended").ShouldBe(0, "its claims are the first version's, already on record");
        Count(back, "claimsStatedAgain").ShouldBe(Count(second, "claimsNoLongerStated"));
        Count(back, "claimsNoLongerStated").ShouldBe(Count(second, "claimsAppended"));
        (await StatusAsync()).ShouldBe(asFirst);
        (await StatusLineAsync("lyn-wannan-kam")).ShouldBe("Former Member (until 2016-05-14)");
        (await StatusAsync("2019-07-01")).ShouldBe(asSecond, "between the edit and its revert, the edit is what the source said");
        (await StatusAsync("2019-04-01")).ShouldBe(asFirst);
        PopoloOracle.ExportedSeats(await ExportAsync()).ShouldBe(PopoloOracle.Seats((JsonObject)JsonNode.Parse(V1)!));
        (await PublishedAtAsync(SourceId(back))).ShouldBe(At(Republished));
        (await PublishedAtAsync(SourceId(first))).ShouldBe(At(V1Published));

        // The newest version already has this content: the same request, a later publishedAt or none at all is that version.
        var events = await AllEventsAsync();
        var versions = await VersionsAsync();
        versions.ShouldBe(3);
        foreach (var publishedAt in new[] { Republished, "2019-12-01T00:00:00Z", null })
        {
            var again = await ImportAsync(V1, publishedAt);
            SourceId(again).ShouldBe(SourceId(back));
            ShouldChangeNothing(again);
        }

        (await AllEventsAsync()).ShouldBe(events);
        (await VersionsAsync()).ShouldBe(versions);
        (await PublishedAtAsync(SourceId(back))).ShouldBe(At(Republished));
        (await StatusAsync()).ShouldBe(asFirst);
    }

    [Fact]
    public async Task an_earlier_version_imported_again_with_a_publication_not_after_the_newest_changes_nothing()
    {
        var first = await ImportAsync(V1, V1Published);
        var second = await ImportAsync(V2(), V2Published);
        var asSecond = await StatusAsync();
        var events = await AllEventsAsync();

        // Older than the edit, or published with it: the first version as stored, not a revert.
        foreach (var publishedAt in new[] { "2019-04-01T00:00:00Z", V2Published, V1Published })
        {
            var old = await ImportAsync(V1, publishedAt);
            SourceId(old).ShouldBe(SourceId(first));
            ShouldChangeNothing(old);
        }

        (await AllEventsAsync()).ShouldBe(events);
        (await VersionsAsync()).ShouldBe(2);
        (await PublishedAtAsync(SourceId(first))).ShouldBe(At(V1Published));
        (await StatusAsync()).ShouldBe(asSecond);

        // Once the first version is put back, the edit imported again with its own or an earlier time is the edit as stored.
        await ImportAsync(V1, Republished);
        events = await AllEventsAsync();
        foreach (var publishedAt in new[] { V2Published, "2019-07-01T00:00:00Z" })
        {
            var edit = await ImportAsync(V2(), publishedAt);
            SourceId(edit).ShouldBe(SourceId(second));
            ShouldChangeNothing(edit);
        }

        (await AllEventsAsync()).ShouldBe(events);
        (await VersionsAsync()).ShouldBe(3);
    }

    [Fact]
    public async Task an_edit_made_undone_and_made_again_reads_on_each_earlier_day_as_the_source_then_stood()
    {
        await ImportAsync(V1, V1Published);
        var asFirst = await StatusAsync();
        await ImportAsync(V2(), V2Published);
        var asSecond = await StatusAsync();
        await ImportAsync(V1, Republished);
        // The edit made again: v2's content, published after the revert.
        var again = await ImportAsync(V2(), "2019-12-01T00:00:00Z");
        Count(again, "claimsNoLongerStated").ShouldBe(4);
        Count(again, "claimsStatedAgain").ShouldBe(2);

        (await StatusAsync()).ShouldBe(asSecond);
        (await StatusAsync("2019-04-01")).ShouldBe(asFirst);
        (await StatusAsync("2019-07-01")).ShouldBe(asSecond, "the first time the edit was made, before it was undone");
        (await StatusAsync("2019-10-01")).ShouldBe(asFirst, "undone");
        (await StatusAsync("2020-01-01")).ShouldBe(asSecond);
    }

    [Fact]
    public async Task an_import_script_run_again_without_publishedAt_appends_nothing()
    {
        // Each import published "now": run again, v1 is not put back after v2, it is v1 as stored.
        var first = await ImportAsync(V1, null);
        var second = await ImportAsync(V2(), null);
        var events = await AllEventsAsync();

        var firstAgain = await ImportAsync(V1, null);
        var secondAgain = await ImportAsync(V2(), null);

        SourceId(firstAgain).ShouldBe(SourceId(first));
        SourceId(secondAgain).ShouldBe(SourceId(second));
        ShouldChangeNothing(firstAgain);
        ShouldChangeNothing(secondAgain);
        (await AllEventsAsync()).ShouldBe(events);
        (await VersionsAsync()).ShouldBe(2);
    }

    [Fact]
    public async Task a_snapshot_published_between_two_versions_and_imported_late_does_not_leave_the_file_contradicting_itself()
    {
        await ImportAsync(V1, V1Published);
        await ImportAsync(V2(), V2Published);
        // Found later: a snapshot of 2019-05-01 that gave another birth date, which the version of 2019-06-01 no longer states.
        var snapshot = (JsonObject)JsonNode.Parse(V1)!;
        PopoloOracle.Array(snapshot, "persons").Single(p => PopoloOracle.Text(p, "id") == "17405a38-3a25-4c51-ad86-3794742f9540")!["birth_date"] = "1968-09-01";
        var late = await ImportAsync(snapshot.ToJsonString(), "2019-05-01T00:00:00Z");
        Count(late, "claimsAppended").ShouldBe(1);
        Count(late, "claimsNoLongerStated").ShouldBe(1);

        using var now = await Get("/api/contradictions?person=valdon-dowiyogo&state=all");
        (await Body(now)).GetProperty("items").GetArrayLength().ShouldBe(0, "the newest version states one birth date");

        // A run again appends nothing.
        var events = await AllEventsAsync();
        ShouldChangeNothing(await ImportAsync(snapshot.ToJsonString(), "2019-05-01T00:00:00Z"));
        (await AllEventsAsync()).ShouldBe(events);
    }

    [Fact]
    public async Task a_snapshot_imported_late_leaves_stated_what_the_newest_version_states()
    {
        // v1 (March): birth A and every seat. v2 (June): A, a seat dropped. v3 (September): birth B. A snapshot of April,
        // found late, gives B and every seat: B is the newest version's, so it stays stated.
        string Version(string? birth, bool drop)
        {
            var file = (JsonObject)JsonNode.Parse(drop ? V2() : V1)!;
            if (birth is not null) PopoloOracle.Array(file, "persons").Single(p => PopoloOracle.Text(p, "id") == "17405a38-3a25-4c51-ad86-3794742f9540")!["birth_date"] = birth;
            return file.ToJsonString();
        }

        async Task<string?> ExportedBirthAsync() =>
            PopoloOracle.Text(PopoloOracle.Array(await ExportAsync(), "persons").Single(p => PopoloOracle.Text(p, "id") == "valdon-dowiyogo"), "birth_date");

        await ImportAsync(Version(null, drop: false), V1Published);
        await ImportAsync(Version(null, drop: true), V2Published);
        await ImportAsync(Version("1968-09-01", drop: true), Republished);
        (await ExportedBirthAsync()).ShouldBe("1968-09-01");

        var late = await ImportAsync(Version("1968-09-01", drop: false), "2019-04-01T00:00:00Z");
        (await ExportedBirthAsync()).ShouldBe("1968-09-01", "the newest version states this birth date");
        Count(late, "claimsNoLongerStated").ShouldBe(0, "everything the snapshot states is stated by the newest version or already marked");
    }

    private async Task<JsonObject> ExportAsync()
    {
        using var response = await Get("/api/exports/popolo");
        response.StatusCode.ShouldBe(HttpStatusCode.OK, await TextAsync(response));
        return (JsonObject)JsonNode.Parse(await TextAsync(response))!;
    }
}
