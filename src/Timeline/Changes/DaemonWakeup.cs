using JasperFx.Events.Daemon.HighWater;

namespace Timeline.Changes;

/// <summary>
/// Wakes the async daemon's high-water agent from the node's one listener (<see cref="ChangeNotifications"/>) as soon as
/// an append commits, so the feed and the async views follow within milliseconds instead of a polling interval.
/// </summary>
public sealed class DaemonWakeup : IDaemonWakeup, IDisposable
{
    private readonly SemaphoreSlim _signal = new(0, 1);

    public async Task WaitAsync(TimeSpan timeout, CancellationToken token)
    {
        try
        {
            await _signal.WaitAsync(timeout, token);
        }
        catch (OperationCanceledException) when (token.IsCancellationRequested)
        {
            // The daemon is stopping; it checks its own token.
        }
    }

    /// <summary>Sticky: an append that lands between two waits still wakes the next one.</summary>
    public void Pulse()
    {
        try
        {
            if (_signal.CurrentCount == 0) _signal.Release();
        }
        catch (SemaphoreFullException)
        {
            // Already signalled.
        }
    }

    public void Dispose() => _signal.Dispose();
}
