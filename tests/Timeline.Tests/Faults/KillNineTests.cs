using System.Net;
using System.Net.Http.Json;
using Shouldly;
using Timeline.Tests.Hosting;
using Timeline.Tests.Infrastructure;
using Timeline.Tests.Record;
using Xunit;

namespace Timeline.Tests.Faults;

/// <summary>
/// kill -9 of the service (a real process) while writers append, then a restart: the acknowledged set is checked
/// against what PostgreSQL holds, and the views catch up with it.
/// </summary>
public sealed class KillNineTests(ITestOutputHelper output) : IAsyncLifetime
{
    private static readonly string[] People = ["kill-a", "kill-b", "kill-c"];
    private static readonly TimeSpan Start = TimeSpan.FromMinutes(2);
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(60);

    private readonly string _directory = TestDirectories.Create("faults-kill");
    private PrivateCluster _database = null!;

    public async ValueTask InitializeAsync() => _database = await PrivateCluster.StartAsync(Path.Combine(_directory, "db"));

    [Fact]
    public async Task kill_9_while_writers_append_loses_no_acknowledged_claim_duplicates_none_and_the_views_catch_up_after_restart()
    {
        Writers load;
        string sourceId;
        using (var first = ServiceProcess.Start(_directory, Rig.NodeEnvironment(_database.ConnectionString, "kill-first")))
        {
            var clock = System.Diagnostics.Stopwatch.StartNew();
            await first.WaitUntilOkAsync("/health/ready", Start);
            output.WriteLine($"ready after {clock.Elapsed.TotalSeconds:0.0} s");
            using var http = first.CreateClient(TimeSpan.FromSeconds(30));
            sourceId = await Rig.GivenPeopleAndSourceAsync(http, People);

            using var a = first.CreateClient(TimeSpan.FromSeconds(30));
            using var b = first.CreateClient(TimeSpan.FromSeconds(30));
            using var c = first.CreateClient(TimeSpan.FromSeconds(30));
            using var d = first.CreateClient(TimeSpan.FromSeconds(30));
            load = Writers.Start([("first", a), ("first", b), ("first", c), ("first", d)], People, sourceId);
            await Rig.WaitUntilAsync(() => Task.FromResult(load.AcknowledgedCount() >= 30), Bound, "the writers got no 30 acknowledgements");

            first.KillHard();
            await load.StopAsync();
        }

        var attempts = load.Attempts.ToList();
        attempts.Where(a => a.Status is { } s && !a.Acknowledged).ShouldBeEmpty("before the kill every append succeeds");

        using var second = ServiceProcess.Start(_directory, Rig.NodeEnvironment(_database.ConnectionString, "kill-second"));
        await second.WaitUntilOkAsync("/health/ready", Start);
        using var after = second.CreateClient(TimeSpan.FromSeconds(30));

        // The restarted service takes writes on the same streams, at the versions the crash left.
        var claimAfter = Guid.NewGuid();
        using (var append = await after.PostAsJsonAsync($"/api/people/{People[0]}/claims", RecordApi.Claim(sourceId, claimAfter), Rig.Ct))
        {
            append.StatusCode.ShouldBe(HttpStatusCode.Created, await append.Content.ReadAsStringAsync(Rig.Ct));
        }

        attempts.Add(new Attempt(claimAfter, People[0], "second", HttpStatusCode.Created, null, null, "", TimeSpan.Zero, null, DateTimeOffset.UtcNow));

        var stored = await Rig.StoredEventsAsync(_database.ConnectionString, People);
        var landed = Rig.CheckNothingLostOrDuplicated(attempts, stored, output);
        output.WriteLine($"claims cut by the kill that landed anyway: {landed}");
        await Rig.CheckViewsCaughtUpAsync(after, People, stored, Bound);
    }

    public async ValueTask DisposeAsync()
    {
        await _database.DisposeAsync();
        TestDirectories.Delete(_directory);
    }
}
