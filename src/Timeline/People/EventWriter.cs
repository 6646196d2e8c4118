using JasperFx.Events;
using Marten;
using Marten.Events;
using Npgsql;
using NpgsqlTypes;
using Timeline.Changes;
using Timeline.Claims;
using Timeline.Contradictions;
using Timeline.Hosting;

namespace Timeline.People;

/// <summary>
/// Events for one person's stream, decided on <see cref="ExpectedVersion"/>, with the rows that commit with them. Version 0
/// starts the stream: the write fails as a lost race if the stream is there by then.
/// </summary>
/// <param name="RecordedBy">The principal every event is recorded under (Marten's user_name).</param>
internal sealed record StreamWrite(
    string PersonId, long ExpectedVersion, IReadOnlyList<object> Events, string RecordedBy, IReadOnlyList<EntryId> Entries, IdempotencyRecord? Idempotency);

/// <summary>The stream moved on between the decision and the commit: decide again on fresh state.</summary>
/// <param name="reason">Why, when not a version that moved (the same version with another history).</param>
public sealed class StreamMovedException(string personId, long expected, long? actual, string? reason = null)
    : Exception(reason ?? $"'{personId}' is at version {actual?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "none"}, not {expected}");

/// <summary>
/// The write path of every claim, retraction and ruling: the events, the stream versions, the ids and idempotency
/// keys they reserve, and what the inline projections keep (person header, claims index, contradictions),
/// all in one transaction of two round trips for any number of streams. The first locks the streams, checks each
/// version against the decision, takes the sequence numbers and reads the documents the events touch; the second
/// writes each table with one statement. The documents and rows are folded by the projections' own code
/// (<see cref="Person.Fold"/>, <see cref="ClaimIndexWrites"/>, <see cref="ContradictionProjection"/>), so they are what
/// Marten's inline projections (still registered, for rebuilds and the other writers) would store.
/// </summary>
internal sealed class EventWriter
{
    private const string Tenant = "*DEFAULT*";
    private static readonly ContradictionProjection Contradictions = new();
    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<IDocumentStore, EventWriter> PerStore = [];

    // Bounds the contradiction documents kept between commits: per person, and in all (a few kB each).
    private const int MaxKeptPerPerson = 64;
    private const int MaxKeptInAll = 20_000;

    private readonly IDocumentStore _store;
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, Kept> _kept = new(StringComparer.Ordinal);
    private int _keptInAll;
    private readonly EventGraph _events;
    private readonly ISerializer _serializer;
    private readonly LocalCommits? _localCommits;
    private readonly Sql _sql;
    private readonly ClaimIndex _claimIndex;

    public static EventWriter For(IDocumentStore store) => PerStore.GetValue(store, s => new EventWriter(s));

    private EventWriter(IDocumentStore store)
    {
        _store = store;
        _events = ((DocumentStore)store).Events;
        _serializer = store.Options.Serializer();
        _localCommits = ((StoreOptions)store.Options).Listeners.OfType<LocalCommits>().FirstOrDefault();
        _claimIndex = ClaimIndex.For(store);
        _sql = new Sql(store.Options.DatabaseSchemaName, ((StoreOptions)store.Options).Events.MetadataConfig.UserNameEnabled, _claimIndex,
            _events.AggregateAliasFor(typeof(Person)));
    }

    /// <summary>The person's stream version as this node last heard it committed (by anyone), or null when unknown.</summary>
    public long? KnownVersion(string personId) => _localCommits is { } local && local.TryGetVersion(personId, out var version) ? version : null;

