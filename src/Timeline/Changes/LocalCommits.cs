using Marten;
using Marten.Services;

namespace Timeline.Changes;

/// <summary>
/// Advances the version cache from this node's own commits before the write answers, so a client that wrote here is
/// never answered 304 for the version before its write while the database's notification is still on its way.
/// </summary>
public sealed class LocalCommits(StreamVersions versions) : DocumentSessionListenerBase
{
    public override Task AfterCommitAsync(IDocumentSession session, IChangeSet commit, CancellationToken token)
    {
        foreach (var stream in commit.GetStreams())
        {
            if (stream.Key is { } key && stream.Version > 0) versions.Committed(key, stream.Version);
        }

        return Task.CompletedTask;
    }

    /// <summary>The same for a commit made without a Marten session (<see cref="People.EventWriter"/>).</summary>
    public void Committed(string stream, long version) => versions.Committed(stream, version);

    /// <summary>The stream's version as this node last heard it committed, while that can be trusted.</summary>
    public bool TryGetVersion(string stream, out long version) => versions.TryGet(stream, out version);
}
