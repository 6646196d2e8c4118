using System.Globalization;
using System.Net.Sockets;
using System.Text.Json;
using Shouldly;
using Timeline.Hosting;
using Timeline.Tests.Infrastructure;
using Xunit;

namespace Timeline.Tests.Hosting;

/// <summary>The service as a user runs it: no connection string, so it brings its own PostgreSQL.</summary>
public sealed class ServiceProcessTests : IDisposable
{
    private readonly string _workingDirectory = TestDirectories.Create("service");

    private string ClusterDirectory => Path.Combine(_workingDirectory, DatabaseSetup.DefaultDataDirectory, "pg");

    [Fact]
    public async Task without_a_connection_string_the_service_runs_its_own_postgres_and_stops_it_on_sigterm()
    {
        using var service = ServiceProcess.Start(_workingDirectory);

        await service.WaitUntilOkAsync("/health/ready", TimeSpan.FromMinutes(2));
        await service.WaitUntilOkAsync("/health/live", TimeSpan.FromSeconds(10));

        var pidFile = File.ReadAllLines(Path.Combine(ClusterDirectory, "postmaster.pid"));
        var postmaster = int.Parse(pidFile[0], CultureInfo.InvariantCulture);
        var postgresPort = int.Parse(pidFile[3], CultureInfo.InvariantCulture);
        ServiceProcess.IsAlive(postmaster).ShouldBeTrue();

        service.Terminate();

        service.WaitForExit(TimeSpan.FromSeconds(60)).ShouldBeTrue($"the service did not stop on SIGTERM\n{service.Output}");
        service.ExitCode.ShouldBe(0, service.Output);
        File.Exists(Path.Combine(ClusterDirectory, "postmaster.pid")).ShouldBeFalse();
        ServiceProcess.IsAlive(postmaster).ShouldBeFalse();
        using var client = new TcpClient();
        Should.Throw<SocketException>(() => client.Connect("127.0.0.1", postgresPort))
            .SocketErrorCode.ShouldBe(SocketError.ConnectionRefused);
    }

    [Fact]
    public async Task the_first_run_serves_the_seeded_case_over_http_and_a_second_run_keeps_the_record_and_appends_nothing()
    {
        var first = await RunAndReadKamalAsync();
        first.GetProperty("statusLine").GetString().ShouldBe("Senator — resignation tendered (contested)");
        first.GetProperty("openContradictions").GetInt32().ShouldBeGreaterThanOrEqualTo(1);

        var second = await RunAndReadKamalAsync();
        second.GetProperty("version").GetInt64().ShouldBe(first.GetProperty("version").GetInt64(), "the second start appended to the seeded record");
        second.GetProperty("lastSequence").GetInt64().ShouldBe(first.GetProperty("lastSequence").GetInt64());
        second.GetProperty("lastRecordedAt").GetString().ShouldBe(first.GetProperty("lastRecordedAt").GetString());
    }

    private async Task<JsonElement> RunAndReadKamalAsync()
    {
        using var service = ServiceProcess.Start(_workingDirectory);
        await service.WaitUntilOkAsync("/health/ready", TimeSpan.FromMinutes(2));
        using var http = service.CreateClient();
        using var response = await http.GetAsync("/api/people/mustafa-kamal");
        var text = await response.Content.ReadAsStringAsync();
        response.StatusCode.ShouldBe(System.Net.HttpStatusCode.OK, text);

        service.Terminate();
        service.WaitForExit(TimeSpan.FromSeconds(60)).ShouldBeTrue(service.Output);
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    [Fact]
    public void without_postgres_binaries_the_service_exits_at_once_with_one_clear_line()
    {
        var emptyBin = Directory.CreateDirectory(Path.Combine(_workingDirectory, "empty-bin")).FullName;
        using var service = ServiceProcess.Start(_workingDirectory, new Dictionary<string, string> { [EmbeddedPostgres.BinDirectoryVariable] = emptyBin });

        service.WaitForExit(TimeSpan.FromSeconds(30)).ShouldBeTrue($"the service kept running without PostgreSQL\n{service.Output}");

        service.ExitCode.ShouldBe(DatabaseSetup.PostgresUnavailableExitCode, service.Output);
        var errors = service.StandardError.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        errors.ShouldContain(line => line.StartsWith("No PostgreSQL found", StringComparison.Ordinal), service.Output);
        service.Output.ShouldNotContain("   at ", Case.Sensitive, "a stack trace was printed");
        Directory.Exists(ClusterDirectory).ShouldBeFalse();
    }

    public void Dispose()
    {
        // A failed test may leave the service's postmaster behind; it is not a child of the service, so stop it here.
        var pidFile = Path.Combine(ClusterDirectory, "postmaster.pid");
        if (File.Exists(pidFile) && int.TryParse(File.ReadLines(pidFile).FirstOrDefault(), CultureInfo.InvariantCulture, out var postmaster)
            && ServiceProcess.IsAlive(postmaster))
        {
            ServiceProcess.Signal(postmaster, "QUIT");
        }

        TestDirectories.Delete(_workingDirectory);
    }
}
