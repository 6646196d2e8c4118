using Shouldly;
using Timeline.Tests.Infrastructure;
using Xunit;

namespace Timeline.Tests.Faults;

/// <summary>/health/ready names the node and what async work it holds, so an operator can tell the leader apart.</summary>
public sealed class NodeStatusTests(AppFixture app) : ApiTest(app)
{
    [Fact]
    public async Task a_node_without_a_configured_name_is_its_host_and_process_and_alone_it_runs_every_async_shard()
    {
        var ready = (await Rig.ReadinessAsync(Http)).ShouldNotBeNull();
        var node = ready.GetProperty("node");
        // No Timeline:NodeName in the fixture: the rule's default, host name and process id (the host runs in this process).
        node.GetProperty("name").GetString().ShouldBe($"{Environment.MachineName}-{Environment.ProcessId}");
        node.GetProperty("daemonMode").GetString().ShouldBe("HotCold");

        // The only node on its schema wins the lock; the daemon may be restarting after the reset, so wait for it.
        await Rig.WaitUntilAsync(async () =>
        {
            if (await Rig.ReadinessAsync(Http) is not { } now) return false;
            var shards = now.GetProperty("projections").EnumerateArray().Select(p => p.GetProperty("name").GetString()!).Order(StringComparer.Ordinal);
            return shards.Any() && Rig.Runs(now).SequenceEqual(shards);
        }, TimeSpan.FromSeconds(30), "the single node did not run every async shard");
    }
}
