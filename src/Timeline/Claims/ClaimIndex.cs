using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using JasperFx.Events;
using Marten;
using Marten.Events;
using Marten.Events.Projections;
using Npgsql;
using Weasel.Postgresql.Tables;

namespace Timeline.Claims;

/// <summary>What finds a claim, and which later events amended it; optional filters are ANDed.</summary>
public sealed record ClaimFilter
{
    public IReadOnlyCollection<Guid>? Ids { get; init; }
    public string? PersonId { get; init; }
    public string? ClaimantKey { get; init; }
    public string? ClaimantPersonId { get; init; }
    public IReadOnlyCollection<string>? SourceIds { get; init; }
    public IReadOnlyCollection<string>? Types { get; init; }

    /// <summary>Only claims recorded after this global sequence.</summary>
    public long? After { get; init; }

    /// <summary>Only claims recorded at or before this global sequence.</summary>
    public long? UpTo { get; init; }

    public int? Limit { get; init; }
}

/// <summary>
/// The cross-person claims index: one narrow row per claim, with what finds it (id, person, claimant, source, proposition,
/// the sequence of its event) and the sequences of the events that amended it (retraction, rulings, notices). The claim's
/// content is never copied: a read joins the claim's event and folds its amendments (<see cref="ClaimRecord"/>). A copy
/// of every claim as a JSON document with six expression indexes cost more than the event itself (bench/README.md).
/// The table's name starts with Marten's prefix so that Marten's reset of a database empties it with the events.
/// </summary>
public sealed class ClaimIndex
{
    public const string TableName = "mt_claim_index";

    private static readonly ConditionalWeakTable<IDocumentStore, ClaimIndex> PerStore = [];
    private static readonly ConcurrentDictionary<string, Type> EventTypes = new(StringComparer.Ordinal);

    private readonly IDocumentStore _store;
    private readonly ISerializer _serializer;
    private readonly string _schema;

    private ClaimIndex(IDocumentStore store)
    {
        _store = store;
        _serializer = store.Options.Serializer();
        _schema = store.Options.DatabaseSchemaName;
        // A store that keeps no user names (a bare one) has no such column.
        var userNames = ((StoreOptions)store.Options).Events.MetadataConfig.UserNameEnabled;
        Columns = $"e.seq_id, e.version, e.timestamp, e.mt_dotnet_type, {(userNames ? "e.user_name" : "null::varchar")}, e.data, a.events";
        _joins = $"""
            join {_schema}.mt_events as e on e.seq_id = i.seq
            left join lateral (
              select jsonb_agg(jsonb_build_array(x.seq_id, x.version, x.timestamp, x.mt_dotnet_type, {(userNames ? "x.user_name" : "null::varchar")}, x.data) order by x.seq_id) as events
              from {_schema}.mt_events as x where i.amendments is not null and x.seq_id = any(i.amendments)) as a on true
            """;
        From = $"{_schema}.{TableName} as i {_joins}";
        Insert = InsertSql(_schema, n => $"${n}");
        Amend = AmendSql(_schema, n => $"${n}");
        QueuedInsert = InsertSql(_schema, _ => "?");
        QueuedAmend = AmendSql(_schema, _ => "?");
    }

    public static ClaimIndex For(IDocumentStore store) => PerStore.GetValue(store, s => new ClaimIndex(s));

