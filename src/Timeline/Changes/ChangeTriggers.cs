using Marten;
using Npgsql;

namespace Timeline.Changes;

/// <summary>
/// Triggers that make PostgreSQL announce commits itself, so every writer is covered: this node, another node, the
/// seeder, a bulk import, psql. NOTIFY is delivered at commit, never for a rolled-back transaction.
/// </summary>
public sealed class ChangeTriggers(IDocumentStore store, NpgsqlDataSource dataSource) : IDisposable
{
    public const string AllStreams = "*";

    private readonly string _schema = store.Options.Events.DatabaseSchemaName;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private bool _installed;

    /// <summary>Payload "stream version": the stream's highest version in the committing statement.</summary>
    public string StreamsChannel => $"{_schema}_streams";

    /// <summary>Payload "shard sequence": an async projection (or the high-water mark) moved.</summary>
    public string ProgressChannel => $"{_schema}_progress";

    public void Dispose() => _gate.Dispose();

    public async Task EnsureAsync(CancellationToken ct)
    {
        if (_installed) return;
        await _gate.WaitAsync(ct);
        try
        {
            if (_installed) return;
            await store.Storage.ApplyAllConfiguredChangesToDatabaseAsync();
            await using var command = dataSource.CreateCommand(Sql());
            await command.ExecuteNonQueryAsync(ct);
            _installed = true;
        }
        finally
        {
            _gate.Release();
        }
    }

    private string Sql() => $"""
        select pg_advisory_xact_lock(hashtext('{_schema}.timeline_notify'));
        create or replace function {_schema}.timeline_notify_appends() returns trigger language plpgsql as $$
        begin
          perform pg_notify('{StreamsChannel}', s.stream_id || ' ' || s.version)
            from (select stream_id, max(version) as version from appended group by stream_id) s;
          return null;
        end $$;
        create or replace function {_schema}.timeline_notify_truncate() returns trigger language plpgsql as $$
        begin
          perform pg_notify('{StreamsChannel}', '{AllStreams} 0');
          return null;
        end $$;
        create or replace function {_schema}.timeline_notify_progress() returns trigger language plpgsql as $$
        begin
          perform pg_notify('{ProgressChannel}', new.name || ' ' || new.last_seq_id);
          return null;
        end $$;
        drop trigger if exists timeline_notify_appends on {_schema}.mt_events;
        create trigger timeline_notify_appends after insert on {_schema}.mt_events
          referencing new table as appended for each statement execute function {_schema}.timeline_notify_appends();
        drop trigger if exists timeline_notify_truncate on {_schema}.mt_events;
        create trigger timeline_notify_truncate after truncate on {_schema}.mt_events
          for each statement execute function {_schema}.timeline_notify_truncate();
        drop trigger if exists timeline_notify_progress_insert on {_schema}.mt_event_progression;
        create trigger timeline_notify_progress_insert after insert on {_schema}.mt_event_progression
          for each row execute function {_schema}.timeline_notify_progress();
        drop trigger if exists timeline_notify_progress_update on {_schema}.mt_event_progression;
        create trigger timeline_notify_progress_update after update on {_schema}.mt_event_progression
          for each row when (new.last_seq_id is distinct from old.last_seq_id) execute function {_schema}.timeline_notify_progress();
        """;
}
