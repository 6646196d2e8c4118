using System.Text.Json;
using Shouldly;
using Timeline.Tests.Infrastructure;
using Xunit;

namespace Timeline.Tests.Commands;

/// <summary>
/// What a user of the command line sees: stdout is the command's output alone, so it can be redirected to a file; the
/// exit codes are the README's (0 done, 2 refused with nothing written, 3 no PostgreSQL); a PostgreSQL that does not
/// answer is one line, not a stack trace.
/// </summary>
public sealed class CommandOutputTests : IAsyncLifetime
{
    // Nothing listens on port 1; the password must never be shown.
    private const string Password = "never-shown-7f3a";
    private const string Unreachable = $"Host=127.0.0.1;Port=1;Username=nobody;Password={Password};Database=nothing";

    private string _database = "";

    public async ValueTask InitializeAsync() => _database = await CommandLine.NewDatabaseAsync();

    public async ValueTask DisposeAsync() => await CommandLine.DropDatabaseAsync(_database);

    [Fact]
    public async Task export_popolo_to_stdout_is_the_json_document_and_nothing_else()
    {
        await CommandLine.SeedAsync(_database);

        var run = await CommandLine.RunAsync(_database, "export", "popolo");

        run.ExitCode.ShouldBe(0, run.Output);
        run.StandardOutput.ShouldNotContain("Searching", Case.Sensitive, run.Output);
        run.StandardOutput.ShouldStartWith("{", Case.Sensitive, run.Output);
        using var document = JsonDocument.Parse(run.StandardOutput);
        document.RootElement.GetProperty("persons").EnumerateArray()
            .ShouldContain(p => p.GetProperty("id").GetString() == "mustafa-kamal", run.Output);
    }

    [Fact]
    public async Task export_popolo_at_a_valid_day_gives_the_memberships_held_that_day()
    {
        await CommandLine.SeedAsync(_database);

        var run = await CommandLine.RunAsync(_database, "export", "popolo", "--valid-at", "2008-06-01");

        // On 2008-06-01 Kamal was Mayor of Karachi (the seed's article), and nothing else.
        run.ExitCode.ShouldBe(0, run.Output);
        using var document = JsonDocument.Parse(run.StandardOutput);
        document.RootElement.GetProperty("memberships").EnumerateArray()
            .Where(m => m.GetProperty("person_id").GetString() == "mustafa-kamal")
            .Select(m => m.GetProperty("role").GetString()).ShouldBe(["Mayor of Karachi"], run.Output);
    }

    [Fact]
    public async Task keys_create_writes_its_notice_and_the_key_on_stdout_and_nothing_else()
    {
        var run = await CommandLine.RunAsync(_database, "keys", "create", "--role", "editor", "--name", "night-desk");

        run.ExitCode.ShouldBe(0, run.Output);
        var lines = run.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        lines.Length.ShouldBe(2, run.Output);
        lines[0].ShouldStartWith("Created key 'night-desk'", Case.Sensitive, run.Output);
        lines[1].ShouldStartWith("tl_", Case.Sensitive, run.Output);
    }

    [Fact]
    public async Task a_key_name_taken_and_a_second_revoke_are_refused_with_exit_2()
    {
        (await CommandLine.RunAsync(_database, "keys", "create", "--role", "editor", "--name", "night-desk")).ExitCode.ShouldBe(0);

        var taken = await CommandLine.RunAsync(_database, "keys", "create", "--role", "admin", "--name", "night-desk");
        var revoked = await CommandLine.RunAsync(_database, "keys", "revoke", "night-desk");
        var again = await CommandLine.RunAsync(_database, "keys", "revoke", "night-desk");
        var unknown = await CommandLine.RunAsync(_database, "keys", "revoke", "day-desk");

        taken.ExitCode.ShouldBe(2, taken.Output);
        taken.StandardError.ShouldContain("already exists", Case.Sensitive, taken.Output);
        revoked.ExitCode.ShouldBe(0, revoked.Output);
        revoked.StandardOutput.ShouldContain("Revoked 'night-desk'", Case.Sensitive, revoked.Output);
        again.ExitCode.ShouldBe(2, again.Output);
        again.StandardError.ShouldContain("already revoked", Case.Sensitive, again.Output);
        again.StandardOutput.ShouldNotContain("Revoked", Case.Sensitive, again.Output);
        unknown.ExitCode.ShouldBe(2, unknown.Output);
        unknown.StandardError.ShouldContain("no key named 'day-desk'", Case.Sensitive, unknown.Output);
    }

    [Theory]
    [InlineData("--role", "keys", "create", "--role", "boss")]
    [InlineData("--valid-on", "export", "popolo", "--valid-on", "2014-01-01")]
    [InlineData("2008-13-01", "export", "popolo", "--valid-at", "2008-13-01")]
    [InlineData("'csv'", "export", "csv")]
    [InlineData("frobnicate", "keys", "frobnicate")]
    public async Task bad_arguments_are_refused_with_exit_2_on_stderr_before_the_database_is_needed(string named, params string[] args)
    {
        // The database does not answer: arguments checked first give 2, not 3.
        var run = await CommandLine.RunAsync(Unreachable, args);

        run.ExitCode.ShouldBe(2, run.Output);
        run.StandardError.ShouldContain(named, Case.Sensitive, run.Output);
        run.StandardError.ShouldContain("Refused", Case.Sensitive, run.Output);
        run.StandardOutput.ShouldBeEmpty(run.Output);
    }

    [Theory]
    [InlineData]
    [InlineData("keys", "list")]
    [InlineData("export", "popolo")]
    public async Task a_postgres_that_does_not_answer_at_start_is_one_line_naming_it_and_exit_3(params string[] args)
    {
        var run = await CommandLine.RunAsync(Unreachable, args);

        run.ExitCode.ShouldBe(3, run.Output);
        run.StandardError.Split('\n').ShouldContain(l => l.StartsWith("Cannot reach PostgreSQL at 127.0.0.1:1", StringComparison.Ordinal), run.Output);
        run.Output.ShouldNotContain("   at ", Case.Sensitive, "a stack trace was printed");
        run.Output.ShouldNotContain(Password, Case.Sensitive);
        run.StandardOutput.ShouldNotContain("PostgreSQL", Case.Sensitive, run.Output);
    }
}
