using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Alba;
using Npgsql;
using Shouldly;
using Timeline.Tests.Infrastructure;
using Timeline.Tests.Record;
using Xunit;

namespace Timeline.Tests.Commands;

/// <summary>
/// `projections rebuild` is Marten's own command (JasperFx); these tests hold it to what this service needs: views
/// lost from the database come back from the events exactly as they were served before.
/// </summary>
public sealed class ProjectionsRebuildTests : IAsyncLifetime
{
    private static readonly string[] Views =
    [
        "/api/people/mustafa-kamal",
        "/api/people/mustafa-kamal/timeline",
        "/api/people/anis-qaimkhani",
        "/api/contradictions?state=all",
        "/api/claims?limit=1000",
    ];

    // What the inline projections keep: a person's header, the claims index's rows and the contradictions.
    private static readonly string[] ProjectedTables = ["mt_doc_person", "mt_claim_index", "mt_doc_contradiction"];

    private string _database = "";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync() => _database = await CommandLine.NewDatabaseAsync();

    public async ValueTask DisposeAsync() => await CommandLine.DropDatabaseAsync(_database);

    [Fact]
    public async Task projections_rebuild_brings_back_lost_views_from_the_events_as_they_were_served()
    {
        await CommandLine.SeedAsync(_database);
        Dictionary<string, string> before;
        await using (var host = await AppFixture.StartHostAsync(_database))
        {
            before = await ReadAsync(host);
        }

        var stored = await ReadDocumentsAsync();
        await WipeProjectedDocumentsAsync();
        var run = await CommandLine.RunAsync(_database, "projections", "rebuild");

        run.ExitCode.ShouldBe(0, run.Output);
        foreach (var projection in new[] { "Person", "ClaimIndex", "Contradiction" })
        {
            run.StandardOutput.ShouldContain($"Finished rebuilding {projection}", Case.Sensitive, run.Output);
        }

        run.StandardOutput.ShouldContain("Changes: nothing to rebuild", Case.Sensitive, run.Output);

        // A comparison of two implementations, not an oracle: the write path folds its documents itself (EventWriter)
        // with the projections' code, and Marten's rebuild runs that code over the stored events. Equal documents show
        // that the writer routes, orders, stamps and serialises events as Marten's projection runner does.
        // The writer stores a proposition's document only once its claims have conflicted; Marten's rebuild stores one for
        // every proposition. The extras must be propositions no claim ever disputed: one stance, nothing contested.
        var rebuiltDocuments = await ReadDocumentsAsync();
        stored.Keys.ShouldBeSubsetOf(rebuiltDocuments.Keys);
        foreach (var (key, data) in stored) rebuiltDocuments[key].ShouldBe(data, $"{key} as the write path stored it and as the rebuild made it");
        var extras = rebuiltDocuments.Keys.Except(stored.Keys).ToList();
        extras.ShouldNotBeEmpty("the seed has propositions stated once, which the writer does not store");
        foreach (var key in extras)
        {
            key.ShouldStartWith("mt_doc_contradiction/");
            var document = System.Text.Json.Nodes.JsonNode.Parse(rebuiltDocuments[key])!;
            document["state"]!.GetValue<string>().ShouldBe("Uncontested", key);
            document["claims"]!.AsArray().Select(c => c!["stance"]!.GetValue<string>()).Distinct().Count().ShouldBe(1, key);
        }

        await using var rebuilt = await AppFixture.StartHostAsync(_database);
        var after = await ReadAsync(rebuilt);
        foreach (var view in Views) after[view].ShouldBe(before[view], $"{view} after the rebuild");
    }

    [Fact]
    public async Task a_rebuild_of_the_claims_index_over_its_own_rows_empties_it_first_and_makes_the_same_rows()
    {
        await CommandLine.SeedAsync(_database);
        var stored = (await ReadDocumentsAsync()).Where(d => d.Key.StartsWith("mt_claim_index/", StringComparison.Ordinal)).OrderBy(d => d.Key).ToList();
        stored.ShouldNotBeEmpty();

        var run = await CommandLine.RunAsync(_database, "projections", "rebuild", "-p", "ClaimIndex");

        run.ExitCode.ShouldBe(0, run.Output);
        run.StandardOutput.ShouldContain("Finished rebuilding ClaimIndex", Case.Sensitive, run.Output);
        (await ReadDocumentsAsync()).Where(d => d.Key.StartsWith("mt_claim_index/", StringComparison.Ordinal)).OrderBy(d => d.Key).ToList().ShouldBe(stored);
    }

