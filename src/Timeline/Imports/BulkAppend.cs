using Marten;
using Microsoft.AspNetCore.Http.HttpResults;
using System.Threading.Channels;
using Npgsql;
using Timeline.Claims;
using Timeline.Hosting;
using Timeline.People;
using Timeline.Sources;

namespace Timeline.Imports;

/// <summary>One claim for the bulk path: whom it is about and the same request body the API takes.</summary>
public sealed record BulkClaim(string PersonId, AppendClaimRequest Request);

/// <summary>A claim the bulk path refused, with the problem the single-claim path would have answered.</summary>
public sealed record BulkRefusal(int Index, string PersonId, Guid? ClaimId, int Status, string Problem);

/// <param name="Checking">Time spent checking and deciding (shape, evidence, the batch's one read), summed over the lanes.</param>
/// <param name="Committing">Time spent in the commits (the projected documents, the inserts, the commit), summed over the lanes.</param>
public sealed record BulkResult(int Appended, int AlreadyThere, IReadOnlyList<BulkRefusal> Refused, TimeSpan Checking = default, TimeSpan Committing = default);

public sealed record BulkRegistration(int Registered, int AlreadyThere, IReadOnlyList<BulkRefusal> Refused);

/// <summary>
/// Appends many claims for many people in large transactions, each claim checked exactly as the single-claim path
/// checks it (<see cref="ClaimTypes.Check"/>, <see cref="Evidence.Check"/>, <see cref="AppendClaimEndpoint.Decide"/>):
/// per batch, one round trip reads the people, the ids already taken and the claims holding them; one commit appends
/// every person's events with their version check and reserves every new id. The batches go in two lanes split by
/// person, so one lane commits while the other checks. A claim id already on record with the same content appends
/// nothing, so a run that stopped half-way is simply run again.
/// <para>
/// A caller that has already found which of its ids are on record (<c>idsChecked</c>) spares every batch the look-up
/// of its ids: the primary key of the ids still refuses one taken meanwhile, and that batch is decided again with it.
/// </para>
/// </summary>
public static class BulkAppend
{
    // Large enough to share round trips and WAL flushes, small enough to keep one commit's memory bounded.
    public const int BatchSize = 1_000;

    // A batch loses only to a concurrent writer on one of its people; deciding again on fresh state settles it.
    private const int MaxAttempts = 5;

    // The claims go in two lanes, split by person, each committed in order on its own connection: one lane's commit runs
    // while the other checks and folds. On two cores more lanes only contend (bench/README.md).
    private const int Lanes = 2;

    /// <param name="idsChecked">The claims' ids were found not on record just before (a race can still take one).</param>
    public static Task<BulkResult> AppendAsync(
        IDocumentStore store, IReadOnlyList<BulkClaim> claims, string recordedBy, TimeProvider time, Action<int>? progress, CancellationToken ct,
        bool idsChecked = false) =>
        // A small load goes in one lane.
        AppendAsync(store, new[] { claims }.ToAsyncEnumerable(), recordedBy, time, progress, ct, idsChecked, lanes: claims.Count > BatchSize ? Lanes : 1);

