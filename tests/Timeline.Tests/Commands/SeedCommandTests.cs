using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Alba;
using Shouldly;
using Timeline.Tests.Infrastructure;
using Xunit;

namespace Timeline.Tests.Commands;

/// <summary>`seed` run as a real process: its help, its summary table, its exit codes, and what the service then serves.</summary>
public sealed class SeedCommandTests : IAsyncLifetime
{
    private readonly List<string> _scratch = [];
    private string _database = "";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync() => _database = await CommandLine.NewDatabaseAsync();

    public async ValueTask DisposeAsync()
    {
        foreach (var folder in _scratch) TestDirectories.Delete(folder);
        await CommandLine.DropDatabaseAsync(_database);
    }

    private static string SeedsFolder => Path.Combine(TestDirectories.RepositoryRoot, "seeds");

    /// <summary>The repository's seed manifest as the test reads it: the oracle for every count.</summary>
    private static JsonObject Manifest() =>
        JsonNode.Parse(File.ReadAllText(Directory.EnumerateFiles(SeedsFolder, "*.json").Order(StringComparer.Ordinal).Single()))!.AsObject();

    /// <summary>A copy of seeds/ the test may break.</summary>
    private string CopyOfSeeds(Action<JsonObject>? change = null)
    {
        var folder = TestDirectories.Create("seeds");
        _scratch.Add(folder);
        foreach (var file in Directory.EnumerateFiles(SeedsFolder)) File.Copy(file, Path.Combine(folder, Path.GetFileName(file)));
        if (change is not null)
        {
            var manifestFile = Directory.EnumerateFiles(folder, "*.json").Single();
            var manifest = JsonNode.Parse(File.ReadAllText(manifestFile))!.AsObject();
            change(manifest);
            File.WriteAllText(manifestFile, manifest.ToJsonString());
        }

        return folder;
    }

    [Theory]
    [InlineData("seed", "--directory")]
    [InlineData("projections", "rebuild")]
    public async Task seed_and_projections_answer_help_with_their_usage_and_exit_0_without_a_database(string command, string mentioned)
    {
        var run = await CommandLine.RunAsync(null, command, "--help");

        run.ExitCode.ShouldBe(0, run.Output);
        run.StandardOutput.ShouldContain($"dotnet run -- {command}", Case.Sensitive, run.Output);
        run.StandardOutput.ShouldContain(mentioned, Case.Sensitive, run.Output);
        run.StandardOutput.ShouldNotContain("Embedded PostgreSQL", Case.Sensitive, "help needs no database");
    }

    [Fact]
    public async Task seed_loads_every_claim_prints_a_summary_table_exits_0_and_a_second_run_appends_nothing()
    {
        var manifest = Manifest();
        var claims = manifest["claims"]!.AsArray().Count;
        var people = manifest["people"]!.AsArray().Count;

        var first = await CommandLine.RunAsync(_database, "seed", "--directory", SeedsFolder);
        var second = await CommandLine.RunAsync(_database, "seed", "--directory", SeedsFolder);

        first.ExitCode.ShouldBe(0, first.Output);
        Row(first, "sources").ShouldBe(1);
        Row(first, "people registered").ShouldBe(people);
        Row(first, "claims appended").ShouldBe(claims);
        Row(first, "claims already there").ShouldBe(0);
        Row(first, "rejected").ShouldBe(0);
        first.StandardOutput.ShouldContain($"Seeding from {SeedsFolder}", Case.Sensitive, "the progress line of a run without a terminal");
        second.ExitCode.ShouldBe(0, second.Output);
        Row(second, "people registered").ShouldBe(0);
        Row(second, "claims appended").ShouldBe(0);
        Row(second, "claims already there").ShouldBe(claims);

        await using var host = await AppFixture.StartHostAsync(_database);
        (await ClaimIdsAsync(host)).ShouldBe(manifest["claims"]!.AsArray().Select(c => c!["claim"]!["claimId"]!.GetValue<string>()), ignoreOrder: true);
    }

    [Fact]
    public async Task a_refused_claim_is_reported_by_id_the_rest_is_loaded_and_the_exit_code_is_1()
    {
        string? broken = null;
        var folder = CopyOfSeeds(m =>
        {
            var claim = m["claims"]![2]!["claim"]!.AsObject();
            broken = claim["claimId"]!.GetValue<string>();
            claim["quote"] = "words that the article never printed";
        });
        var all = Manifest()["claims"]!.AsArray().Select(c => c!["claim"]!["claimId"]!.GetValue<string>()).ToList();

        var run = await CommandLine.RunAsync(_database, "seed", "--directory", folder);

        run.ExitCode.ShouldBe(1, run.Output);
        Row(run, "rejected").ShouldBe(1);
        Row(run, "claims appended").ShouldBe(all.Count - 1);
        run.StandardOutput.ShouldContain($"claim {broken}", Case.Sensitive, run.Output);
        await using var host = await AppFixture.StartHostAsync(_database);
        (await ClaimIdsAsync(host)).ShouldBe(all.Where(id => id != broken), ignoreOrder: true);
    }

    [Fact]
    public async Task an_unreadable_manifest_or_a_missing_folder_is_refused_with_exit_2_and_nothing_is_written()
    {
        var folder = CopyOfSeeds();
        await File.WriteAllTextAsync(Path.Combine(folder, "zzz_broken.json"), "{ \"source\": ", Ct);

        var unreadable = await CommandLine.RunAsync(_database, "seed", "--directory", folder);
        var missing = await CommandLine.RunAsync(_database, "seed", "--directory", Path.Combine(folder, "nowhere"));

        unreadable.ExitCode.ShouldBe(2, unreadable.Output);
        unreadable.StandardError.ShouldContain("zzz_broken.json", Case.Sensitive, unreadable.Output);
        missing.ExitCode.ShouldBe(2, missing.Output);
        missing.StandardError.ShouldContain("nowhere", Case.Sensitive, missing.Output);
        await using var host = await AppFixture.StartHostAsync(_database);
        (await ClaimIdsAsync(host)).ShouldBeEmpty("a refused run writes nothing, though the manifest before the broken one was valid");
        var person = await host.Server.CreateClient().GetAsync("/api/people/mustafa-kamal", Ct);
        person.StatusCode.ShouldBe(HttpStatusCode.NotFound);
    }

    /// <summary>The count in the summary table's row, as drawn: │ what │ count │.</summary>
    private static int Row(CommandRun run, string what)
    {
        var match = Regex.Match(run.StandardOutput, $@"│\s*{Regex.Escape(what)}\s*│\s*(\d+)\s*│");
        match.Success.ShouldBeTrue($"no '{what}' row in the summary table:\n{run.Output}");
        return int.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
    }

    internal static async Task<List<string>> ClaimIdsAsync(IAlbaHost host)
    {
        using var client = host.Server.CreateClient();
        using var response = await client.GetAsync("/api/claims?limit=1000", Ct);
        var text = await response.Content.ReadAsStringAsync(Ct);
        response.StatusCode.ShouldBe(HttpStatusCode.OK, text);
        return JsonDocument.Parse(text).RootElement.GetProperty("items").EnumerateArray().Select(c => c.GetProperty("id").GetString()!).ToList();
    }
}