    [Fact]
    public async Task a_database_with_events_but_no_claims_index_gets_it_back_from_the_events_before_the_service_answers()
    {
        await CommandLine.SeedAsync(_database);
        Dictionary<string, string> before;
        await using (var host = await AppFixture.StartHostAsync(_database))
        {
            // Amendments too: a ruling and a retraction are sequences the index keeps beside the claim.
            using var client = AppFixture.ClientFor(host);
            var claims = JsonDocument.Parse(await client.GetStringAsync("/api/claims?limit=2", Ct)).RootElement.GetProperty("items");
            using (var ruled = await client.PostAsJsonAsync($"/api/claims/{claims[0].GetProperty("id").GetGuid()}/rulings", Record.RecordApi.Ruling("true"), Ct))
            {
                ruled.StatusCode.ShouldBe(HttpStatusCode.Created, await ruled.Content.ReadAsStringAsync(Ct));
            }

            var retraction = Record.RecordApi.Claim(claims[1].GetProperty("sourceId").GetString()!).With("type", "ClaimRetracted")
                .With("targetClaimId", claims[1].GetProperty("id").GetGuid().ToString()).With("reason", "The reporter withdrew the story.");
            using (var retracted = await client.PostAsJsonAsync($"/api/people/{claims[1].GetProperty("personId").GetString()}/claims", retraction, Ct))
            {
                retracted.StatusCode.ShouldBe(HttpStatusCode.Created, await retracted.Content.ReadAsStringAsync(Ct));
            }

            before = await ReadAsync(host);
        }

        var stored = (await ReadDocumentsAsync()).Where(d => d.Key.StartsWith("mt_claim_index/", StringComparison.Ordinal)).ToDictionary();
        stored.Values.Count(row => row.Contains("\"amendments\": [", StringComparison.Ordinal)).ShouldBe(2, "the ruled and the retracted claim");
        // What a build that kept a JSON document per claim leaves: the events, and no rows in this index.
        await using (var connection = new NpgsqlConnection(_database))
        {
            await connection.OpenAsync(Ct);
            await using var empty = new NpgsqlCommand("delete from timeline.mt_claim_index", connection);
            (await empty.ExecuteNonQueryAsync(Ct)).ShouldBe(stored.Count);
        }

        await using var again = await AppFixture.StartHostAsync(_database);
        var filled = (await ReadDocumentsAsync()).Where(d => d.Key.StartsWith("mt_claim_index/", StringComparison.Ordinal)).ToDictionary();
        filled.OrderBy(d => d.Key).ShouldBe(stored.OrderBy(d => d.Key));
        var after = await ReadAsync(again);
        foreach (var view in Views) after[view].ShouldBe(before[view], $"{view} after the index was filled again");
    }

    /// <summary>Every projected document as stored, keyed by table and id.</summary>
    private async Task<Dictionary<string, string>> ReadDocumentsAsync()
    {
        var documents = new Dictionary<string, string>();
        await using var connection = new NpgsqlConnection(_database);
        await connection.OpenAsync(Ct);
        foreach (var table in ProjectedTables)
        {
            // A document's JSON, or a row of the claims index as JSON.
            await using var read = new NpgsqlCommand($"select id::text, {(table.StartsWith("mt_doc_", StringComparison.Ordinal) ? "data" : "to_jsonb(t)")}::text from timeline.{table} as t", connection);
            await using var reader = await read.ExecuteReaderAsync(Ct);
            while (await reader.ReadAsync(Ct)) documents[$"{table}/{reader.GetString(0)}"] = reader.GetString(1);
        }

        return documents;
    }

    [Fact]
    public async Task projections_list_names_the_services_projections_and_their_lifecycles()
    {
        var run = await CommandLine.RunAsync(_database, "projections", "list");

        run.ExitCode.ShouldBe(0, run.Output);
        foreach (var (name, lifecycle) in new[] { ("Person", "Inline"), ("ClaimIndex", "Inline"), ("Contradiction", "Inline"), ("Changes", "Async") })
        {
            run.StandardOutput.ShouldMatch($@"│ {name}\s+│.*│ {lifecycle}\s+│", run.Output);
        }
    }