    /// <summary>Commits every write or none; returns each write's events as stored, in order.</summary>
    /// <param name="keep">
    /// Keep the people's contradiction documents after the commit, so the next write to one of them reads none back while
    /// its stream is still where this commit left it. For appends one by one; a bulk load would only fill memory.
    /// </param>
    /// <exception cref="StreamMovedException">A stream is no longer at the version its write was decided on.</exception>
    public async Task<IReadOnlyList<IEvent[]>> WriteAsync(IReadOnlyList<StreamWrite> writes, CancellationToken ct, bool keep = false)
    {
        // Taken out while in use, so two writers never share one; put back only after a commit.
        var kept = new Kept?[writes.Count];
        for (var w = 0; w < writes.Count; w++)
        {
            if (!keep || !_kept.TryRemove(writes[w].PersonId, out var k)) continue;
            Interlocked.Add(ref _keptInAll, -k.Size);
            if (k.Person.Version == writes[w].ExpectedVersion) kept[w] = k;
        }

        var propositions = new HashSet<string>(StringComparer.Ordinal);
        for (var w = 0; w < writes.Count; w++)
        {
            foreach (var data in writes[w].Events)
            {
                if (ContradictionProjection.KeyOf(data) is { } key && kept[w]?.Contradictions.ContainsKey(key) != true && !Unclaimed(writes[w], data)) propositions.Add(key);
            }
        }

        await using var connection = _store.Storage.Database.CreateConnection();
        await connection.OpenAsync(ct);
        IEvent[][] stored;
        try
        {
            stored = await WriteAsync(connection, writes, keep, kept, propositions, ct);
        }
        catch when (connection.State == System.Data.ConnectionState.Open)
        {
            await RollBackAsync(connection);
            throw;
        }

        for (var w = 0; w < writes.Count; w++)
        {
            _localCommits?.Committed(writes[w].PersonId, writes[w].ExpectedVersion + writes[w].Events.Count);
            if (keep && kept[w] is { } k) Keep(writes[w].PersonId, k);
        }

        return stored;
    }

    /// <summary>
    /// A claim about a person whose stream holds only its registration (version 1): no claim about them is on record, so
    /// neither is a document of its proposition. A proposition's subject is always the person whose stream holds its
    /// claims (<see cref="ClaimTypes"/> builds it so, a dispute must target a claim of the same person, a notice of a claim
    /// no longer stated goes to its subject), and the documents live no longer than the events they fold (a reset
    /// removes both). Nothing is read for it; if the stream has moved meanwhile, the version check refuses the write.
    /// </summary>
    private static bool Unclaimed(StreamWrite write, object data) =>
        write.ExpectedVersion == 1 && data is IClaimEvent claim && claim.Claim.Proposition.Subject == write.PersonId;

    private void Keep(string personId, Kept kept)
    {
        if (kept.Size > MaxKeptPerPerson) return;
        if (Interlocked.Add(ref _keptInAll, kept.Size) > MaxKeptInAll || !_kept.TryAdd(personId, kept)) Interlocked.Add(ref _keptInAll, -kept.Size);
    }

