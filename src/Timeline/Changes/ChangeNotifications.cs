using System.Globalization;
using Npgsql;
using Timeline.Hosting;

namespace Timeline.Changes;

/// <summary>
/// The node's one LISTEN connection. Database triggers (see <see cref="ChangeTriggers"/>) notify on every committed
/// append, whoever wrote it, and on every projection progress; this service turns those into wake-ups for long polls,
/// server-sent events and read-your-writes, and keeps <see cref="StreamVersions"/> current.
/// </summary>
public sealed class ChangeNotifications(
    NpgsqlDataSource dataSource, ChangeTriggers triggers, StreamVersions versions, DaemonWakeup daemon, TimeProvider time, ILogger<ChangeNotifications> logger)
    : BackgroundService
{
    /// <summary>A connection silent this long is checked with a round trip, so a dead one is found within about twice this.</summary>
    public static readonly TimeSpan KeepAlive = TimeSpan.FromSeconds(5);

    private static readonly TimeSpan ReconnectDelay = TimeSpan.FromSeconds(1);

    private TaskCompletionSource _progress = NewSignal();
    private int _failures;

    public bool Connected { get; private set; }

    /// <summary>Completes at the next projection progress (or reconnect, after which anything may have moved).</summary>
    public Task NextProgress => Volatile.Read(ref _progress).Task;

    /// <summary>How many times the listener has connected; a reconnect after a break increments it.</summary>
    public int Connections { get; private set; }

    /// <summary>The PostgreSQL backend of the current LISTEN connection.</summary>
    public int ListenerProcessId { get; private set; }

    protected override async Task ExecuteAsync(CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            try
            {
                await ListenAsync(ct);
            }
            catch (Exception ex) when (!ct.IsCancellationRequested)
            {
                // Once per outage at warning level: the database may stay away for a while.
                logger.Log(_failures++ == 0 ? LogLevel.Warning : LogLevel.Debug,
                    "Change listener lost its connection ({Message}); 304s and wake-ups come from the database until it is back", ex.Message);
            }
            finally
            {
                Disconnected();
            }

            try
            {
                await Task.Delay(ReconnectDelay, time, ct);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }
    }

    private async Task ListenAsync(CancellationToken ct)
    {
        await triggers.EnsureAsync(ct);
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        connection.Notification += (_, e) => OnNotification(e.Channel, e.Payload);
        await using (var listen = new NpgsqlCommand($"set application_name = 'timeline-listener'; LISTEN {triggers.StreamsChannel}; LISTEN {triggers.ProgressChannel};", connection))
        {
            await listen.ExecuteNonQueryAsync(ct);
        }

        // Only from here on is every commit heard; whatever was cached before cannot be trusted.
        versions.Trust();
        ListenerProcessId = connection.ProcessID;
        Connections++;
        Connected = true;
        Pulse();
        daemon.Pulse();
        logger.LogInformation("Change listener connected");
        _failures = 0;

        while (!ct.IsCancellationRequested)
        {
            if (!await connection.WaitAsync(KeepAlive, ct))
            {
                await using var ping = new NpgsqlCommand("select 1", connection);
                await ping.ExecuteScalarAsync(ct);
            }

            versions.Heartbeat();
        }
    }

    private void Disconnected()
    {
        Connected = false;
        versions.Distrust();
        Pulse();
    }

    private void OnNotification(string channel, string payload)
    {
        var parts = payload.Split(' ');
        if (parts.Length < 2 || !long.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var number)) return;
        if (channel == triggers.StreamsChannel)
        {
            var sequence = parts.Length > 2 && long.TryParse(parts[2], NumberStyles.None, CultureInfo.InvariantCulture, out var seq) ? seq : 0;
            Telemetry.Appended();
            versions.Advanced(parts[0], number, sequence);
            daemon.Pulse();
        }
        else
        {
            if (parts[0] == FeedShard) StreamVersions.InterlockedMax(ref _feedHead, number);
            Pulse();
        }
    }

    private const string FeedShard = ChangeFeedSubscription.Shard;

    private long _feedHead;

    /// <summary>The furthest position of the changes feed this node has heard of.</summary>
    public long FeedHead => Interlocked.Read(ref _feedHead);

    private void Pulse() => Interlocked.Exchange(ref _progress, NewSignal()).TrySetResult();

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}
