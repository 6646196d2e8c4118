using System.Globalization;
using Npgsql;
using Timeline.Hosting;

namespace Timeline.Bench;

/// <summary>Where PostgreSQL's time goes during one scenario, from pg_stat_statements.</summary>
internal sealed class PostgresProfile(NpgsqlDataSource dataSource)
{
    // The sizing settings of the configuration deploy/ ships; connections, logging and the listener stay the bench's own.
    private static readonly string[] DeploySettings =
    [
        "shared_buffers", "effective_cache_size", "work_mem", "maintenance_work_mem", "wal_compression", "max_wal_size", "min_wal_size",
        "checkpoint_completion_target", "random_page_cost", "effective_io_concurrency",
    ];

    /// <summary>
    /// Loads pg_stat_statements and applies the sizing of deploy/postgresql.conf, the server a deployment runs (the
    /// defaults' 128 MB of shared buffers is not one): settings only a restart applies. The baselines run on it too.
    /// </summary>
    public static async Task PreloadAsync(NpgsqlDataSource dataSource)
    {
        var statements = new List<string> { "alter system set shared_preload_libraries = 'pg_stat_statements'" };
        foreach (var line in File.ReadLines(Path.Combine(ServiceUnderTest.RepositoryRoot(), "deploy", "postgresql.conf")))
        {
            var setting = line.Split('#', 2)[0].Split('=', 2);
            if (setting.Length == 2 && DeploySettings.Contains(setting[0].Trim()))
            {
                statements.Add($"alter system set {setting[0].Trim()} = '{setting[1].Trim().Trim('\'')}'");
            }
        }

        foreach (var statement in statements)
        {
            await using var command = dataSource.CreateCommand(statement);
            await command.ExecuteNonQueryAsync();
        }
    }

    /// <summary>
    /// A new cluster as a deployment runs it: the deploy's sizing applied (<see cref="PreloadAsync"/>, then a restart) and its
    /// shared buffers used once. A server up for a while has used every buffer; a new one has the kernel zero each page of
    /// them on first use, which took 9.5 % of PostgreSQL's CPU in an import on a new cluster (perf, bench/README.md). The
    /// buffers are filled by a table written through them (no bulk ring: a plain INSERT), then dropped.
    /// </summary>
    public static async Task<EmbeddedPostgres> StartAsync(EmbeddedPostgresOptions options)
    {
        var postgres = EmbeddedPostgres.Start(options);
        try
        {
            await using (var first = NpgsqlDataSource.Create(postgres.ConnectionString)) await PreloadAsync(first);
        }
        finally
        {
            await postgres.DisposeAsync();
        }

        postgres = EmbeddedPostgres.Start(options);
        try
        {
            await using var dataSource = NpgsqlDataSource.Create(postgres.ConnectionString);
            await using var warm = dataSource.CreateCommand("""
                create unlogged table bench_warm_buffers (pad text);
                alter table bench_warm_buffers alter column pad set storage plain;
                insert into bench_warm_buffers select repeat('x', 1800) from generate_series(1, 4 * (select setting::bigint from pg_settings where name = 'shared_buffers'));
                drop table bench_warm_buffers;
                """);
            warm.CommandTimeout = 300;
            await warm.ExecuteNonQueryAsync();
            return postgres;
        }
        catch
        {
            await postgres.DisposeAsync();
            throw;
        }
    }

    private long _sessionsAtReset;

    public async Task ResetAsync()
    {
        await using var command = dataSource.CreateCommand("create extension if not exists pg_stat_statements; select pg_stat_statements_reset();");
        await command.ExecuteNonQueryAsync();
        _sessionsAtReset = await SessionsAsync();
    }

    /// <summary>Connections ever opened to the service's database: each is a new server process, not cheap.</summary>
    private async Task<long> SessionsAsync()
    {
        await using var command = dataSource.CreateCommand("select sessions from pg_stat_database where datname = 'timeline'");
        return (long)(await command.ExecuteScalarAsync() ?? 0L);
    }

    /// <summary>The statements that took the most time, per operation of the scenario.</summary>
    public async Task<string> ReportAsync(string scenario, long operations)
    {
        await using var command = dataSource.CreateCommand("""
            select calls, total_exec_time, left(regexp_replace(query, '\s+', ' ', 'g'), 110)
            from pg_stat_statements
            where dbid = (select oid from pg_database where datname = 'timeline')
            order by total_exec_time desc
            """);
        var rows = new List<(long Calls, double Ms, string Query)>();
        await using (var reader = await command.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync()) rows.Add((reader.GetInt64(0), reader.GetDouble(1), reader.GetString(2)));
        }

        var total = rows.Sum(r => r.Ms);
        var sessions = await SessionsAsync() - _sessionsAtReset;
        var text = new System.Text.StringBuilder();
        text.AppendLine(string.Create(CultureInfo.InvariantCulture,
            $"PostgreSQL during {scenario}: {rows.Sum(r => r.Calls) / (double)operations:F1} statements and {total / operations:F2} ms of execution per append; {sessions} connections opened"));
        text.AppendLine();
        text.AppendLine("| statement | calls per append | ms per append | share |");
        text.AppendLine("| --- | --- | --- | --- |");
        foreach (var (calls, ms, query) in rows.Take(int.TryParse(Environment.GetEnvironmentVariable("BENCH_PROFILE_ROWS"), out var shown) ? shown : 12))
        {
            text.AppendLine(string.Create(CultureInfo.InvariantCulture,
                $"| `{query.Replace("|", "\\|", StringComparison.Ordinal)}` | {calls / (double)operations:F2} | {ms / operations:F3} | {ms / total:P0} |"));
        }

        return text.ToString();
    }
}