    private async Task<IEvent[][]> WriteAsync(
        NpgsqlConnection connection, IReadOnlyList<StreamWrite> writes, bool keep, Kept?[] kept, HashSet<string> propositions,
        CancellationToken ct)
    {
        var eventCount = writes.Sum(w => w.Events.Count);
        var personIds = writes.Select(w => w.PersonId).ToArray();
        var versions = new Dictionary<string, long>(StringComparer.Ordinal);
        var sequences = new List<long>(eventCount);
        DateTimeOffset now;
        var people = new Dictionary<string, Person>(StringComparer.Ordinal);
        var contradictions = new Dictionary<string, Contradiction>(StringComparer.Ordinal);
        // BEGIN and COMMIT travel in the batches (an NpgsqlTransaction would spend a round trip of its own on COMMIT).
        // Sequence numbers are taken inside the open transaction: the async daemon sees a live writer and waits for
        // this commit instead of skipping its numbers as abandoned (its stale-gap threshold is 3 s).
        await using (var read = new NpgsqlBatch(connection))
        {
            read.BatchCommands.Add(Command("begin"));
            // Plans made once per connection: with the arrays' lengths known, PostgreSQL would plan every call anew.
            read.BatchCommands.Add(Command("set local plan_cache_mode = force_generic_plan"));
            // A stream started here has its row before it is locked (at version 0); one already there keeps its version.
            if (writes.Where(w => w.ExpectedVersion == 0).Select(w => w.PersonId).ToArray() is { Length: > 0 } starting)
            {
                read.BatchCommands.Add(Command(_sql.StartStreams, Text(starting)));
            }

            read.BatchCommands.Add(Command(_sql.LockStreams, Text(personIds)));
            read.BatchCommands.Add(Command(_sql.NextSequences, new NpgsqlParameter<int> { TypedValue = eventCount }));
            // Documents kept from the last commit are not asked for; often nothing is.
            if (propositions.Count > 0)
            {
                read.BatchCommands.Add(Command(_sql.LoadContradictions, Text([.. propositions])));
                read.BatchCommands.Add(Command(_sql.LoadPropositionClaims, Text([.. propositions])));
            }
            // The reader starts at the first statement that returns rows: BEGIN returns none.
            await using var reader = await read.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                versions[reader.GetString(0)] = reader.GetInt64(1);
                if (!await reader.IsDBNullAsync(2, ct)) people[reader.GetString(0)] = _serializer.FromJson<Person>(reader, 2);
            }

            await reader.NextResultAsync(ct);
            now = default;
            while (await reader.ReadAsync(ct))
            {
                sequences.Add(reader.GetInt64(0));
                now = reader.GetFieldValue<DateTimeOffset>(1);
            }

            if (propositions.Count > 0)
            {
                await reader.NextResultAsync(ct);
                while (await reader.ReadAsync(ct))
                {
                    var document = _serializer.FromJson<Contradiction>(reader, 1);
                    document.Stored = true;
                    contradictions[reader.GetString(0)] = document;
                }

                // A proposition never contested has no document: its claims are in the claim index.
                await reader.NextResultAsync(ct);
                var unstored = new Dictionary<string, List<ClaimRecord>>(StringComparer.Ordinal);
                while (await reader.ReadAsync(ct))
                {
                    var claim = await _claimIndex.ReadAsync(reader, ct);
                    if (!unstored.TryGetValue(claim.Proposition.Key, out var list)) unstored[claim.Proposition.Key] = list = [];
                    list.Add(claim);
                }

                foreach (var (key, list) in unstored) contradictions[key] = Contradiction.FromClaims(key, list);
            }
        }

        for (var w = 0; w < writes.Count; w++)
        {
            var write = writes[w];
            var actual = versions.TryGetValue(write.PersonId, out var v) ? v : (long?)null;
            if (actual != write.ExpectedVersion) throw new StreamMovedException(write.PersonId, write.ExpectedVersion, actual);
            // The same version but another history (the events were reset and written again): the kept documents are
            // not this stream's. Nothing was read for them, so the write goes again, as after a lost race, without them.
            if (kept[w] is { } k && !k.Describes(people.GetValueOrDefault(write.PersonId)))
            {
                throw new StreamMovedException(write.PersonId, write.ExpectedVersion, actual,
                    $"'{write.PersonId}' is at version {actual} with another history than the one this node kept (its events were reset and written again)");
            }
            if (keep) kept[w] ??= new Kept();
            foreach (var (key, contradiction) in kept[w]?.Contradictions ?? []) contradictions[key] = contradiction;
        }

        sequences.Sort();
        var rows = new Rows(eventCount);
        var indexWrites = new ClaimIndexWrites();
        var touchedPropositions = new HashSet<string>(StringComparer.Ordinal);
        var stored = new IEvent[writes.Count][];
        // Nothing kept (a bulk write): the first claim of a proposition nothing on record is about would make a document of
        // one claim, which cannot conflict and is never stored. It is made only if another event about it follows here.
        var alone = keep ? null : new Dictionary<string, IEvent>(StringComparer.Ordinal);
        var next = 0;
        for (var w = 0; w < writes.Count; w++)
        {
            var write = writes[w];
            var person = people.GetValueOrDefault(write.PersonId);
            stored[w] = new IEvent[write.Events.Count];
            for (var i = 0; i < write.Events.Count; i++)
            {
                var e = _events.BuildEvent(write.Events[i]);
                e.Id = Guid.CreateVersion7(now);
                e.Sequence = sequences[next++];
                e.Version = write.ExpectedVersion + i + 1;
                e.Timestamp = now;
                e.StreamKey = write.PersonId;
                e.TenantId = Tenant;
                e.UserName = write.RecordedBy;
                stored[w][i] = e;
                rows.Add(e, JsonOf(e.Data));

                person = Person.Fold(person, e);
                indexWrites.Add(e.Data, e.Stamp());

                if (ContradictionProjection.KeyOf(e.Data) is not { } key) continue;
                var document = contradictions.GetValueOrDefault(key);
                if (document is null && alone is not null)
                {
                    if (e.Data is IClaimEvent && alone.TryAdd(key, e)) continue;
                    if (alone.Remove(key, out var first)) document = Contradictions.Evolve(null, key, first);
                }

                if (Contradictions.Evolve(document, key, e) is { } contradiction)
                {
                    contradictions[key] = contradiction;
                    if (kept[w] is { } k) k.Contradictions[key] = contradiction;
                    touchedPropositions.Add(key);
                }
            }

            if (person is null) continue;
            people[write.PersonId] = person;
            if (kept[w] is { } keptNow) keptNow.Person = person;
        }