    /// <summary>The table, created and migrated with Marten's own (the projection's schema object).</summary>
    public static Table Table(string schema)
    {
        var table = new Table($"{schema}.{TableName}");
        table.AddColumn<Guid>("id").AsPrimaryKey();
        table.AddColumn<long>("seq").NotNull();
        table.AddColumn("person_id", "varchar").NotNull();
        table.AddColumn("type", "varchar").NotNull();
        table.AddColumn("source_id", "varchar").NotNull();
        table.AddColumn("claimant_key", "varchar").NotNull();
        table.AddColumn("claimant_person_id", "varchar");
        table.AddColumn("proposition_key", "varchar").NotNull();
        table.AddColumn("amendments", "bigint[]");
        table.Indexes.Add(new IndexDefinition($"{TableName}_seq") { Columns = ["seq"], IsUnique = true });
        table.Indexes.Add(new IndexDefinition($"{TableName}_proposition_key") { Columns = ["proposition_key"] });
        // Each filter with the recorded order, so a page reads only its own rows.
        foreach (var column in new[] { "person_id", "source_id", "claimant_key" })
        {
            table.Indexes.Add(new IndexDefinition($"{TableName}_{column}_seq") { Columns = [column, "seq"] });
        }

        // Nearly every claimant is not a registered person: those rows need no entry.
        table.Indexes.Add(new IndexDefinition($"{TableName}_claimant_person_id_seq")
        {
            Columns = ["claimant_person_id", "seq"], Predicate = "claimant_person_id is not null",
        });
        return table;
    }

    /// <summary>The columns a read selects, for a statement of the caller's (<see cref="ReadAsync"/> reads them).</summary>
    public string Columns { get; }

    /// <summary>The FROM clause: the index as <c>i</c>, joined with the claim's event and its amending events.</summary>
    public string From { get; }

    private readonly string _joins;

    /// <summary>Inserts the rows of <see cref="ClaimIndexWrites.RowValues"/>.</summary>
    public string Insert { get; }

    /// <summary>Appends amending events' sequences: <see cref="ClaimIndexWrites.AmendValues"/>.</summary>
    public string Amend { get; }

    /// <summary><see cref="Insert"/> and <see cref="Amend"/> with the placeholders of SQL queued in a Marten session.</summary>
    internal string QueuedInsert { get; }

    internal string QueuedAmend { get; }

    /// <param name="parameter">The placeholder of the n-th parameter: <c>$n</c> for Npgsql, <c>?</c> for Marten's queued SQL.</param>
    private static string InsertSql(string schema, Func<int, string> parameter) => $"""
        insert into {schema}.{TableName} (id, seq, person_id, type, source_id, claimant_key, claimant_person_id, proposition_key)
        select * from unnest({parameter(1)}::uuid[], {parameter(2)}::bigint[], {parameter(3)}::varchar[], {parameter(4)}::varchar[], {parameter(5)}::varchar[],
          {parameter(6)}::varchar[], {parameter(7)}::varchar[], {parameter(8)}::varchar[])
        """;

    // Two amendments of one claim in one commit: grouped, since an UPDATE applies one source row per target.
    private static string AmendSql(string schema, Func<int, string> parameter) => $"""
        update {schema}.{TableName} as i set amendments = coalesce(i.amendments, array[]::bigint[]) || a.seqs
        from (select id, array_agg(seq order by seq) as seqs from unnest({parameter(1)}::uuid[], {parameter(2)}::bigint[]) as u(id, seq) group by id) as a
        where i.id = a.id
        """;

    public async Task<ClaimRecord?> LoadAsync(Guid id, CancellationToken ct) => (await QueryAsync(new ClaimFilter { Ids = [id] }, ct)).FirstOrDefault();

