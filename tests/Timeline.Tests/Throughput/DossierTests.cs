using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Shouldly;
using Timeline.People;
using Timeline.Tests.Changes;
using Timeline.Tests.Infrastructure;
using Timeline.Tests.Record;
using Xunit;

namespace Timeline.Tests.Throughput;

/// <summary>
/// A node keeps the dossier of a person it has read and brings it forward with the events appended since: what it shows
/// after rulings and retractions, written through it or through another node, is what the rules say of the claims.
/// </summary>
public sealed class DossierTests(AppFixture app) : RecordApiTest(app)
{
    [Fact]
    public async Task a_ruling_on_a_claim_read_before_settles_the_contradiction_in_the_next_read_and_not_in_an_earlier_cut()
    {
        var sourceId = await GivenPersonAndSourceAsync();
        await GivenClaimAsync(RecordApi.Claim(sourceId));
        var denial = (await GivenClaimAsync(RecordApi.Claim(sourceId, quote: RecordApi.DeniedQuote).With("type", "ResignationDenied"))).GetProperty("id").GetGuid();
        (await StatusAsync(Http)).GetProperty("openContradictions").GetInt32().ShouldBe(1, "a tender and its denial, neither ruled on");

        using (var ruled = await Post($"/api/claims/{denial}/rulings", RecordApi.Ruling("false")))
        {
            ruled.StatusCode.ShouldBe(HttpStatusCode.Created, await TextAsync(ruled));
        }

        var now = await StatusAsync(Http);
        now.GetProperty("version").GetInt64().ShouldBe(4);
        now.GetProperty("openContradictions").GetInt32().ShouldBe(0, "the denial was ruled false: the tender stands alone");
        // The ruling was made today: as reported by 2020 the two claims still stand against each other.
        (await StatusAsync(Http, "?reportedAt=2020-01-01")).GetProperty("openContradictions").GetInt32().ShouldBe(1);
        // A view not rendered yet at this version, so it is worked out again from the kept dossier.
        (await StatusAsync(Http, "?validAt=2014-01-01")).GetProperty("openContradictions").GetInt32().ShouldBe(0, "reading an earlier cut leaves the record as it is now");
    }

    [Fact]
    public async Task a_retraction_written_through_another_node_reaches_this_nodes_next_read()
    {
        var sourceId = await GivenPersonAndSourceAsync();
        var tender = (await GivenClaimAsync(RecordApi.Claim(sourceId))).GetProperty("id").GetGuid();
        await GivenClaimAsync(RecordApi.Claim(sourceId, quote: RecordApi.DeniedQuote).With("type", "ResignationDenied"));
        (await StatusAsync(Http)).GetProperty("openContradictions").GetInt32().ShouldBe(1);
        await using var other = await AppFixture.StartHostAsync(App.ConnectionString);
        using var otherHttp = AppFixture.ClientFor(other);

        var retraction = RecordApi.Claim(sourceId).With("type", "ClaimRetracted").With("targetClaimId", tender.ToString())
            .With("reason", "The reporter withdrew the story.");
        using var retracted = await AppendAsync(retraction, client: otherHttp);
        retracted.StatusCode.ShouldBe(HttpStatusCode.Created, await TextAsync(retracted));
        await Heard.VersionAsync(App.Host, PersonId, (await Body(retracted)).GetProperty("version").GetInt64(), Ct);

        var now = await StatusAsync(Http);
        now.GetProperty("version").GetInt64().ShouldBe(4);
        now.GetProperty("openContradictions").GetInt32().ShouldBe(0, "the tender was retracted by its claimant: only the denial is live");
        var claims = await ClaimsAboutAsync();
        claims.Single(c => c.GetProperty("id").GetGuid() == tender).GetProperty("isRetracted").GetBoolean().ShouldBeTrue();
    }

    [Fact]
    public async Task a_person_kept_before_the_record_was_reset_is_not_shown_for_the_one_registered_since()
    {
        var sourceId = await GivenPersonAndSourceAsync();
        await GivenClaimAsync(RecordApi.Claim(sourceId));
        (await TimelineClaimIdsAsync()).Count.ShouldBe(1);

        // A restore or a reset: the same person, stream and version numbers, other claims.
        await App.ResetAsync();
        sourceId = await GivenPersonAndSourceAsync();
        var denial = (await GivenClaimAsync(RecordApi.Claim(sourceId, quote: RecordApi.DeniedQuote).With("type", "ResignationDenied"))).GetProperty("id").GetGuid();
        var ruling = await RuleAsync(denial, "false");

        (await TimelineClaimIdsAsync()).ShouldBe([denial]);
        ruling.GetProperty("version").GetInt64().ShouldBe(3, "a version the kept dossier's stream also reached");
    }

