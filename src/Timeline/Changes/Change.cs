using JasperFx.Events;
using JasperFx.Events.Daemon;
using JasperFx.Events.Projections;
using Marten;
using Marten.Subscriptions;
using Npgsql;
using Timeline.Claims;
using Timeline.People;

namespace Timeline.Changes;

/// <summary>One entry of the changes feed. <see cref="Id"/> is the event's global sequence: the feed's cursor.</summary>
public sealed record Change(long Id, string Person, Guid? ClaimId, string Kind, long Version, DateTimeOffset RecordedAt)
{
    /// <summary>The views this change may have altered, as the URLs a dashboard re-reads; derived, so not stored.</summary>
    public IReadOnlyList<string> Views => ClaimId is { } id
        ? [$"/api/people/{Person}", $"/api/people/{Person}/timeline", $"/api/people/{Person}/events",
            $"/api/claims/{id}", $"/api/claims?person={Person}", $"/api/contradictions?person={Person}"]
        : [$"/api/people/{Person}", $"/api/people/{Person}/timeline", $"/api/people/{Person}/events"];
}

public static class ChangeKinds
{
    public const string PersonRegistered = "person-registered";
    public const string ClaimAppended = "claim-appended";
    public const string ClaimRuled = "claim-ruled";
    public const string ClaimRetracted = "claim-retracted";
    public const string ClaimAmended = "claim-amended";

    public static readonly IReadOnlyList<string> All = [PersonRegistered, ClaimAppended, ClaimRuled, ClaimRetracted, ClaimAmended];

    /// <summary>
    /// The feed entry an event type makes and where its event keeps the claim id (null: no claim); kind null for an event no
    /// dashboard needs to hear about.
    /// </summary>
    public static (string? Kind, string? ClaimIdPath) Of(Type eventType) => eventType switch
    {
        _ when eventType == typeof(Timeline.People.PersonRegistered) => (PersonRegistered, null),
        _ when typeof(IClaimEvent).IsAssignableFrom(eventType) => (ClaimAppended, "claim,claimId"),
        _ when eventType == typeof(ClaimRuled) => (ClaimRuled, "claimId"),
        _ when eventType == typeof(ClaimRetracted) => (ClaimRetracted, "claimId"),
        _ when typeof(IClaimAmendment).IsAssignableFrom(eventType) => (ClaimAmended, "claimId"),
        _ => (null, null),
    };
}

/// <summary>
/// Writes the changes feed under the async daemon, which hands over only ranges of sequences below Marten's high-water
/// mark and commits each range's rows with its progress. Rows therefore appear in sequence order with no gaps a later
/// commit could fill, so a reader paging on <see cref="Change.Id"/> never skips or repeats. The rows are made in one
/// statement per range from <c>mt_events</c> itself, so the daemon never loads or deserialises the events: loading them
/// took a quarter of the machine while a bulk import ran. Its filter names registrations, which are few, only so that it
/// loads next to nothing; the statement covers every event of the range.
/// </summary>
public sealed class ChangeFeedSubscription : SubscriptionBase
{
    public const string ProjectionName = "Changes";

    private (string Sql, object[] Kinds)? _insert;

    public ChangeFeedSubscription()
    {
        Name = ProjectionName;
        IncludeType<PersonRegistered>();
    }

    public override Task<IChangeListener> ProcessEventsAsync(
        EventRange page, ISubscriptionController controller, IDocumentOperations operations, CancellationToken cancellationToken)
    {
        // Marten's placeholder is '?'.
        var (sql, kinds) = _insert ??= Insert(operations.DocumentStore, _ => "?");
        operations.QueueSqlCommand(sql, [.. kinds, page.SequenceFloor, page.SequenceCeiling]);
        return Task.FromResult(NullChangeListener.Instance);
    }

    /// <summary>
    /// Makes the feed's rows again from the events, up to where the daemon has taken it (for <c>projections rebuild</c>);
    /// returns how many. The daemon's next range comes after it and skips rows already there.
    /// </summary>
    public static async Task<int> RebuildAsync(IDocumentStore store, CancellationToken ct)
    {
        var (sql, kinds) = Insert(store, n => $"${n}");
        var schema = store.Options.Events.DatabaseSchemaName;
        await using var connection = store.Storage.Database.CreateConnection();
        await connection.OpenAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        // Holds the shard's progress row, so a daemon still running waits for this instead of moving on meanwhile.
        await using var progress = new NpgsqlCommand($"select last_seq_id from {schema}.mt_event_progression where name = $1 for update", connection, transaction);
        progress.Parameters.Add(new NpgsqlParameter<string> { TypedValue = $"{ProjectionName}:All" });
        var ceiling = await progress.ExecuteScalarAsync(ct) is long at ? at : 0L;
        await using (var delete = new NpgsqlCommand($"delete from {store.Options.DatabaseSchemaName}.mt_doc_change", connection, transaction))
        {
            await delete.ExecuteNonQueryAsync(ct);
        }

        await using var insert = new NpgsqlCommand(sql, connection, transaction);
        foreach (var value in kinds.Append(0L).Append(ceiling)) insert.Parameters.Add(new NpgsqlParameter { Value = value });
        var rows = await insert.ExecuteNonQueryAsync(ct);
        await transaction.CommitAsync(ct);
        return rows;
    }

    /// <summary>
    /// The statement that writes the rows of the events in a range of sequences, and its first parameters (the event types
    /// by kind, by the store's own names: a new claim type joins the feed with its entry in ClaimsSetup); the range's floor
    /// (exclusive) and ceiling follow them.
    /// </summary>
    private static (string Sql, object[] Kinds) Insert(IDocumentStore store, Func<int, string> parameter)
    {
        var events = ((DocumentStore)store).Events;
        var kinds = ClaimsSetup.EventTypes.Append(typeof(PersonRegistered))
            .Select(type => (Type: events.EventMappingFor(type).EventTypeName, Mapping: ChangeKinds.Of(type)))
            .Where(e => e.Mapping.Kind is not null).ToArray();
        object[] values = [kinds.Select(k => k.Type).ToArray(), kinds.Select(k => k.Mapping.Kind!).ToArray(), kinds.Select(k => k.Mapping.ClaimIdPath ?? "").ToArray()];
        // The JSON is the Change record's own shape (camelCase, as the store serialises it), the instant in UTC.
        var sql = $$"""
            insert into {{store.Options.DatabaseSchemaName}}.mt_doc_change (id, data, mt_dotnet_type, mt_last_modified)
            select e.seq_id, jsonb_build_object(
                'id', e.seq_id, 'person', e.stream_id, 'claimId', c.claim_id, 'kind', k.kind, 'version', e.version,
                'recordedAt', to_char(e.timestamp at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"+00:00"')),
                '{{typeof(Change).FullName}}', transaction_timestamp()
            from {{store.Options.Events.DatabaseSchemaName}}.mt_events as e
            join unnest({{parameter(1)}}::varchar[], {{parameter(2)}}::varchar[], {{parameter(3)}}::varchar[]) as k(type, kind, claim_path) on k.type = e.type
            cross join lateral (select case when k.claim_path = '' then null else e.data #>> string_to_array(k.claim_path, ',') end as claim_id) as c
            where e.seq_id > {{parameter(4)}} and e.seq_id <= {{parameter(5)}} and not e.is_archived
            on conflict (id) do nothing
            """;
        return (sql, values);
    }
}
