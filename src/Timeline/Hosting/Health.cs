using JasperFx.Events.Projections;
using System.Collections.Concurrent;
using JasperFx.Events.Daemon;
using Marten;
using Marten.Storage;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Npgsql;
using Timeline.Changes;

namespace Timeline.Hosting;

/// <summary>Ready when the database answers.</summary>
public sealed class DatabaseHealthCheck(NpgsqlDataSource dataSource) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken ct = default)
    {
        try
        {
            await using var command = dataSource.CreateCommand("select 1");
            await command.ExecuteScalarAsync(ct);
            return HealthCheckResult.Healthy("database reachable");
        }
        catch (Exception ex) when (ex is NpgsqlException or TimeoutException or InvalidOperationException)
        {
            return HealthCheckResult.Unhealthy("database unreachable", ex);
        }
    }
}

/// <param name="FailedAt">The sequence of the event the projection failed on, when it stopped on one.</param>
public sealed record ProjectionLag(
    string Name, string Status, long Position, long LagEvents, double LagSeconds, string? AgentStatus, long? FailedAt, string? Error);

/// <summary>
/// Each async projection's position against the newest committed event. A projection is unhealthy when the daemon
/// stopped or paused it (a poisoned event, named by its sequence) or when it is behind and has not moved for
/// <see cref="StallAfter"/>: busy is fine, stuck is not.
/// </summary>
public sealed class ProjectionHealthCheck : IHealthCheck, IObserver<ShardState>, IDisposable
{
    public static readonly TimeSpan StallAfter = TimeSpan.FromSeconds(60);

    private readonly IDocumentStore _store;
    private readonly NpgsqlDataSource _dataSource;
    private readonly TimeProvider _time;
    private readonly ILogger<ProjectionHealthCheck> _logger;
    private readonly IDisposable? _subscription;
    private readonly Dictionary<string, (long Position, DateTimeOffset Since)> _lastMoved = [];
    private readonly ConcurrentDictionary<string, (long Sequence, string Error)> _failures = new();
    private IReadOnlyList<ProjectionLag> _latest = [];

    public ProjectionHealthCheck(IDocumentStore store, NpgsqlDataSource dataSource, TimeProvider time, ILogger<ProjectionHealthCheck> logger)
    {
        _store = store;
        _dataSource = dataSource;
        _time = time;
        _logger = logger;
        // The daemon restarts a paused shard, which fails again: remember the failure until the shard gets past it.
        _subscription = (store.Storage.Database as IMartenDatabase)?.Tracker?.Subscribe(this);
        Telemetry.ObserveLag(this);
    }

    public void OnNext(ShardState value)
    {
        if (value.Action is not (ShardAction.Paused or ShardAction.Stopped) || value.Exception is null) return;
        var sequence = value.Failure?.Event?.Sequence ?? (value.Exception as ApplyEventException)?.Event?.Sequence;
        if (sequence is not { } at) return;
        var error = value.Failure?.Message ?? value.Exception.InnerException?.Message ?? value.Exception.Message;
        _failures[value.ShardName] = (at, error);
        _logger.LogError("Projection {Projection} stopped on event {Sequence}: {Error}", value.ShardName, at, error);
    }

    public void OnError(Exception error)
    {
    }

    public void OnCompleted()
    {
    }

    public void Dispose()
    {
        Telemetry.StopObservingLag(this);
        _subscription?.Dispose();
    }