    private async Task<List<Guid>> TimelineClaimIdsAsync()
    {
        var timeline = JsonSerializer.Deserialize<JsonElement>(await ViewAsync(Http, $"/api/people/{PersonId}/timeline"));
        return [.. timeline.GetProperty("entries").EnumerateArray().Select(e => e.GetProperty("claim").GetProperty("id").GetGuid())];
    }

    /// <summary>
    /// Consistency, not an oracle: after each write, the views of a node that keeps the person and brings it forward equal
    /// those of a node that keeps nothing and reads every claim from the claims index each time.
    /// </summary>
    [Fact]
    public async Task after_each_write_a_node_that_keeps_the_person_shows_what_a_node_reading_them_whole_shows()
    {
        var sourceId = await GivenPersonAndSourceAsync();
        await using var whole = await AppFixture.StartHostAsync(App.ConnectionString, new Dictionary<string, string> { ["Timeline:DossiersBytes"] = "0" });
        using var wholeHttp = AppFixture.ClientFor(whole);
        var ids = new List<Guid>();
        var writes = new Func<Task<JsonElement>>[]
        {
            () => GivenClaimAsync(RecordApi.Claim(sourceId)),
            () => GivenClaimAsync(RecordApi.Claim(sourceId, quote: RecordApi.DeniedQuote).With("type", "ResignationDenied")),
            () => GivenClaimAsync(RecordApi.Claim(sourceId, quote: RecordApi.ConfirmedQuote).With("type", "ResignationConfirmed")
                .With("claimant", new JsonObject { ["name"] = "Senate Secretariat" })),
            () => RuleAsync(ids[1], "false"),
            () => RuleAsync(ids[1], "true"),
            () => GivenClaimAsync(RecordApi.Claim(sourceId).With("type", "ClaimRetracted").With("targetClaimId", ids[0].ToString())
                .With("reason", "The reporter withdrew the story.")),
            () => GivenClaimAsync(RecordApi.Claim(sourceId, quote: RecordApi.DeniedQuote).With("type", "ResignationDenied")),
        };

        var dossiers = App.Host.Services.GetRequiredService<Dossiers>();
        var broughtForward = dossiers.BroughtForward;
        foreach (var write in writes)
        {
            var written = await write();
            ids.Add(written.GetProperty("id").GetGuid());
            var version = written.GetProperty("version").GetInt64();
            await Heard.VersionAsync(whole, PersonId, version, Ct);
            foreach (var query in new[] { "", "?validAt=2013-12-15", "?reportedAt=2020-01-01" })
            {
                var kept = await ViewAsync(Http, $"/api/people/{PersonId}{query}");
                var read = await ViewAsync(wholeHttp, $"/api/people/{PersonId}{query}");
                JsonSerializer.Deserialize<JsonElement>(kept).GetProperty("version").GetInt64().ShouldBe(version);
                kept.ShouldBe(read, $"status{query} after write {ids.Count}");
                (await ViewAsync(Http, $"/api/people/{PersonId}/timeline{query}")).ShouldBe(await ViewAsync(wholeHttp, $"/api/people/{PersonId}/timeline{query}"));
                (await ViewAsync(Http, $"/api/people/{PersonId}/timeline.csv{query}")).ShouldBe(await ViewAsync(wholeHttp, $"/api/people/{PersonId}/timeline.csv{query}"));
            }
        }

        // Each write after the first was read by bringing the dossier forward, not by reading every claim again.
        (dossiers.BroughtForward - broughtForward).ShouldBeGreaterThanOrEqualTo(writes.Length - 1);
    }

    private async Task<JsonElement> RuleAsync(Guid claimId, string verdict)
    {
        using var response = await Post($"/api/claims/{claimId}/rulings", RecordApi.Ruling(verdict));
        response.StatusCode.ShouldBe(HttpStatusCode.Created, await TextAsync(response));
        return await Body(response);
    }

    private static async Task<JsonElement> StatusAsync(HttpClient client, string query = "") =>
        JsonSerializer.Deserialize<JsonElement>(await ViewAsync(client, $"/api/people/{PersonId}{query}"));

    private static async Task<string> ViewAsync(HttpClient client, string url)
    {
        using var response = await client.GetAsync(url, Ct);
        response.StatusCode.ShouldBe(HttpStatusCode.OK, await response.Content.ReadAsStringAsync(Ct));
        return await response.Content.ReadAsStringAsync(Ct);
    }
}