    /// <summary>
    /// The claims as their producer makes them, chunk by chunk: the lanes commit the first batches while the rest are still
    /// being made. A claim's index (in <see cref="BulkRefusal.Index"/>) counts the claims of every chunk before it.
    /// </summary>
    /// <param name="source">
    /// A source the producer is still reading (an import's file): its claims are checked against it, not against the cache,
    /// which keeps a source only once it is wholly read.
    /// </param>
    /// <param name="ready">What must be on record before the first commit (an import's people): the claims are made meanwhile.</param>
    public static async Task<BulkResult> AppendAsync(
        IDocumentStore store, IAsyncEnumerable<IReadOnlyList<BulkClaim>> chunks, string recordedBy, TimeProvider time, Action<int>? progress,
        CancellationToken ct, bool idsChecked = false, Func<string, CachedSource?>? source = null, Task? ready = null, int lanes = Lanes)
    {
        var done = new int[lanes + 1];
        var gate = new object();
        Action<int> Report(int lane) => n =>
        {
            lock (gate)
            {
                done[lane] = n;
                progress?.Invoke(done.Sum());
            }
        };

        // A lane that fails stops the other and the producer, so nothing goes on being committed behind an error (a run
        // again completes it).
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var queues = Enumerable.Range(0, lanes).Select(_ => Channel.CreateUnbounded<Indexed[]>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true })).ToArray();
        async Task<BulkResult> RunAsync(int l)
        {
            try
            {
                if (ready is not null) await ready.WaitAsync(stop.Token);
                return await AppendInOrderAsync(store, queues[l].Reader.ReadAllAsync(stop.Token), recordedBy, time, idsChecked, source, Report(l), stop.Token);
            }
            catch
            {
                await stop.CancelAsync();
                throw;
            }
        }

        var running = Enumerable.Range(0, lanes).Select(RunAsync).ToArray();
        List<Indexed> after;
        try
        {
            after = await DealAsync(chunks, queues, stop.Token);
        }
        catch (Exception dealing)
        {
            await stop.CancelAsync();
            foreach (var queue in queues) queue.Writer.TryComplete();
            // A lane's own failure says more than the cancellation it caused.
            try
            {
                await Task.WhenAll(running);
            }
            catch (Exception lane) when (lane is not OperationCanceledException && dealing is OperationCanceledException && !ct.IsCancellationRequested)
            {
                throw;
            }
            catch
            {
                // The producer's failure is the one to report.
            }

            throw;
        }

        var results = (await Task.WhenAll(running)).ToList();
        if (after.Count > 0)
        {
            results.Add(await AppendInOrderAsync(store, after.Chunk(BatchSize).ToAsyncEnumerable(), recordedBy, time, idsChecked, source, Report(lanes), ct));
        }

        return new BulkResult(results.Sum(r => r.Appended), results.Sum(r => r.AlreadyThere), [.. results.SelectMany(r => r.Refused).OrderBy(r => r.Index)],
            TimeSpan.FromTicks(results.Sum(r => r.Checking.Ticks)), TimeSpan.FromTicks(results.Sum(r => r.Committing.Ticks)));
    }

    /// <summary>A claim with its place among all the claims given.</summary>
    private readonly record struct Indexed(int Index, BulkClaim Claim);

    /// <summary>
    /// Deals the claims to the lanes by person, in batches, each lane's in the order given; returns those that go after
    /// both lanes, in the order given: a claim naming an id (its own or its target) that a claim of another lane named
    /// before. Those are decided as they would be alone, after every claim before them that names the id (the first
    /// given wins an id), and never race each other for it.
    /// </summary>
    private static async Task<List<Indexed>> DealAsync(IAsyncEnumerable<IReadOnlyList<BulkClaim>> chunks, Channel<Indexed[]>[] queues, CancellationToken ct)
    {
        var lanes = queues.Length;
        var pending = Enumerable.Range(0, lanes).Select(_ => new List<Indexed>(BatchSize)).ToArray();
        var after = new List<Indexed>();
        // An id's lane, or -1 once a claim that names it goes after the lanes.
        var idLane = new Dictionary<Guid, int>();
        var index = 0;
        await foreach (var chunk in chunks.WithCancellation(ct))
        {
            foreach (var claim in chunk)
            {
                var lane = (int)(Fnv1a(claim.PersonId) % (uint)lanes);
                var (id, target) = (claim.Request.ClaimId, claim.Request.TargetClaimId);
                var shared = Elsewhere(id) || Elsewhere(target);
                if (shared)
                {
                    if (id is { } i) idLane[i] = -1;
                    if (target is { } t) idLane[t] = -1;
                    after.Add(new Indexed(index++, claim));
                    continue;
                }

                if (id is { } own) idLane.TryAdd(own, lane);
                if (target is { } named) idLane.TryAdd(named, lane);
                pending[lane].Add(new Indexed(index++, claim));
                if (pending[lane].Count == BatchSize)
                {
                    queues[lane].Writer.TryWrite([.. pending[lane]]);
                    pending[lane].Clear();
                }

                bool Elsewhere(Guid? named) => named is { } n && idLane.TryGetValue(n, out var l) && l != lane;
            }
        }

        for (var l = 0; l < lanes; l++)
        {
            if (pending[l].Count > 0) queues[l].Writer.TryWrite([.. pending[l]]);
            queues[l].Writer.Complete();
        }

        return after;
    }

    // Stable across runs and processes, unlike string.GetHashCode.
    private static uint Fnv1a(string text)
    {
        var hash = 2166136261u;
        foreach (var c in text) hash = (hash ^ c) * 16777619u;
        return hash;
    }

    /// <summary>The batches in the order given; progress counts this lane's claims.</summary>
    private static async Task<BulkResult> AppendInOrderAsync(
        IDocumentStore store, IAsyncEnumerable<Indexed[]> batches, string recordedBy, TimeProvider time, bool idsChecked, Func<string, CachedSource?>? source,
        Action<int> progress, CancellationToken ct)
    {
        int appended = 0, already = 0, processed = 0;
        TimeSpan checking = default, committing = default;
        var refused = new List<BulkRefusal>();
        await foreach (var batch in batches)
        {
            for (var attempt = 1; ; attempt++)
            {
                try
                {
                    // Once a batch lost a race, its ids are looked up: the one taken is decided as the single path would.
                    var result = await AppendBatchAsync(store, batch, recordedBy, time, source, lookUpIds: !idsChecked || attempt > 1, ct);
                    appended += result.Appended;
                    already += result.AlreadyThere;
                    refused.AddRange(result.Refused);
                    checking += result.Checking;
                    committing += result.Committing;
                    break;
                }
                catch (Exception ex) when (LostRaces.IsLostRace(ex) && attempt < MaxAttempts)
                {
                    await Task.Delay(TimeSpan.FromMilliseconds(10 * attempt), ct);
                }
            }

            progress(processed += batch.Length);
            if (processed == batch.Length) await AnalyzeEventsIfUnplannedAsync(store, ct);
        }

        return new BulkResult(appended, already, refused, checking, committing);
    }

    /// <summary>
    /// Before autovacuum's first analyze of a new database, seq_id has no correlation, so the daemon's gap query is
    /// planned as a bitmap scan and sort of every event above its mark: while the mark waits on a gap, each pass read the
    /// whole backlog (11 s of PostgreSQL per 100,000-claim import against 0.4 s, bench/README.md).
    /// </summary>
    private static async Task AnalyzeEventsIfUnplannedAsync(IDocumentStore store, CancellationToken ct)
    {
        var schema = store.Options.DatabaseSchemaName;
        await using var connection = store.Storage.Database.CreateConnection();
        await connection.OpenAsync(ct);
        await using var command = new NpgsqlCommand($$"""
            do $$
            begin
              if not exists (select 1 from pg_stats where schemaname = '{{schema}}' and tablename = 'mt_events' and attname = 'seq_id' and correlation is not null) then
                analyze {{schema}}.mt_events;
              end if;
            end $$
            """, connection);
        await command.ExecuteNonQueryAsync(ct);
    }

    private sealed record Ready(int Index, string PersonId, AppendClaimRequest Request, Guid ClaimId, ValidTime? ValidTime, SourceDocument Source);

    private static async Task<BulkResult> AppendBatchAsync(
        IDocumentStore store, Indexed[] batch, string recordedBy, TimeProvider time, Func<string, CachedSource?>? source, bool lookUpIds, CancellationToken ct)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var refused = new List<BulkRefusal>();
        var ready = new List<Ready>(batch.Length);
        foreach (var (i, (personId, given)) in batch)
        {
            var request = given with { RecordedBy = recordedBy };
            if (PersonStream.RefuseIfBadSlug(personId) is { } badSlug)
            {
                refused.Add(Refusal(i, personId, request.ClaimId, badSlug));
                continue;
            }

            var errors = ClaimTypes.Check(request, out var validTime);
            if (errors.Any)
            {
                refused.Add(Refusal(i, personId, request.ClaimId, errors.ToProblem()));
                continue;
            }

            if ((source?.Invoke(request.SourceId!) ?? await SourceCache.LoadAsync(store, request.SourceId!, ct)) is not { } cached)
            {
                refused.Add(Refusal(i, personId, request.ClaimId,
                    Problems.Invalid("sourceId", $"'{request.SourceId}' is not a registered source: register it with POST /api/sources first")));
                continue;
            }

            if (Evidence.Check(cached, personId, request, out request) is { } unsupported)
            {
                refused.Add(Refusal(i, personId, request.ClaimId, unsupported));
                continue;
            }

            ready.Add(new Ready(i, personId, request, request.ClaimId ?? Guid.CreateVersion7(time.GetUtcNow()), validTime, cached.Document));
        }

        var personIds = ready.Select(r => r.PersonId).Concat(ready.Select(r => r.Request.Claimant?.PersonId?.Trim()).OfType<string>()).Distinct().ToArray();
        var (people, owners, records) = await ReadAsync(store, personIds, lookUpIds ? [.. ready.Select(r => r.ClaimId).Distinct()] : [],
            [.. ready.Select(r => r.Request.TargetClaimId).OfType<Guid>().Distinct()], ct);

        var decided = new Dictionary<Guid, (string PersonId, object Event)>();
        var streams = new Dictionary<string, (List<object> Events, List<EntryId> Entries)>(StringComparer.Ordinal);
        var already = 0;
        foreach (var r in ready)
        {
            if (!people.TryGetValue(r.PersonId, out var person))
            {
                refused.Add(Refusal(r.Index, r.PersonId, r.ClaimId, Problems.NotFound($"No person '{r.PersonId}' is registered.")));
                continue;
            }

            if (r.Request.Claimant?.PersonId is { } claimantId && !people.ContainsKey(claimantId.Trim()))
            {
                refused.Add(Refusal(r.Index, r.PersonId, r.ClaimId,
                    Problems.Invalid("claimant.personId", $"'{claimantId}' is not a registered person: register the claimant with POST /api/people first")));
                continue;
            }

            var owner = owners.GetValueOrDefault(r.ClaimId);
            var existing = owner is null ? null : records.GetValueOrDefault(r.ClaimId);
            var target = ClaimTypes.NeedsTarget(r.Request.Type!) ? records.GetValueOrDefault(r.Request.TargetClaimId!.Value) : null;
            var decision = AppendClaimEndpoint.Decide(person.Id, r.Request, r.ClaimId, r.ValidTime, r.Source, existing, target, owner);
            if (decision.Refusal is { } refusal)
            {
                refused.Add(Refusal(r.Index, r.PersonId, r.ClaimId, refusal));
                continue;
            }

            if (decision.Events.Count == 0)
            {
                already++;
                continue;
            }

            // The same id twice in one batch: a repeat of the same claim appends once; anything else is the conflict it would be later.
            if (decided.TryGetValue(decision.ResultId, out var earlier))
            {
                if (earlier.PersonId == r.PersonId && Equals(earlier.Event, decision.Events[0])) already++;
                else refused.Add(Refusal(r.Index, r.PersonId, r.ClaimId, Problems.Conflict($"Id {decision.ResultId} is given to two different claims in this batch.")));
                continue;
            }

            decided[decision.ResultId] = (r.PersonId, decision.Events[0]);
            if (!streams.TryGetValue(person.Id, out var stream)) streams[person.Id] = stream = ([], []);
            stream.Events.AddRange(decision.Events);
            stream.Entries.Add(new EntryId { Id = decision.ResultId, PersonId = person.Id });
        }

        var checking = clock.Elapsed;
        // The commit fails as a lost race if another writer moved one of the streams since it was read.
        var writes = streams.Select(s => new StreamWrite(s.Key, people[s.Key].Version, s.Value.Events, recordedBy, s.Value.Entries, null)).ToArray();
        if (writes.Length > 0) await EventWriter.For(store).WriteAsync(writes, ct);
        return new BulkResult(decided.Count, already, refused, checking, clock.Elapsed - checking);
    }

    /// <summary>
    /// Everything a batch's decisions read, in one round trip: the people; who holds each of the claims' ids and, when it is
    /// a claim, that claim; and the claims the batch's amendments target. A new id costs one probe of the ids' primary key:
    /// the claims index is read only for the ids already taken (every appended id is reserved with its entry). No ids, no
    /// probe.
    /// </summary>
    private static async Task<(Dictionary<string, Person> People, Dictionary<Guid, string> Owners, Dictionary<Guid, ClaimRecord> Records)> ReadAsync(
        IDocumentStore store, string[] personIds, Guid[] ids, Guid[] targets, CancellationToken ct)
    {
        var schema = store.Options.DatabaseSchemaName;
        var serializer = store.Options.Serializer();
        await using var connection = store.Storage.Database.CreateConnection();
        await connection.OpenAsync(ct);
        await using var batch = new NpgsqlBatch(connection);
        var index = ClaimIndex.For(store);
        batch.BatchCommands.Add(new NpgsqlBatchCommand($"select data from {schema}.{EventWriter.TableOf<Person>()} where id = any($1)")
        {
            Parameters = { new NpgsqlParameter<string[]> { TypedValue = personIds } },
        });
        if (ids.Length > 0)
        {
            batch.BatchCommands.Add(new NpgsqlBatchCommand($"select id, data ->> 'personId' from {schema}.{EventWriter.TableOf<EntryId>()} where id = any($1)")
            {
                Parameters = { new NpgsqlParameter<Guid[]> { TypedValue = ids } },
            });
        }

        // The claims holding ids already taken, and the claims the amendments target.
        if (ids.Length > 0 || targets.Length > 0)
        {
            batch.BatchCommands.Add(new NpgsqlBatchCommand($"""
                select {index.Columns} from {index.From}
                where i.id = any(array(select x.id from {schema}.{EventWriter.TableOf<EntryId>()} as x where x.id = any($1)) || $2)
                """)
            {
                Parameters = { new NpgsqlParameter<Guid[]> { TypedValue = ids }, new NpgsqlParameter<Guid[]> { TypedValue = targets } },
            });
        }

        var people = new Dictionary<string, Person>(StringComparer.Ordinal);
        var owners = new Dictionary<Guid, string>();
        var records = new Dictionary<Guid, ClaimRecord>();
        await using var reader = await batch.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            var person = serializer.FromJson<Person>(reader, 0);
            people[person.Id] = person;
        }

        if (ids.Length > 0)
        {
            await reader.NextResultAsync(ct);
            while (await reader.ReadAsync(ct)) owners[reader.GetGuid(0)] = reader.GetString(1);
        }

        if (ids.Length > 0 || targets.Length > 0)
        {
            await reader.NextResultAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                var record = await index.ReadAsync(reader, ct);
                records[record.Id] = record;
            }
        }

        return (people, owners, records);
    }

    /// <summary>
    /// Opens the streams of the people not yet registered, a batch to a commit through the write path (as one statement per
    /// table: a Marten session sent three statements per person); people already on record are left as they are.
    /// </summary>
    public static async Task<BulkRegistration> RegisterAsync(IDocumentStore store, IReadOnlyList<RegisterPerson> people, string recordedBy, CancellationToken ct)
    {
        int registered = 0, already = 0;
        var refused = new List<BulkRefusal>();
        for (var offset = 0; offset < people.Count; offset += BatchSize)
        {
            var batch = new List<(int Index, RegisterPerson Person)>();
            for (var i = offset; i < Math.Min(people.Count, offset + BatchSize); i++)
            {
                if (RegisterPersonEndpoint.Check(people[i]) is { } problem) refused.Add(Refusal(i, people[i].Id ?? "", null, problem));
                else batch.Add((i, people[i]));
            }

            for (var attempt = 1; ; attempt++)
            {
                try
                {
                    HashSet<string> onRecord;
                    await using (var query = store.QuerySession())
                    {
                        onRecord = (await query.LoadManyAsync<Person>(ct, batch.Select(p => p.Person.Id!).Distinct())).Select(p => p.Id).ToHashSet(StringComparer.Ordinal);
                    }

                    var writes = new List<StreamWrite>();
                    foreach (var (_, p) in batch)
                    {
                        if (!onRecord.Add(p.Id!)) continue;
                        var aliases = p.Aliases?.Select(a => a.Trim()).Where(a => a != p.Name!.Trim()).Distinct().ToList() ?? [];
                        // The events' user_name is recordedBy, as every other write's.
                        writes.Add(new StreamWrite(p.Id!, 0, [new PersonRegistered(p.Id!, p.Name!.Trim(), aliases, recordedBy)], recordedBy, [], null));
                    }

                    if (writes.Count > 0) await EventWriter.For(store).WriteAsync(writes, ct);
                    registered += writes.Count;
                    already += batch.Count - writes.Count;
                    break;
                }
                catch (Exception ex) when (LostRaces.IsLostRace(ex) && attempt < MaxAttempts)
                {
                    // Someone registered one of them meanwhile: look again.
                }
            }
        }

        return new BulkRegistration(registered, already, refused);
    }

    private static BulkRefusal Refusal(int index, string personId, Guid? claimId, IResult problem) =>
        problem is ProblemHttpResult p
            ? new BulkRefusal(index, personId, claimId, p.StatusCode, p.ProblemDetails.Detail ?? p.ProblemDetails.Title ?? "refused")
            : new BulkRefusal(index, personId, claimId, StatusCodes.Status422UnprocessableEntity, "refused");
}