    [Fact]
    public async Task a_rebuild_of_a_projection_that_does_not_exist_is_refused_with_exit_2_naming_the_real_ones()
    {
        var run = await CommandLine.RunAsync(_database, "projections", "rebuild", "-p", "Contradictions");

        run.ExitCode.ShouldBe(2, run.Output);
        run.StandardError.ShouldContain("'Contradictions'", Case.Sensitive, run.Output);
        foreach (var name in new[] { "ClaimIndex", "Contradiction", "Person", "Changes" }) run.StandardError.ShouldContain(name, Case.Sensitive, run.Output);
        run.StandardOutput.ShouldNotContain("Rebuild", Case.Sensitive, run.Output);
    }

    [Fact]
    public async Task a_rebuild_of_one_named_projection_rebuilds_only_that_one()
    {
        await CommandLine.SeedAsync(_database);

        var run = await CommandLine.RunAsync(_database, "projections", "rebuild", "-p", "Contradiction");

        run.ExitCode.ShouldBe(0, run.Output);
        run.StandardOutput.ShouldContain("Finished rebuilding Contradiction", Case.Sensitive, run.Output);
        run.StandardOutput.ShouldNotContain("Finished rebuilding Person", Case.Sensitive, run.Output);
    }

    [Fact]
    public async Task the_changes_feed_is_read_from_the_events_so_a_rebuild_of_it_changes_nothing_and_a_lost_head_comes_back()
    {
        await CommandLine.SeedAsync(_database);
        await using var connection = new NpgsqlConnection(_database);
        await connection.OpenAsync(Ct);
        await using var last = new NpgsqlCommand("select max(seq_id) from timeline.mt_events", connection);
        var head = (long)(await last.ExecuteScalarAsync(Ct))!;
        string before;
        await using (var host = await AppFixture.StartHostAsync(_database))
        {
            before = await FeedAsync(host, head);
        }

        var run = await CommandLine.RunAsync(_database, "projections", "rebuild", "-p", "Changes");

        run.ExitCode.ShouldBe(0, run.Output);
        run.StandardOutput.ShouldContain("Changes: nothing to rebuild", Case.Sensitive, run.Output);
        run.StandardOutput.ShouldNotContain("Finished rebuilding", Case.Sensitive, run.Output);

        // The daemon's progress is the feed's head: lost, the daemon takes it again from the start and the feed is whole.
        await using (var forget = new NpgsqlCommand("delete from timeline.mt_event_progression where name = 'Changes:All'", connection))
        {
            (await forget.ExecuteNonQueryAsync(Ct)).ShouldBe(1, "the feed had no head to lose");
        }

        await using var again = await AppFixture.StartHostAsync(_database);
        (await FeedAsync(again, head)).ShouldBe(before);
    }

    /// <summary>The whole feed once the daemon has taken it to <paramref name="head"/>.</summary>
    private static async Task<string> FeedAsync(IAlbaHost host, long head)
    {
        using var client = host.Server.CreateClient();
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            using var response = await client.GetAsync("/api/changes?limit=1000", Ct);
            var text = await response.Content.ReadAsStringAsync(Ct);
            response.StatusCode.ShouldBe(HttpStatusCode.OK, text);
            if (JsonDocument.Parse(text).RootElement.GetProperty("next").GetInt64() >= head) return text;
            DateTime.UtcNow.ShouldBeLessThan(deadline, $"the feed did not reach {head}: {text}");
            await Task.Delay(100, Ct);
        }
    }

    private async Task WipeProjectedDocumentsAsync()
    {
        await using var connection = new NpgsqlConnection(_database);
        await connection.OpenAsync(Ct);
        foreach (var table in ProjectedTables)
        {
            await using var wipe = new NpgsqlCommand($"delete from timeline.{table}", connection);
            (await wipe.ExecuteNonQueryAsync(Ct)).ShouldBeGreaterThan(0, $"{table} held nothing to lose");
        }
    }

    /// <summary>Each view's body, as the service serves it, with 200.</summary>
    private static async Task<Dictionary<string, string>> ReadAsync(IAlbaHost host)
    {
        using var client = host.Server.CreateClient();
        var bodies = new Dictionary<string, string>();
        foreach (var view in Views)
        {
            using var response = await client.GetAsync(view, Ct);
            var text = await response.Content.ReadAsStringAsync(Ct);
            response.StatusCode.ShouldBe(HttpStatusCode.OK, $"{view}: {text}");
            JsonDocument.Parse(text).RootElement.ValueKind.ShouldBe(JsonValueKind.Object);
            bodies[view] = text;
        }

        return bodies;
    }
}
