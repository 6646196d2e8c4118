using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using JasperFx.Events;
using Marten;
using Timeline.Hosting;

namespace Timeline.People;

/// <summary>
/// Group commit: appends to different people that are ready at the same time share one transaction, so they share
/// its round trips and its WAL flush. Each append keeps its own version check; nobody is answered before the commit.
/// When a shared commit fails, each of its appends is committed again on its own, so one append's lost race or
/// refused key cannot fail the others.
/// </summary>
internal sealed class GroupCommit
{
    // One transaction in flight: the appends that arrive meanwhile make the next one larger, and a larger group shares
    // its statements, round trips and WAL flush among more appends (two in flight made groups of 2.3 at 8 clients, one 4).
    private const int MaxCommitters = 1;
    private const int MaxBatch = 64;

    private static readonly ConditionalWeakTable<IDocumentStore, GroupCommit> PerStore = [];

    private readonly EventWriter _writer;
    private readonly ConcurrentQueue<Job> _queue = new();
    private int _committers;

    private GroupCommit(IDocumentStore store) => _writer = EventWriter.For(store);

    public static GroupCommit For(IDocumentStore store) => PerStore.GetValue(store, s => new GroupCommit(s));

    /// <summary>Commits the append, alone or with others; returns its last event as committed.</summary>
    public Task<IEvent> CommitAsync(StreamWrite append)
    {
        var job = new Job(append);
        _queue.Enqueue(job);
        TryStartCommitter();
        return job.Done.Task;
    }

    private void TryStartCommitter()
    {
        while (true)
        {
            var running = Volatile.Read(ref _committers);
            if (running >= MaxCommitters) return;
            if (Interlocked.CompareExchange(ref _committers, running + 1, running) != running) continue;
            _ = Task.Run(CommitWhileQueuedAsync);
            return;
        }
    }

    private async Task CommitWhileQueuedAsync()
    {
        try
        {
            var batch = new List<Job>(MaxBatch);
            while (true)
            {
                batch.Clear();
                while (batch.Count < MaxBatch && _queue.TryDequeue(out var job)) batch.Add(job);
                if (batch.Count == 0) break;
                await CommitBatchAsync(batch);
            }
        }
        finally
        {
            Interlocked.Decrement(ref _committers);
        }

        // An append queued after the last look but before the count went down would otherwise wait for the next one.
        if (!_queue.IsEmpty) TryStartCommitter();
    }

    private async Task CommitBatchAsync(List<Job> batch)
    {
        if (batch.Count > 1)
        {
            try
            {
                var committed = await SaveAsync(batch);
                for (var i = 0; i < batch.Count; i++) batch[i].Done.TrySetResult(committed[i]);
                return;
            }
            catch (Exception ex) when (DatabaseOutage.IsUnavailable(ex))
            {
                foreach (var job in batch) job.Done.TrySetException(ex);
                return;
            }
            catch (Exception)
            {
                // Which append failed is unknown: each goes again alone and gets its own answer.
            }
        }

        foreach (var job in batch)
        {
            try
            {
                job.Done.TrySetResult((await SaveAsync([job]))[0]);
            }
            catch (Exception ex)
            {
                job.Done.TrySetException(ex);
            }
        }
    }

    private async Task<IEvent[]> SaveAsync(IReadOnlyList<Job> jobs)
    {
        var stored = await _writer.WriteAsync(jobs.Select(j => j.Append).ToArray(), CancellationToken.None, keep: true);
        return stored.Select(events => events[^1]).ToArray();
    }

    private sealed class Job(StreamWrite append)
    {
        public StreamWrite Append { get; } = append;
        public TaskCompletionSource<IEvent> Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