        await using (var commit = new NpgsqlBatch(connection))
        {
            commit.BatchCommands.Add(Command(_sql.InsertEvents,
                new NpgsqlParameter<long[]> { TypedValue = [.. rows.Sequences] },
                new NpgsqlParameter<Guid[]> { TypedValue = [.. rows.Ids] },
                Text([.. rows.Streams]),
                new NpgsqlParameter<long[]> { TypedValue = [.. rows.Versions] },
                Json([.. rows.Data]),
                Text([.. rows.Types]),
                new NpgsqlParameter<DateTimeOffset> { TypedValue = now },
                Text([.. rows.DotNetTypes]),
                Text([.. rows.UserNames])));
            commit.BatchCommands.Add(Command(_sql.BumpStreams, Text(personIds),
                new NpgsqlParameter<long[]> { TypedValue = writes.Select(w => w.ExpectedVersion + w.Events.Count).ToArray() },
                new NpgsqlParameter<DateTimeOffset> { TypedValue = now }));

            var entries = writes.SelectMany(w => w.Entries).ToArray();
            if (entries.Length > 0)
            {
                commit.BatchCommands.Add(Command(_sql.InsertEntries,
                    new NpgsqlParameter<Guid[]> { TypedValue = entries.Select(e => e.Id).ToArray() },
                    Json(entries.Select(e => JsonOf(e)).ToArray()), Type<EntryId>()));
            }

            var remembered = writes.Select(w => w.Idempotency).OfType<IdempotencyRecord>().ToArray();
            if (remembered.Length > 0)
            {
                commit.BatchCommands.Add(Command(_sql.InsertIdempotency,
                    Text(remembered.Select(r => r.Id).ToArray()), Json(remembered.Select(r => JsonOf(r)).ToArray()), Type<IdempotencyRecord>()));
            }

            var headers = writes.Select(w => people.GetValueOrDefault(w.PersonId)).OfType<Person>().ToArray();
            commit.BatchCommands.Add(Command(_sql.UpsertPeople,
                Text(headers.Select(p => p.Id).ToArray()), Json(headers.Select(p => JsonOf(p)).ToArray()),
                new NpgsqlParameter<long[]> { TypedValue = headers.Select(p => p.Version).ToArray() }, Type<Person>()));
            // A plain insert: the claim's id is reserved in this commit, so no row can hold it yet. An amendment's claim was
            // read from the index when the append was decided, and rows are never removed but with the events.
            foreach (var command in indexWrites.Commands(_claimIndex)) commit.BatchCommands.Add(command);

            // Stored once its claims have ever conflicted, and from then on kept current; the rest live in the claim index.
            // A document of one never contested (from a rebuild, or an older version) goes when it is next touched.
            var touched = touchedPropositions.Select(key => (Document: contradictions[key], Contested: contradictions[key].EverContested)).ToList();
            var toStore = touched.Where(t => t.Contested).Select(t => t.Document).ToArray();
            var toDrop = touched.Where(t => t.Document.Stored && !t.Contested).Select(t => t.Document).ToArray();
            if (toStore.Length > 0)
            {
                commit.BatchCommands.Add(Command(_sql.UpsertContradictions,
                    Text(toStore.Select(c => c.Id).ToArray()), Json(toStore.Select(c => JsonOf(c)).ToArray()), Type<Contradiction>()));
            }

            if (toDrop.Length > 0) commit.BatchCommands.Add(Command(_sql.DeleteContradictions, Text(toDrop.Select(c => c.Id).ToArray())));
            foreach (var (document, contested) in touched) document.Stored = contested;

            commit.BatchCommands.Add(Command("commit"));
            await commit.ExecuteNonQueryAsync(ct);
        }