    /// <summary>The claims the filter finds, in recorded order.</summary>
    public async Task<List<ClaimRecord>> QueryAsync(ClaimFilter filter, CancellationToken ct)
    {
        await using var connection = _store.Storage.Database.CreateConnection();
        await connection.OpenAsync(ct);
        await using var command = new NpgsqlCommand { Connection = connection };
        var where = new List<string>();
        void Add<T>(string condition, T value)
        {
            command.Parameters.Add(new NpgsqlParameter<T> { TypedValue = value });
            where.Add(condition.Replace("@", "$" + command.Parameters.Count, StringComparison.Ordinal));
        }

        if (filter.Ids is { } ids) Add("i.id = any(@)", ids.ToArray());
        if (filter.PersonId is { } person) Add("i.person_id = @", person);
        if (filter.ClaimantKey is { } claimant) Add("i.claimant_key = @", claimant);
        if (filter.ClaimantPersonId is { } claimantPerson) Add("i.claimant_person_id = @", claimantPerson);
        if (filter.SourceIds is { } sources) Add("i.source_id = any(@)", sources.ToArray());
        if (filter.Types is { } types) Add("i.type = any(@)", types.ToArray());
        if (filter.After is { } after) Add("i.seq > @", after);
        if (filter.UpTo is { } upTo) Add("i.seq <= @", upTo);
        // The page is chosen on the index alone; only its rows are joined with their events.
        var sql = new StringBuilder($"select {Columns} from (select * from {_schema}.{TableName} as i");
        if (where.Count > 0) sql.Append(" where ").AppendJoin(" and ", where);
        sql.Append(" order by i.seq");
        if (filter.Limit is { } limit)
        {
            command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = limit });
            sql.Append(" limit $").Append(command.Parameters.Count);
        }

        sql.Append($") as i {_joins} order by i.seq");
        command.CommandText = sql.ToString();

        var claims = new List<ClaimRecord>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct)) claims.Add(await ReadAsync(reader, ct));
        return claims;
    }

    /// <summary>One claim from a row of <see cref="Columns"/>: its event, then every amendment in recorded order.</summary>
    public async Task<ClaimRecord> ReadAsync(NpgsqlDataReader reader, CancellationToken ct)
    {
        var stamp = new EventStamp(reader.GetInt64(1), reader.GetInt64(0), reader.GetFieldValue<DateTimeOffset>(2), await reader.IsDBNullAsync(4, ct) ? null : reader.GetString(4));
        var claim = ClaimRecord.From(stamp, (IClaimEvent)_serializer.FromJson(TypeOf(reader.GetString(3)), reader, 5));
        if (await reader.IsDBNullAsync(6, ct)) return claim;

        using var amendments = JsonDocument.Parse(reader.GetString(6));
        foreach (var a in amendments.RootElement.EnumerateArray())
        {
            var amendedAt = new EventStamp(a[1].GetInt64(), a[0].GetInt64(), a[2].GetDateTimeOffset().ToUniversalTime(),
                a[4].ValueKind == JsonValueKind.Null ? null : a[4].GetString());
            using var data = new MemoryStream(Encoding.UTF8.GetBytes(a[5].GetRawText()));
            claim.Amend(amendedAt, (IClaimAmendment)_serializer.FromJson(TypeOf(a[3].GetString()!), data));
        }

        return claim;
    }

    internal static Type TypeOf(string dotNetType) =>
        EventTypes.GetOrAdd(dotNetType, name => Type.GetType(name) ?? throw new InvalidOperationException($"No event type {name}"));
}

/// <summary>One row of the claims index: what finds a claim.</summary>
public readonly record struct ClaimIndexRow(
    Guid Id, long Sequence, string PersonId, string Type, string SourceId, string ClaimantKey, string? ClaimantPersonId, string PropositionKey);

/// <summary>
/// What events do to the claims index: a claim adds its row, an amendment its sequence to its claim's row. The write
/// path, Marten's projection and the backfill collect with this and write with <see cref="ClaimIndex"/>'s statements.
/// </summary>
public sealed class ClaimIndexWrites
{
    public List<ClaimIndexRow> Claims { get; } = [];
    public List<(Guid ClaimId, long Sequence)> Amendments { get; } = [];

    // A commit's claims mostly share their claimant (an import's are all one): its key is worked out once.
    private string? _claimant;
    private string _claimantKey = "";

    public void Add(object data, EventStamp stamp)
    {
        if (data is IClaimEvent claim) Claims.Add(RowOf(stamp, claim.Claim, claim.GetType().Name));
        else if (data is IClaimAmendment amendment) Amendments.Add((amendment.ClaimId, stamp.Sequence));
    }