    public IReadOnlyList<ProjectionLag> Latest => Volatile.Read(ref _latest);

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken ct = default)
    {
        IReadOnlyList<ProjectionLag> lags;
        try
        {
            lags = await MeasureAsync(ct);
        }
        catch (Exception ex) when (ex is NpgsqlException or TimeoutException or InvalidOperationException)
        {
            return HealthCheckResult.Unhealthy("projection progress unreadable", ex);
        }

        var data = lags.ToDictionary(l => l.Name, l => (object)l);
        var bad = lags.Where(l => l.Status != "healthy").ToList();

        return bad.Count == 0
            ? HealthCheckResult.Healthy($"{lags.Count} async projection(s) keeping up", data)
            : HealthCheckResult.Unhealthy(string.Join("; ", bad.Select(b => b.FailedAt is { } at
                ? $"{b.Name} {b.Status} at event {at}: {b.Error}"
                : $"{b.Name} {b.Status} {b.LagEvents} events behind")), data: data);
    }

    public async Task<IReadOnlyList<ProjectionLag>> MeasureAsync(CancellationToken ct)
    {
        var schema = _store.Options.Events.DatabaseSchemaName;
        var progress = await _store.Advanced.AllProjectionProgress(token: ct);
        long head;
        await using (var command = _dataSource.CreateCommand($"select coalesce(max(seq_id), 0) from {schema}.mt_events"))
        {
            head = (long)(await command.ExecuteScalarAsync(ct))!;
        }

        var now = _time.GetUtcNow();
        var lags = new List<ProjectionLag>();
        foreach (var name in ProjectionProgress.AsyncShardNames(_store))
        {
            var state = progress.FirstOrDefault(p => p.ShardName == name);
            var position = state?.Sequence ?? 0;
            var behind = Math.Max(0, head - position);
            var seconds = 0d;
            if (behind > 0)
            {
                await using var oldest = _dataSource.CreateCommand($"select min(timestamp) from {schema}.mt_events where seq_id > $1");
                oldest.Parameters.AddWithValue(position);
                if (await oldest.ExecuteScalarAsync(ct) is DateTime at) seconds = Math.Max(0, (now - new DateTimeOffset(at, TimeSpan.Zero)).TotalSeconds);
            }

            // A failure seen here (this node runs the daemon) or persisted by whichever node does.
            (long Sequence, string Error)? failure = _failures.TryGetValue(name, out var seen) ? seen
                : state?.Failure?.Event?.Sequence is { } persisted ? (persisted, state.Failure.Message ?? "") : null;
            if (failure is { } f && position >= f.Sequence)
            {
                _failures.TryRemove(name, out _);
                failure = null;
            }

            var status = failure is not null ? "failed" : Classify(name, state, position, behind, now);
            lags.Add(new ProjectionLag(name, status, position, behind, Math.Round(seconds, 3), state?.AgentStatus,
                failure?.Sequence, failure?.Error ?? state?.PauseReason));
        }

        Volatile.Write(ref _latest, lags);
        return lags;
    }

    private string Classify(string name, ShardState? state, long position, long behind, DateTimeOffset now)
    {
        if (state?.AgentStatus is "Paused" or "Stopped") return "failed";
        lock (_lastMoved)
        {
            if (!_lastMoved.TryGetValue(name, out var last) || last.Position != position || behind == 0) _lastMoved[name] = (position, now);
            return behind > 0 && now - _lastMoved[name].Since > StallAfter ? "stalled" : "healthy";
        }
    }
}

/// <summary>What /health/ready says about this node: its name and the async shards its daemon runs now.</summary>
/// <param name="Runs">Empty on a cold node; in HotCold mode exactly one node of a database runs every shard.</param>
public sealed record NodeStatus(string Name, string DaemonMode, IReadOnlyList<string> Runs);

/// <summary>This process's name among the nodes sharing a database, and which async work it holds.</summary>
public sealed class NodeIdentity(IConfiguration configuration, IDocumentStore store, IServiceProvider services)
{
    public const string NameKey = "Timeline:NodeName";

    public string Name { get; } = configuration[NameKey] is { Length: > 0 } name ? name : $"{Environment.MachineName}-{Environment.ProcessId}";

    public NodeStatus Status()
    {
        var mode = ((StoreOptions)store.Options).Projections.AsyncMode;
        // Asking the coordinator for its daemon does not make this node a leader; only its advisory lock does.
        var runs = services.GetService<IProjectionCoordinator>() is { } coordinator
            ? coordinator.DaemonForMainDatabase().CurrentAgents()
                // A paused shard (a poisoned event) is still this node's: no other node will run it.
                .Where(a => a.Status != JasperFx.AgentStatus.Stopped)
                .Select(a => a.Name.Identity).Order(StringComparer.Ordinal).ToList()
            : [];
        return new NodeStatus(Name, mode.ToString(), runs);
    }
}

public static class Health
{
    public static IServiceCollection AddTimelineHealth(this IServiceCollection services)
    {
        services.AddSingleton<ProjectionHealthCheck>();
        services.AddSingleton<NodeIdentity>();
        services.AddHealthChecks()
            .AddCheck<DatabaseHealthCheck>("database", tags: ["ready"], timeout: TimeSpan.FromSeconds(5))
            .AddCheck<ProjectionHealthCheck>("projections", tags: ["ready"], timeout: TimeSpan.FromSeconds(5));
        return services;
    }

    public static WebApplication MapTimelineHealth(this WebApplication app)
    {
        var projections = app.Services.GetRequiredService<ProjectionHealthCheck>();
        var node = app.Services.GetRequiredService<NodeIdentity>();
        app.MapHealthChecks("/health/live", new() { Predicate = _ => false });
        app.MapHealthChecks("/health/ready", new()
        {
            Predicate = c => c.Tags.Contains("ready"),
            ResponseWriter = (context, report) =>
            {
                context.Response.Headers.CacheControl = "no-store";
                return context.Response.WriteAsJsonAsync(new
                {
                    status = report.Status.ToString(),
                    checks = report.Entries.Select(e => new { name = e.Key, status = e.Value.Status.ToString(), description = e.Value.Description }),
                    projections = projections.Latest,
                    node = node.Status(),
                });
            },
        });
        return app;
    }
}
