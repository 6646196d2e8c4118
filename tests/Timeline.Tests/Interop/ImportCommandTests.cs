using System.Text.Json.Nodes;
using Marten;
using Microsoft.Extensions.DependencyInjection;
using Shouldly;
using Timeline.Tests.Commands;
using Timeline.Tests.Infrastructure;
using Timeline.Tests.Record;
using Xunit;

namespace Timeline.Tests.Interop;

/// <summary>The import and export commands run as a user runs them: the built service with arguments, against the tests' PostgreSQL.</summary>
public sealed class ImportCommandTests(AppFixture app) : RecordApiTest(app), IDisposable
{
    private readonly string _directory = TestDirectories.Create("import-cli");

    private async Task<(int ExitCode, string Output)> RunAsync(params string[] args)
    {
        var run = await CommandLine.RunAsync(App.ConnectionString, args);
        return (run.ExitCode, run.Output);
    }

    private string Write(string name, string text)
    {
        var path = Path.Combine(_directory, name);
        File.WriteAllText(path, text);
        return path;
    }

    [Fact]
    public async Task the_import_command_imports_a_file_and_exits_0_then_appends_nothing_the_second_time()
    {
        var file = PopoloOracle.Nauru();
        var path = Write("nauru.json", file.ToJsonString());

        var (code, output) = await RunAsync("import", "popolo", path, "--source", PopoloImportTests.Series);
        code.ShouldBe(0, output);
        output.ShouldContain("claims appended");
        (await AllEventsAsync()).ShouldBe(PopoloOracle.Array(file, "persons").Count + PopoloOracle.Claims(file), output);

        var events = await AllEventsAsync();
        (code, output) = await RunAsync("import", "popolo", path, "--source", PopoloImportTests.Series);
        code.ShouldBe(0, output);
        (await AllEventsAsync()).ShouldBe(events);

        var exported = Path.Combine(_directory, "out.json");
        (code, output) = await RunAsync("export", "popolo", "--out", exported);
        code.ShouldBe(0, output);
        PopoloOracle.ExportedSeats((JsonObject)JsonNode.Parse(File.ReadAllText(exported))!).ShouldBe(PopoloOracle.Seats(file));
    }

    [Fact]
    public async Task the_import_command_into_a_new_database_creates_what_it_writes_to()
    {
        var database = await CommandLine.NewDatabaseAsync();
        try
        {
            var file = PopoloOracle.Nauru();
            var run = await CommandLine.RunAsync(database, "import", "popolo", Write("new.json", file.ToJsonString()), "--source", PopoloImportTests.Series);
            run.ExitCode.ShouldBe(0, run.Output);

            await using var host = await AppFixture.StartHostAsync(database);
            await using var query = host.Services.GetRequiredService<Marten.IDocumentStore>().QuerySession();
            (await query.Events.QueryAllRawEvents().CountAsync(Ct)).ShouldBe(PopoloOracle.Array(file, "persons").Count + PopoloOracle.Claims(file), run.Output);
        }
        finally
        {
            await CommandLine.DropDatabaseAsync(database);
        }
    }

    [Fact]
    public async Task rejected_records_exit_1_and_a_refused_file_exits_2()
    {
        var broken = PopoloOracle.Nauru();
        PopoloOracle.Array(broken, "memberships")[0]!["person_id"] = "no-such-person";
        var (code, output) = await RunAsync("import", "popolo", Write("broken.json", broken.ToJsonString()));
        code.ShouldBe(1, output);
        output.ShouldContain("/memberships/0");

        var events = await AllEventsAsync();
        (code, output) = await RunAsync("import", "popolo", Write("not.json", "this is not json"));
        code.ShouldBe(2, output);
        (code, output) = await RunAsync("import", "popolo", Path.Combine(_directory, "missing.json"));
        code.ShouldBe(2, output);
        (await AllEventsAsync()).ShouldBe(events);
    }

    [Fact]
    public async Task the_commands_explain_themselves()
    {
        // JasperFx's help exits 1 whatever it shows; what matters is what it shows.
        var (_, output) = await RunAsync("help", "import");
        output.ShouldContain("import <format> <file>");
        output.ShouldContain("--published-at");
        output.ShouldContain("exit 0 done, 1 done with rejected records, 2 refused");
        (_, output) = await RunAsync("help", "export");
        output.ShouldContain("--out");
    }

    public void Dispose() => TestDirectories.Delete(_directory);
}
