using System.Net.Sockets;
using System.Reflection;
using Npgsql;
using Shouldly;
using Timeline.Hosting;
using Timeline.Tests.Infrastructure;
using Xunit;

namespace Timeline.Tests.Hosting;

public sealed class EmbeddedPostgresTests : IDisposable
{
    private readonly string _directory = TestDirectories.Create("embedded");

    [Fact]
    public async Task the_embedded_default_starts_a_server_stops_it_and_reuses_its_data_on_the_next_start()
    {
        var options = new EmbeddedPostgresOptions(_directory);
        string firstConnection;

        await using (var first = EmbeddedPostgres.Start(options))
        {
            first.CreatedCluster.ShouldBeTrue();
            firstConnection = Unpooled(first.ConnectionString);
            (await ScalarAsync(firstConnection, "select 1")).ShouldBe(1);
            await ExecuteAsync(firstConnection, "create table survivor (note text); insert into survivor values ('written by the first run')");

            await first.StopAsync();

            File.Exists(Path.Combine(first.ClusterDirectory, "postmaster.pid")).ShouldBeFalse();
            var refused = await Should.ThrowAsync<NpgsqlException>(() => ScalarAsync(firstConnection, "select 1"));
            refused.InnerException.ShouldBeOfType<SocketException>().SocketErrorCode.ShouldBe(SocketError.ConnectionRefused);
        }

        await using var second = EmbeddedPostgres.Start(options);
        second.CreatedCluster.ShouldBeFalse();
        (await ScalarAsync(Unpooled(second.ConnectionString), "select note from survivor")).ShouldBe("written by the first run");
    }

    [Fact]
    public async Task a_second_server_on_the_same_folder_is_refused_while_the_first_runs()
    {
        await using var first = EmbeddedPostgres.Start(new EmbeddedPostgresOptions(_directory) { Fast = true });

        Should.Throw<PostgresUnavailableException>(() => EmbeddedPostgres.Start(new EmbeddedPostgresOptions(_directory) { Fast = true }))
            .Message.ShouldContain("Another process");
        (await ScalarAsync(Unpooled(first.ConnectionString), "select 1")).ShouldBe(1);
    }

    [Fact]
    public async Task a_data_folder_too_deep_for_a_unix_socket_path_still_starts()
    {
        var deep = Path.Combine(_directory, new string('d', 60), new string('e', 60));
        await using var server = EmbeddedPostgres.Start(new EmbeddedPostgresOptions(deep) { Fast = true });

        server.SocketDirectory.ShouldStartWith(Path.GetTempPath());
        (await ScalarAsync(Unpooled(server.ConnectionString), "select 1")).ShouldBe(1);
    }

    [Fact]
    public void a_bin_folder_without_initdb_is_reported_in_one_line_before_anything_is_written()
    {
        var emptyBin = TestDirectories.Create("empty-bin");
        try
        {
            var dataDirectory = Path.Combine(_directory, "never-created");
            var error = Should.Throw<PostgresUnavailableException>(() => EmbeddedPostgres.Start(new EmbeddedPostgresOptions(dataDirectory, emptyBin)));

            error.Message.ShouldStartWith("No PostgreSQL found");
            error.Message.ShouldNotContain('\n');
            Directory.Exists(dataDirectory).ShouldBeFalse();
        }
        finally
        {
            TestDirectories.Delete(emptyBin);
        }
    }

    [Fact]
    public void a_missing_postgres_buried_in_startup_wrappers_is_reported_with_exit_code_3()
    {
        var buried = new AggregateException(new TargetInvocationException(new InvalidOperationException("host failed", new PostgresUnavailableException())));

        DatabaseSetup.ReportStartupFailure(buried).ShouldBe(DatabaseSetup.PostgresUnavailableExitCode);
        DatabaseSetup.ReportStartupFailure(new InvalidOperationException("something else")).ShouldBe(-1);
    }

    [Theory]
    [InlineData(new string[0], true)]
    [InlineData(new[] { "--urls", "http://127.0.0.1:1" }, true)]
    [InlineData(new[] { "run" }, true)]
    [InlineData(new[] { "projections", "--rebuild" }, true)]
    [InlineData(new[] { "help" }, false)]
    [InlineData(new[] { "codegen", "write" }, false)]
    public void only_help_and_code_generation_run_without_the_database(string[] args, bool needsDatabase) =>
        DatabaseSetup.CommandNeedsDatabase(args).ShouldBe(needsDatabase);

    public void Dispose() => TestDirectories.Delete(_directory);

    private static string Unpooled(string connectionString) =>
        new NpgsqlConnectionStringBuilder(connectionString) { Pooling = false }.ConnectionString;

    private static async Task<object?> ScalarAsync(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return await command.ExecuteScalarAsync();
    }

    private static async Task ExecuteAsync(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }
}