        return stored;
    }

    private static async Task RollBackAsync(NpgsqlConnection connection)
    {
        try
        {
            await using var rollback = new NpgsqlCommand("rollback", connection);
            await rollback.ExecuteNonQueryAsync(CancellationToken.None);
        }
        catch (Exception) when (connection.State != System.Data.ConnectionState.Open)
        {
            // The connection broke: the server ends the transaction with it.
        }
    }

    private static NpgsqlBatchCommand Command(string sql, params NpgsqlParameter[] parameters)
    {
        var command = new NpgsqlBatchCommand(sql);
        command.Parameters.AddRange(parameters);
        return command;
    }

    private static NpgsqlParameter Text(string[] values) => new NpgsqlParameter<string[]> { TypedValue = values, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Varchar };

    private static NpgsqlParameter Json(byte[][] values) => new NpgsqlParameter<byte[][]> { TypedValue = values, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Jsonb };

    [ThreadStatic] private static NpgsqlParameter? t_scratch;

    /// <summary>
    /// The document's JSON as the store writes it, in UTF-8: the bytes the server receives, without a UTF-16 string of
    /// twice the size in between (the JSON is most of what a commit allocates).
    /// </summary>
    internal byte[] JsonOf(object value)
    {
        var scratch = t_scratch ??= new NpgsqlParameter();
        _serializer.WriteToParameter(scratch, value);
        var json = scratch.Value as byte[] ?? System.Text.Encoding.UTF8.GetBytes(_serializer.ToJson(value));
        scratch.Value = null;
        return json;
    }

    private static NpgsqlParameter Type<T>() => new NpgsqlParameter<string> { TypedValue = typeof(T).FullName!, NpgsqlDbType = NpgsqlDbType.Varchar };

    /// <summary>
    /// A person's header and the contradiction documents of theirs this node last wrote, as of the header's state of the
    /// stream: every append rewrites its proposition's document, so those are worth keeping; a claim document is read
    /// again only when an amendment changes it.
    /// </summary>
    private sealed class Kept
    {
        public Person Person { get; set; } = new();
        public Dictionary<string, Contradiction> Contradictions { get; } = new(StringComparer.Ordinal);
        public int Size => Contradictions.Count;

        /// <summary>The stored header is at the state these documents were kept at: same version, same last event.</summary>
        public bool Describes(Person? stored) =>
            stored is not null && stored.Version == Person.Version && stored.LastSequence == Person.LastSequence && stored.LastRecordedAt == Person.LastRecordedAt;
    }

    private sealed class Rows(int capacity)
    {
        public List<long> Sequences { get; } = new(capacity);
        public List<Guid> Ids { get; } = new(capacity);
        public List<string> Streams { get; } = new(capacity);
        public List<long> Versions { get; } = new(capacity);
        public List<byte[]> Data { get; } = new(capacity);
        public List<string> Types { get; } = new(capacity);
        public List<string> DotNetTypes { get; } = new(capacity);
        public List<string> UserNames { get; } = new(capacity);

        public void Add(IEvent e, byte[] json)
        {
            Sequences.Add(e.Sequence);
            Ids.Add(e.Id);
            Streams.Add(e.StreamKey!);
            Versions.Add(e.Version);
            Data.Add(json);
            Types.Add(e.EventTypeName);
            DotNetTypes.Add(e.DotNetTypeName);
            UserNames.Add(e.UserName!);
        }
    }

    /// <summary>The table Marten keeps a document type in (within the store's schema).</summary>
    internal static string TableOf<T>() => $"mt_doc_{typeof(T).Name.ToLowerInvariant()}";

    /// <summary>The statements, written against the tables Marten creates (its column layout for events, streams and documents).</summary>
    /// <param name="userNames">Whether the store keeps each event's user_name (the service does; a bare store may not).</param>
    /// <param name="streamType">The people's streams' type as Marten names it in mt_streams.</param>
    private sealed class Sql(string schema, bool userNames, ClaimIndex claimIndex, string streamType)
    {
        public string StartStreams { get; } = $"""
            insert into {schema}.mt_streams (id, type, version, tenant_id) select id, '{streamType}', 0, '{Tenant}' from unnest($1::varchar[]) as s(id)
            on conflict (id) do nothing
            """;

        // Each stream with its header, the stream's row locked until the commit.
        public string LockStreams { get; } =
            $"select s.id, s.version, p.data from {schema}.mt_streams as s left join {schema}.{TableOf<Person>()} as p on p.id = s.id where s.id = any($1) for update of s";

        public string NextSequences { get; } = $"select nextval('{schema}.mt_events_sequence'), transaction_timestamp() from generate_series(1, $1)";

        public string LoadContradictions { get; } = $"select id, data from {schema}.{TableOf<Contradiction>()} where id = any($1)";

        public string LoadPropositionClaims { get; } = $"""
            select {claimIndex.Columns} from {claimIndex.From}
            where i.proposition_key = any($1) and not exists (select 1 from {schema}.{TableOf<Contradiction>()} as c where c.id = i.proposition_key)
            """;

        public string InsertEvents { get; } = $"""
            insert into {schema}.mt_events (seq_id, id, stream_id, version, data, type, timestamp, tenant_id, mt_dotnet_type, {(userNames ? "user_name, " : "")}is_archived)
            select s, i, st, v, d, t, $7, '{Tenant}', dt, {(userNames ? "u, " : "")}false from unnest($1::bigint[], $2::uuid[], $3::varchar[], $4::bigint[], $5::jsonb[], $6::varchar[], $8::varchar[], $9::varchar[]) as e(s, i, st, v, d, t, dt, u)
            """;

        public string BumpStreams { get; } = $"""
            update {schema}.mt_streams as s set version = n.version, timestamp = $3
            from unnest($1::varchar[], $2::bigint[]) as n(id, version) where s.id = n.id
            """;

        public string InsertEntries { get; } = Insert<EntryId>(schema, "uuid");

        public string InsertIdempotency { get; } = Insert<IdempotencyRecord>(schema, "varchar");

        public string UpsertPeople { get; } = $"""
            insert into {schema}.{TableOf<Person>()} (id, data, mt_version, mt_dotnet_type, mt_last_modified)
            select id, data, version, $4, transaction_timestamp() from unnest($1::varchar[], $2::jsonb[], $3::bigint[]) as p(id, data, version)
            on conflict (id) do update set data = excluded.data, mt_version = excluded.mt_version, mt_last_modified = excluded.mt_last_modified
            """;

        public string UpsertContradictions { get; } = Upsert<Contradiction>(schema, "varchar");

        public string DeleteContradictions { get; } = $"delete from {schema}.{TableOf<Contradiction>()} where id = any($1)";

        // A plain insert: an id or key another write already holds fails the commit as a lost race (23505).
        // Written once, never changed: a random version as Marten gives one, drawn once per statement (its column default,
        // md5 of random text and the clock, costs more than the rest of an id's row; gen_random_uuid per row a fifth of it).
        private static string Insert<T>(string schema, string idType) => $"""
            insert into {schema}.{TableOf<T>()} (id, data, mt_version, mt_dotnet_type, mt_last_modified)
            select id, data, (select gen_random_uuid()), $3, transaction_timestamp() from unnest($1::{idType}[], $2::jsonb[]) as r(id, data)
            """;

        // Projected documents keep Marten's numeric revision: 1 when created, one more on each change.
        private static string Upsert<T>(string schema, string idType) => $"""
            insert into {schema}.{TableOf<T>()} as d (id, data, mt_version, mt_dotnet_type, mt_last_modified)
            select id, data, 1, $3, transaction_timestamp() from unnest($1::{idType}[], $2::jsonb[]) as r(id, data)
            on conflict (id) do update set data = excluded.data, mt_version = d.mt_version + 1, mt_last_modified = excluded.mt_last_modified
            """;
    }
}
