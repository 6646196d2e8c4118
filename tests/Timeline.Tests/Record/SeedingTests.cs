using System.Net;
using System.Text.Json;
using Shouldly;
using Timeline.Tests.Infrastructure;
using Xunit;

namespace Timeline.Tests.Record;

/// <summary>The seed case, loaded through the API's code paths: idempotent, and held to the same quote rule.</summary>
public sealed class SeedingTests(AppFixture app) : RecordApiTest(app)
{
    private static readonly Lazy<JsonElement> Manifest = new(() =>
    {
        var seeds = FindSeeds();
        var file = Directory.EnumerateFiles(seeds, "*.json").Order(StringComparer.Ordinal).First();
        return JsonDocument.Parse(File.ReadAllText(file)).RootElement.Clone();
    });

    private static string FindSeeds()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "seeds");
            if (Directory.Exists(candidate) && Directory.EnumerateFiles(candidate, "*.json").Any()) return candidate;
        }

        throw new InvalidOperationException("no seeds/ folder above the test binaries");
    }

    private static IReadOnlyList<string> SeedPeople => Manifest.Value.GetProperty("people").EnumerateArray().Select(p => p.GetProperty("id").GetString()!).ToList();

    private static int SeedClaims => Manifest.Value.GetProperty("claims").GetArrayLength();

    private async Task<int> EventsAcrossSeedPeopleAsync()
    {
        var total = 0;
        foreach (var person in SeedPeople) total += (await EventsAsync(person)).Count;
        return total;
    }

    [Fact]
    public async Task seeding_twice_appends_the_seed_claims_once()
    {
        // The counts come from the manifest (5 people and 21 claims when these tests were written), so adding a seed claim
        // does not break the test; an empty manifest would make it vacuous, so refuse that.
        SeedPeople.Count.ShouldBeGreaterThanOrEqualTo(5);
        SeedClaims.ShouldBeGreaterThanOrEqualTo(21);

        var first = await App.SeedAsync();

        first.Sources.ShouldBe(1);
        first.PeopleRegistered.ShouldBe(SeedPeople.Count);
        first.ClaimsAppended.ShouldBe(SeedClaims);
        first.ClaimsAlreadyThere.ShouldBe(0);
        var events = await EventsAcrossSeedPeopleAsync();
        events.ShouldBe(SeedPeople.Count + SeedClaims);
        var all = await AllEventsAsync();

        var second = await App.SeedAsync();

        second.PeopleRegistered.ShouldBe(0);
        second.ClaimsAppended.ShouldBe(0);
        second.ClaimsAlreadyThere.ShouldBe(SeedClaims);
        (await EventsAcrossSeedPeopleAsync()).ShouldBe(events);
        (await AllEventsAsync()).ShouldBe(all);
    }

    [Fact]
    public async Task every_seed_claim_is_on_record_about_its_person_with_the_seed_source()
    {
        await App.SeedAsync();

        foreach (var seed in Manifest.Value.GetProperty("claims").EnumerateArray())
        {
            var claimId = seed.GetProperty("claim").GetProperty("claimId").GetGuid();
            using var response = await Get($"/api/claims/{claimId}");
            response.StatusCode.ShouldBe(HttpStatusCode.OK, $"seed claim {claimId}");
            var claim = await Body(response);
            claim.GetProperty("personId").GetString().ShouldBe(seed.GetProperty("person").GetString());
            claim.GetProperty("attribution").GetProperty("quote").GetString().ShouldBe(seed.GetProperty("claim").GetProperty("quote").GetString());
            claim.GetProperty("attribution").GetProperty("source").GetProperty("url").GetString()
                .ShouldBe(Manifest.Value.GetProperty("source").GetProperty("url").GetString());
        }
    }

    private async Task<string> SeedSourceIdAsync()
    {
        await App.SeedAsync();
        return (await ClaimsAboutAsync("anis-qaimkhani"))[0].GetProperty("attribution").GetProperty("source").GetProperty("id").GetString()!;
    }

    private static System.Text.Json.Nodes.JsonObject Statement(string sourceId, string quote) => new()
    {
        ["type"] = "StatementMade",
        ["sourceId"] = sourceId,
        ["claimant"] = new System.Text.Json.Nodes.JsonObject { ["anonymous"] = true, ["affiliation"] = "Nine Zero" },
        ["quote"] = quote,
        ["statement"] = "Qaimkhani lives abroad, not in Dubai.",
        ["predicate"] = "lives-in",
        ["object"] = "another country",
    };

    [Fact]
    public async Task a_quote_from_the_seed_article_that_differs_only_in_white_space_is_accepted()
    {
        var sourceId = await SeedSourceIdAsync();

        using var response = await AppendAsync(
            Statement(sourceId, "  Anis Qaimkhani has also   left Karachi\nand lives in another\tcountry these days, it’s not Dubai "), "anis-qaimkhani");

        response.StatusCode.ShouldBe(HttpStatusCode.Created, await TextAsync(response));
        (await EventsAsync("anis-qaimkhani"))[^1].EntryId.ShouldBe((await Body(response)).GetProperty("id").GetGuid());
    }

    [Fact]
    public async Task a_quote_from_the_seed_article_with_a_straight_apostrophe_for_its_curly_one_is_422()
    {
        var sourceId = await SeedSourceIdAsync();
        var before = await StateAsync("anis-qaimkhani");

        using var response = await AppendAsync(
            Statement(sourceId, "Anis Qaimkhani has also left Karachi and lives in another country these days, it's not Dubai"), "anis-qaimkhani");

        var problem = await ShouldBeProblemAsync(response, (HttpStatusCode)422);
        problem.GetProperty("type").GetString().ShouldEndWith("quote-not-in-source");
        await NothingAppendedSinceAsync(before, "anis-qaimkhani");
    }
}
