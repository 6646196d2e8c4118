using System.Net;
using System.Text.Json;
using Shouldly;
using Timeline.Hosting;
using Timeline.Tests.Hosting;
using Timeline.Tests.Infrastructure;
using Timeline.Tests.Record;
using Xunit;

namespace Timeline.Tests.Faults;

/// <summary>
/// PostgreSQL crashes (immediate shutdown) under a running service while writers append: every answer comes within a
/// bound and is a 2xx or a 503 problem+json with Retry-After; once PostgreSQL is back the service takes writes again by
/// itself, and every acknowledged claim is stored.
/// </summary>
public sealed class PostgresCrashTests(ITestOutputHelper output) : IAsyncLifetime
{
    private static readonly string[] People = ["crash-a", "crash-b", "crash-c"];
    private static readonly TimeSpan Start = TimeSpan.FromMinutes(2);
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(60);

    // The connection timeout plus room for a loaded machine: no request may hang until its client gives up.
    private static readonly TimeSpan AnswerBound = TimeSpan.FromSeconds(DatabaseOutage.ConnectTimeoutSeconds + 10);

    private readonly string _directory = TestDirectories.Create("faults-crash");
    private PrivateCluster _database = null!;

    public async ValueTask InitializeAsync() => _database = await PrivateCluster.StartAsync(Path.Combine(_directory, "db"), durable: true);

    [Fact]
    public async Task a_postgres_crash_under_appends_answers_only_2xx_or_503_in_bounded_time_and_the_service_recovers_with_nothing_lost()
    {
        using var service = ServiceProcess.Start(_directory, Rig.NodeEnvironment(_database.ConnectionString, "crash-node"));
        await service.WaitUntilOkAsync("/health/ready", Start);
        using var http = service.CreateClient(TimeSpan.FromSeconds(30));
        var sourceId = await Rig.GivenPeopleAndSourceAsync(http, People);

        // The clients wait far longer than the bound, so a hang shows as a slow answer, not as the client giving up.
        var clients = Enumerable.Range(0, 4).Select(_ => service.CreateClient(TimeSpan.FromSeconds(120))).ToList();
        try
        {
            await using var load = Writers.Start([.. clients.Select(c => ("crash-node", c))], People, sourceId);
            await Rig.WaitUntilAsync(() => Task.FromResult(load.AcknowledgedCount() >= 20), Bound, "the writers got no 20 acknowledgements");

            var crashedAt = DateTimeOffset.UtcNow;
            await _database.CrashAsync(Bound);
            await Rig.WaitUntilAsync(() => Task.FromResult(load.Attempts.Count(a => a.StartedAt > crashedAt && a.Status == HttpStatusCode.ServiceUnavailable) >= 8),
                Bound, "no 503s while PostgreSQL was down");
            using (var ready = await http.GetAsync("/health/ready", Rig.Ct)) ready.StatusCode.ShouldBe(HttpStatusCode.ServiceUnavailable);

            var restartedAt = DateTimeOffset.UtcNow;
            await _database.RestartAsync();
            var recovery = await Rig.WaitUntilAsync(() => Task.FromResult(load.AcknowledgedCount(a => a.StartedAt > restartedAt) >= 12), Bound,
                "the service took no 12 writes after PostgreSQL came back");
            output.WriteLine($"writes acknowledged again {recovery.TotalSeconds:0.0} s after PostgreSQL was back");
            await load.StopAsync();

            var attempts = load.Attempts;
            attempts.Where(a => a.Error is not null).Select(a => a.Error).ShouldBeEmpty("every request gets an answer");
            attempts.Where(a => a.Elapsed > AnswerBound).Select(a => $"{a.Status} after {a.Elapsed}").ShouldBeEmpty("answers slower than the bound");
            foreach (var refused in attempts.Where(a => !a.Acknowledged))
            {
                refused.Status.ShouldBe(HttpStatusCode.ServiceUnavailable, refused.Body);
                refused.ContentType.ShouldBe(RecordApi.ProblemJson, refused.Body);
                refused.RetryAfter.ShouldNotBeNullOrEmpty(refused.Body);
                JsonDocument.Parse(refused.Body).RootElement.GetProperty("status").GetInt32().ShouldBe(503);
            }

            output.WriteLine($"503s: {attempts.Count(a => !a.Acknowledged)}, slowest answer {attempts.Max(a => a.Elapsed).TotalSeconds:0.00} s");
            var stored = await Rig.StoredEventsAsync(_database.ConnectionString, People);
            Rig.CheckNothingLostOrDuplicated(attempts, stored, output);
            await Rig.CheckViewsCaughtUpAsync(http, People, stored, Bound);
        }
        finally
        {
            clients.ForEach(c => c.Dispose());
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _database.DisposeAsync();
        TestDirectories.Delete(_directory);
    }
}