    /// <summary>The fields of <see cref="ClaimRecord.From(EventStamp, IClaimEvent)"/> the index keeps, without the rest of a record.</summary>
    private ClaimIndexRow RowOf(EventStamp stamp, ClaimDetails claim, string type)
    {
        var claimant = claim.Attribution.Claimant;
        if (!string.Equals(claimant.Name, _claimant, StringComparison.Ordinal)) (_claimant, _claimantKey) = (claimant.Name, Slugs.Normalize(claimant.Name));
        return new ClaimIndexRow(claim.ClaimId, stamp.Sequence, claim.Proposition.Subject, type, claim.Attribution.Source.Id, _claimantKey, claimant.PersonId,
            claim.Proposition.Key);
    }

    /// <summary>The values of <see cref="ClaimIndex.Insert"/>, in its parameters' order.</summary>
    public object[] RowValues() =>
    [
        Claims.Select(c => c.Id).ToArray(), Claims.Select(c => c.Sequence).ToArray(), Claims.Select(c => c.PersonId).ToArray(),
        Claims.Select(c => c.Type).ToArray(), Claims.Select(c => c.SourceId).ToArray(), Claims.Select(c => c.ClaimantKey).ToArray(),
        Claims.Select(c => c.ClaimantPersonId).ToArray(), Claims.Select(c => c.PropositionKey).ToArray(),
    ];

    /// <summary>The values of <see cref="ClaimIndex.Amend"/>: claim ids and sequences.</summary>
    public object[] AmendValues() => [Amendments.Select(a => a.ClaimId).ToArray(), Amendments.Select(a => a.Sequence).ToArray()];

    /// <summary>The statements for what was collected, with Npgsql's parameters.</summary>
    public IEnumerable<NpgsqlBatchCommand> Commands(ClaimIndex index)
    {
        if (Claims.Count > 0) yield return Command(index.Insert, RowValues());
        if (Amendments.Count > 0) yield return Command(index.Amend, AmendValues());
    }

    /// <summary>The same statements, queued in a Marten session's unit of work.</summary>
    public void Queue(IDocumentOperations operations, ClaimIndex index)
    {
        if (Claims.Count > 0) operations.QueueSqlCommand(index.QueuedInsert, RowValues());
        if (Amendments.Count > 0) operations.QueueSqlCommand(index.QueuedAmend, AmendValues());
    }

    private static NpgsqlBatchCommand Command(string sql, object[] values)
    {
        var command = new NpgsqlBatchCommand(sql);
        foreach (var value in values) command.Parameters.Add(new NpgsqlParameter { Value = value });
        return command;
    }
}

/// <summary>
/// The claims index as Marten keeps it: for <c>projections rebuild</c> (which empties the table first) and for events
/// appended through a Marten session (the Popolo import's notices). The write path (<c>EventWriter</c>) writes the same
/// rows itself.
/// </summary>
public sealed class ClaimIndexProjection : EventProjection, IProjectionSchemaSource
{
    public const string ProjectionName = "ClaimIndex";

    public ClaimIndexProjection()
    {
        Name = ProjectionName;
        foreach (var type in ClaimsSetup.EventTypes) IncludeType(type);
    }

    // The table goes in the store's schema as finally configured (a host may move it after this projection is added).
    IEnumerable<Weasel.Core.ISchemaObject> IProjectionSchemaSource.CreateSchemaObjects(EventGraph events)
    {
        var table = ClaimIndex.Table(events.DatabaseSchemaName);
        if (Options.CleanUps.Count == 0) Options.DeleteDataInTableOnTeardown(table.Identifier.QualifiedName);
        return [table];
    }

    public override ValueTask ApplyAsync(IDocumentOperations operations, IEvent e, CancellationToken cancellation)
    {
        var writes = new ClaimIndexWrites();
        writes.Add(e.Data, e.Stamp());
        writes.Queue(operations, ClaimIndex.For(operations.DocumentStore));
        return ValueTask.CompletedTask;
    }
}

