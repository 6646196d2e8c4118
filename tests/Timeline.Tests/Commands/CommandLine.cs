using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using Npgsql;
using Shouldly;
using Timeline.Tests.Infrastructure;

namespace Timeline.Tests.Commands;

/// <summary>What one run of the service's command line did.</summary>
public sealed record CommandRun(int ExitCode, string StandardOutput, string StandardError)
{
    public string Output => $"exit {ExitCode}\nstdout:\n{StandardOutput}\nstderr:\n{StandardError}";

    /// <summary>The last line of stdout (where `keys create` prints the key).</summary>
    public string LastLine => StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)[^1];

    public override string ToString() => Output;
}

/// <summary>Runs the built service as a command-line process (`dotnet Timeline.dll seed ...`) against the database it is given.</summary>
public static class CommandLine
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(3);

    /// <summary>Loads the repository's seeds into the database by the <c>seed</c> command, which must succeed.</summary>
    public static async Task SeedAsync(string connectionString)
    {
        var seeded = await RunAsync(connectionString, "seed", "--directory", Path.Combine(TestDirectories.RepositoryRoot, "seeds"));
        seeded.ExitCode.ShouldBe(0, seeded.Output);
    }

    public static async Task<CommandRun> RunAsync(string? connectionString, params string[] args)
    {
        var workingDirectory = TestDirectories.Create("cli");
        try
        {
            var startInfo = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host : "dotnet")
            {
                WorkingDirectory = workingDirectory,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            startInfo.ArgumentList.Add(ServiceAssembly());
            foreach (var arg in args) startInfo.ArgumentList.Add(arg);
            // The test runner's own settings must not reach the command.
            foreach (var name in startInfo.Environment.Keys.Where(n => n.StartsWith("ConnectionStrings", StringComparison.OrdinalIgnoreCase)
                         || n.StartsWith("Timeline__", StringComparison.OrdinalIgnoreCase) || n == TestPostgres.ConnectionVariable).ToList())
            {
                startInfo.Environment.Remove(name);
            }

            if (connectionString is not null) startInfo.Environment["ConnectionStrings__Timeline"] = connectionString;
            startInfo.Environment["Timeline__SeedOnStart"] = "false";

            using var process = new Process { StartInfo = startInfo };
            var stdout = new StringBuilder();
            var stderr = new StringBuilder();
            process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (stdout) stdout.AppendLine(e.Data); };
            process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (stderr) stderr.AppendLine(e.Data); };
            process.Start();
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            using var timeout = new CancellationTokenSource(Timeout);
            try
            {
                await process.WaitForExitAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
                throw new TimeoutException($"`{string.Join(' ', args)}` did not finish within {Timeout}.\n{stdout}\n{stderr}");
            }

            process.WaitForExit();
            lock (stdout) lock (stderr) return new CommandRun(process.ExitCode, stdout.ToString(), stderr.ToString());
        }
        finally
        {
            TestDirectories.Delete(workingDirectory);
        }
    }

    /// <summary>A fresh, empty database on the tests' PostgreSQL server, so a command's writes touch no other test.</summary>
    public static async Task<string> NewDatabaseAsync()
    {
        var server = new NpgsqlConnectionStringBuilder(await TestPostgres.ConnectionStringAsync());
        var name = $"timeline_cli_{RandomNumberGenerator.GetHexString(10, lowercase: true)}";
        await using (var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(server.ConnectionString) { Database = "postgres" }.ConnectionString))
        {
            await connection.OpenAsync();
            await using var create = new NpgsqlCommand($"create database \"{name}\"", connection);
            await create.ExecuteNonQueryAsync();
        }

        return new NpgsqlConnectionStringBuilder(server.ConnectionString) { Database = name }.ConnectionString;
    }

    public static async Task DropDatabaseAsync(string connectionString)
    {
        var target = new NpgsqlConnectionStringBuilder(connectionString);
        NpgsqlConnection.ClearAllPools();
        await using var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(connectionString) { Database = "postgres" }.ConnectionString);
        await connection.OpenAsync();
        await using var drop = new NpgsqlCommand($"drop database if exists \"{target.Database}\" with (force)", connection);
        await drop.ExecuteNonQueryAsync();
    }

    /// <summary>The service's own build output (the copy beside the tests would make JasperFx load the test assembly).</summary>
    private static string ServiceAssembly()
    {
        var framework = new DirectoryInfo(Path.TrimEndingDirectorySeparator(AppContext.BaseDirectory));
        var path = Path.Combine(TestDirectories.RepositoryRoot, "src", "Timeline", "bin", framework.Parent!.Name, framework.Name, "Timeline.dll");
        return File.Exists(path) ? path : throw new FileNotFoundException("The service is not built where the tests expect it", path);
    }
}
