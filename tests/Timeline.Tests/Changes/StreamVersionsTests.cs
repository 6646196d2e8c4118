using Shouldly;
using Timeline.Changes;
using Xunit;

namespace Timeline.Tests.Changes;

/// <summary>The rules that keep the in-memory versions behind 304s from ever being stale.</summary>
public sealed class StreamVersionsTests
{
    private static StreamVersions Listening()
    {
        var versions = new StreamVersions(TimeProvider.System);
        versions.Trust();
        return versions;
    }

    [Fact]
    public void a_version_read_from_the_database_is_served_while_the_listener_stays_connected()
    {
        var versions = Listening();
        versions.Fill(versions.BeginFill(), "kamal", 4);
        versions.TryGet("kamal", out var version).ShouldBeTrue();
        version.ShouldBe(4);
    }

    [Fact]
    public void nothing_is_served_before_the_listener_connects_or_after_it_breaks()
    {
        var versions = new StreamVersions(TimeProvider.System);
        versions.Fill(versions.BeginFill(), "kamal", 4);
        versions.TryGet("kamal", out _).ShouldBeFalse();

        versions.Trust();
        versions.Fill(versions.BeginFill(), "kamal", 4);
        versions.Distrust();
        versions.TryGet("kamal", out _).ShouldBeFalse();
        versions.Trust();
        versions.TryGet("kamal", out _).ShouldBeFalse("a version from before the break may have missed a notification");
    }

    [Fact]
    public void a_fill_begun_before_a_break_is_refused_after_it()
    {
        var versions = Listening();
        var token = versions.BeginFill();
        versions.Distrust();
        versions.Trust();
        versions.Fill(token, "kamal", 4);
        versions.TryGet("kamal", out _).ShouldBeFalse();
    }

    [Fact]
    public void a_notification_is_never_overwritten_by_an_older_read()
    {
        var versions = Listening();
        var token = versions.BeginFill();
        versions.Advanced("kamal", 6, 100);
        versions.Fill(token, "kamal", 5);
        versions.TryGet("kamal", out var version).ShouldBeTrue();
        version.ShouldBe(6);
        versions.HeardSequence.ShouldBe(100);
    }

    [Fact]
    public void a_local_commit_advances_the_version_and_a_read_begun_before_it_cannot_take_it_back()
    {
        var versions = Listening();
        versions.Fill(versions.BeginFill(), "kamal", 4);
        var token = versions.BeginFill();
        versions.Committed("kamal", 5);
        versions.TryGet("kamal", out var version).ShouldBeTrue();
        version.ShouldBe(5);
        versions.Fill(token, "kamal", 4);
        versions.TryGet("kamal", out version).ShouldBeTrue();
        version.ShouldBe(5);
    }

    [Fact]
    public void a_truncated_event_store_forgets_every_version()
    {
        var versions = Listening();
        versions.Fill(versions.BeginFill(), "kamal", 4);
        versions.Advanced(ChangeTriggers.AllStreams, 0, 0);
        versions.TryGet("kamal", out _).ShouldBeFalse();
    }
}