/// <summary>Reads of committed claims, on a connection of their own (the session names the store).</summary>
public static class ClaimIndexQueries
{
    /// <summary>The claim as the record holds it, or null.</summary>
    public static Task<ClaimRecord?> LoadClaimAsync(this IQuerySession session, Guid id, CancellationToken ct) =>
        ClaimIndex.For(session.DocumentStore).LoadAsync(id, ct);

    /// <summary>The claims the filter finds, in recorded order.</summary>
    public static Task<List<ClaimRecord>> ClaimsAsync(this IQuerySession session, ClaimFilter filter, CancellationToken ct) =>
        ClaimIndex.For(session.DocumentStore).QueryAsync(filter, ct);
}

/// <summary>
/// Fills an empty claims index from the events, before the service takes requests: a database written by a build that
/// kept a JSON document per claim (<c>mt_doc_claimrecord</c>, left in place) has the events but not this index, and an
/// amendment of a claim missing from it would be lost from the views. One node does it, under an advisory lock, in one
/// transaction: a start that fails half-way leaves the index empty, and the next start does it again. Every node of
/// the older build must be stopped first: what one appends meanwhile would be missing here.
/// </summary>
internal sealed class ClaimIndexBackfill(IDocumentStore store, NpgsqlDataSource dataSource, ILogger<ClaimIndexBackfill> logger) : IHostedService
{
    private const int Chunk = 1_000;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var schema = store.Options.DatabaseSchemaName;
        var graph = ((DocumentStore)store).Events;
        var types = ClaimsSetup.EventTypes.Select(t => graph.EventMappingFor(t).EventTypeName).ToArray();
        var serializer = store.Options.Serializer();
        var index = ClaimIndex.For(store);

        await using var writer = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await writer.BeginTransactionAsync(cancellationToken);
        await using (var gate = new NpgsqlCommand($"select pg_advisory_xact_lock(hashtext('{schema}.{ClaimIndex.TableName}'))", writer, transaction))
        {
            await gate.ExecuteNonQueryAsync(cancellationToken);
        }

        await using (var check = new NpgsqlCommand(
            $"select not exists (select 1 from {schema}.{ClaimIndex.TableName}) and exists (select 1 from {schema}.mt_events where type = any($1))", writer, transaction))
        {
            check.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = types });
            if (await check.ExecuteScalarAsync(cancellationToken) is not true) return;
        }

        logger.LogInformation("The claims index is empty beside claim events: filling it from the events before the service answers");
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var writes = new ClaimIndexWrites();
        int claims = 0, amendments = 0;
        async Task FlushAsync()
        {
            await using var batch = new NpgsqlBatch(writer, transaction);
            foreach (var command in writes.Commands(index)) batch.BatchCommands.Add(command);
            if (batch.BatchCommands.Count > 0) await batch.ExecuteNonQueryAsync(cancellationToken);
            claims += writes.Claims.Count;
            amendments += writes.Amendments.Count;
            writes.Claims.Clear();
            writes.Amendments.Clear();
        }

        // Read on a second connection while the first writes, so the events are never all held in memory. In sequence order
        // an amendment's claim is already written, or in the same chunk, whose rows go in before its amendments.
        await using (var read = await dataSource.OpenConnectionAsync(cancellationToken))
        await using (var events = new NpgsqlCommand(
            $"select seq_id, version, timestamp, mt_dotnet_type, data from {schema}.mt_events where type = any($1) order by seq_id", read))
        {
            events.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = types });
            await using var reader = await events.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                var data = serializer.FromJson(ClaimIndex.TypeOf(reader.GetString(3)), reader, 4);
                writes.Add(data, new EventStamp(reader.GetInt64(1), reader.GetInt64(0), reader.GetFieldValue<DateTimeOffset>(2), null));
                if (writes.Claims.Count + writes.Amendments.Count == Chunk) await FlushAsync();
            }
        }

        await FlushAsync();

        await transaction.CommitAsync(cancellationToken);
        logger.LogInformation("Claims index filled from the events: {Claims} claims, {Amendments} amendments in {Seconds:F1} s",
            claims, amendments, clock.Elapsed.TotalSeconds);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
