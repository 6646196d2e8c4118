using System.Security.Cryptography;
using DotNet.Testcontainers.Builders;
using Npgsql;
using Testcontainers.PostgreSql;
using Timeline.Hosting;

namespace Timeline.Tests.Infrastructure;

/// <summary>
/// The PostgreSQL the tests run against, found once per test process: <c>TIMELINE_TEST_CONNECTION</c> if set, else a
/// Testcontainers <c>postgres:16-alpine</c> when Docker answers, else a private cluster from the machine's binaries.
/// Each run gets a database of its own.
/// </summary>
public static class TestPostgres
{
    public const string ConnectionVariable = "TIMELINE_TEST_CONNECTION";

    private static readonly Lazy<Task<string>> Resolved = new(ResolveAsync);

    public static Task<string> ConnectionStringAsync() => Resolved.Value;

    private static async Task<string> ResolveAsync()
    {
        var (server, source, dropAtExit) = await FindServerAsync();
        var database = $"timeline_test_{DateTime.UtcNow:yyyyMMddHHmmss}_{RandomNumberGenerator.GetHexString(6, lowercase: true)}";

        await using (var connection = new NpgsqlConnection(server))
        {
            await connection.OpenAsync();
            await using var create = new NpgsqlCommand($"create database \"{database}\"", connection);
            await create.ExecuteNonQueryAsync();
        }

        if (dropAtExit)
        {
            AppDomain.CurrentDomain.ProcessExit += (_, _) => Drop(server, database);
        }

        Console.Error.WriteLine($"Tests use PostgreSQL from {source}, database {database}.");
        return new NpgsqlConnectionStringBuilder(server) { Database = database, IncludeErrorDetail = true }.ConnectionString;
    }

    private static async Task<(string ConnectionString, string Source, bool DropAtExit)> FindServerAsync()
    {
        if (Environment.GetEnvironmentVariable(ConnectionVariable) is { Length: > 0 } configured)
        {
            return (configured, ConnectionVariable, true);
        }

        if (await TryContainerAsync() is { } container)
        {
            return (container, "Testcontainers (postgres:16-alpine)", false);
        }

        var directory = TestDirectories.Create("postgres");
        var server = EmbeddedPostgres.Start(new EmbeddedPostgresOptions(directory) { Fast = true });
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            server.Dispose();
            TestDirectories.Delete(directory);
        };
        return (server.ConnectionString, $"a private cluster in {directory}", false);
    }

    private static async Task<string?> TryContainerAsync()
    {
        PostgreSqlContainer container;
        try
        {
            container = new PostgreSqlBuilder("postgres:16-alpine").Build();
        }
        catch (DockerUnavailableException)
        {
            return null;
        }
        catch (Exception ex)
        {
            Console.Error.WriteLine($"Testcontainers unusable ({ex.GetType().Name}: {ex.Message}); using another PostgreSQL.");
            return null;
        }

        try
        {
            // Generous enough for a first image pull; Docker that answers but cannot run containers fails sooner.
            using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
            await container.StartAsync(timeout.Token);
            AppDomain.CurrentDomain.ProcessExit += (_, _) => container.DisposeAsync().AsTask().Wait(TimeSpan.FromSeconds(10));
            return container.GetConnectionString();
        }
        catch (Exception ex)
        {
            Console.Error.WriteLine($"Testcontainers could not start PostgreSQL ({ex.GetType().Name}: {ex.Message}); using another PostgreSQL.");
            await container.DisposeAsync();
            return null;
        }
    }

    private static void Drop(string server, string database)
    {
        try
        {
            NpgsqlConnection.ClearAllPools();
            using var connection = new NpgsqlConnection(server);
            connection.Open();
            using var drop = new NpgsqlCommand($"drop database if exists \"{database}\" with (force)", connection);
            drop.ExecuteNonQuery();
        }
        catch (NpgsqlException ex)
        {
            Console.Error.WriteLine($"Could not drop test database {database}: {ex.Message}");
        }
    }
}
