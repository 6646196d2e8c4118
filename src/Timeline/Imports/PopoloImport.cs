using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Marten;
using Npgsql;
using Timeline.Claims;
using Timeline.Hosting;
using Timeline.People;
using Timeline.Sources;

namespace Timeline.Imports;

/// <summary>Which source a Popolo file is: <paramref name="Series"/> is its identity (a URL), shared by its versions.</summary>
public sealed record PopoloSource(string Series, string? Publisher = null, string? Title = null, DateTimeOffset? PublishedAt = null)
{
    /// <summary>A version's publishedAt as the HTTP route and the command both take it: ISO 8601, UTC when no offset is given.</summary>
    public static bool TryParsePublishedAt(string text, out DateTimeOffset time) =>
        DateTimeOffset.TryParse(text, System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AssumeUniversal, out time);
}

public sealed record KindCount(string Kind, int Read, int Rejected);

/// <summary>What an import did: counts per kind of record, what it appended, and every rejected record by pointer.</summary>
public sealed record ImportReport(
    string SourceId,
    string Series,
    string ContentHash,
    IReadOnlyList<KindCount> Records,
    int PeopleRegistered,
    int PeopleAlreadyThere,
    int ClaimsAppended,
    int ClaimsAlreadyThere,
    int ClaimsNoLongerStated,
    IReadOnlyList<RejectedRecord> Rejected,
    double CheckingSeconds = 0,
    double CommittingSeconds = 0,
    int ClaimsStatedAgain = 0);

/// <summary>Why a file was refused as a whole; nothing was written. <paramref name="Malformed"/>: it is not JSON at all.</summary>
public sealed class PopoloRefusedException(string reason, bool malformed = false) : Exception(reason)
{
    public bool Malformed { get; } = malformed;
}

/// <summary>
/// Imports a Popolo file as a structured source. Every step can be run again: the source version is stored under an id
/// derived from its series and content hash (and its publishedAt, when it puts back content the series published before),
/// people under ids derived from the file (and kept from earlier versions of the series), claims under ids derived from the
/// series and their content, and notices of claims no longer stated under ids derived from the claim and the version.
/// So a run that stopped half-way is completed by running it again, and a re-import appends nothing.
/// </summary>
public static class PopoloImport
{
    public const string DefaultPublisher = "Popolo import";

    // Memberships read before their claims go to the bulk path: enough for a few batches per lane, few enough that the first
    // commits start soon after the file is parsed.
    private const int MembershipsPerPart = 4 * BulkAppend.BatchSize;

    public static async Task<ImportReport> RunAsync(
        IDocumentStore store, string text, PopoloSource source, string recordedBy, TimeProvider time,
        Action<string, int, int>? progress, CancellationToken ct)
    {
        JsonElement root;
        try
        {
            using var parsed = JsonDocument.Parse(text);
            root = parsed.RootElement.Clone();
        }
        catch (JsonException ex)
        {
            throw new PopoloRefusedException($"the file is not JSON: {ex.Message}", malformed: true);
        }

        // PostgreSQL cannot store NUL in text or jsonb: refused here rather than failing in the write.
        if (text.Contains("\\u0000", StringComparison.OrdinalIgnoreCase)) throw new PopoloRefusedException("a string holds a NUL character (\\u0000), which the record cannot store", malformed: true);

        if (PopoloFile.WhyRefused(root) is { } refusal) throw new PopoloRefusedException(refusal);
        if (!Uri.TryCreate(source.Series, UriKind.Absolute, out _)) throw new PopoloRefusedException($"the source '{source.Series}' is not an absolute URI");

        // Person ids come from the ids earlier versions gave, and which version this is from the versions on record: two
        // imports read and stored at once could give one id to two people or store one republication twice, so the imports
        // of a series take turns until this version (and its ids) is stored.
        var hash = SourceDocument.HashOf(text);
        var series = await SeriesLock.TakeAsync(store, source.Series, ct);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        Task<(SourceDocument, bool)>? storing = null;
        Task<BulkRegistration>? registering = null;
        PopoloFile file;
        List<AcceptedPerson> register;
        SourceDocument? document = null;
        BulkRegistration? people = null;
        CachedSource? read = null;
        // Every claim the file states, in file order; those not on record, as the bulk path numbers them; the ids on record.
        var stated = new List<StatedClaim>();
        var toAppend = new List<BulkClaim>();
        var onRecord = new HashSet<Guid>();
        var planned = 0;
        BulkResult appended;
        try
        {
            // Read once the series is ours: imports that take turns take their default "now" in the same order.
            var publishedAt = source.PublishedAt ?? time.GetUtcNow();
            var (id, _, personIds, seriesSeen) = await PriorAsync(store, source.Series, hash, publishedAt, source.PublishedAt is not null, ct);
            file = PopoloFile.ReadPeople(root, personIds);

            // The file is stored while its people are registered and its memberships read: the writes wait on PostgreSQL while
            // the claims keep the cores busy.
            var personIdsOfFile = file.PersonIds();
            storing = Task.Run(() => StoreVersionAsync(store, id, hash, text, source, publishedAt, personIdsOfFile, recordedBy, time, stop.Token), stop.Token);
            register = [.. file.Persons.Values.OrderBy(p => p.Index)];
            progress?.Invoke("people", 0, register.Count);
            var toRegister = register.Select(p => new RegisterPerson(p.Slug, p.Record.Name,
                [.. (p.Record.OtherNames ?? []).Select(n => n?.Name).OfType<string>().Where(n => n.Trim().Length > 0)], recordedBy)).ToList();
            registering = Task.Run(async () =>
            {
                var registered = await BulkAppend.RegisterAsync(store, toRegister, recordedBy, stop.Token);
                progress?.Invoke("people", register.Count, register.Count);
                return registered;
            }, stop.Token);

            // The claims are made and appended part by part: the first batches commit (once the people are registered) while
            // the rest of the file is read.
            async IAsyncEnumerable<IReadOnlyList<BulkClaim>> Claims([EnumeratorCancellation] CancellationToken token)
            {
                var first = true;
                foreach (var part in file.ReadMemberships(root, MembershipsPerPart))
                {
                    token.ThrowIfCancellationRequested();
                    if (document is null)
                    {
                        bool storedBefore;
                        (document, storedBefore) = await storing;
                        await series.DisposeAsync();
                        // The stored version has this text (it was found or stored by the content's hash). A claim's id is
                        // derived from the series and the claim, so claims can be on record only once a version of the series
                        // was: this one by a run that stopped half-way, or another.
                        seriesSeen |= storedBefore;
                        read = SourceCache.Structured(document, StructuredDocument.OfPopolo(root, file));
                    }

                    // Claimed by the stored version's publisher: another import may have stored this version first.
                    var claims = file.Claims(id, source.Series, document.Publisher, persons: first, part);
                    first = false;
                    stated.AddRange(claims);
                    // The batches look up no ids: the ids' primary key refuses one taken since (or posted by hand), and that
                    // batch is decided again with the look-up.
                    if (seriesSeen) onRecord.UnionWith(await TakenAsync(store, claims.Select(c => c.Request.ClaimId!.Value), token));
                    var fresh = claims.Where(c => !onRecord.Contains(c.Request.ClaimId!.Value)).Select(c => new BulkClaim(c.PersonId, c.Request)).ToList();
                    toAppend.AddRange(fresh);
                    Interlocked.Add(ref planned, fresh.Count);
                    yield return fresh;
                }

                // Wholly read: the claims appended by hand later check against the file parsed here.
                SourceCache.Keep(store, read!);
            }

            progress?.Invoke("claims", 0, 0);
            appended = await BulkAppend.AppendAsync(store, Claims(stop.Token), recordedBy, time, done => progress?.Invoke("claims", done, Volatile.Read(ref planned)),
                stop.Token, idsChecked: true, source: sourceId => sourceId == read?.Document.Id ? read : null, ready: registering);
            people = await registering;
        }
        catch
        {
            // Nothing goes on writing behind a failure (a run again completes what was done).
            await stop.CancelAsync();
            await Task.WhenAll(new Task?[] { storing, registering }.OfType<Task>()).ContinueWith(_ => { }, TaskScheduler.Default);
            await series.DisposeAsync();
            throw;
        }

        var rejected = new List<RejectedRecord>(file.Rejected);
        rejected.AddRange(people!.Refused.Select(r => new RejectedRecord($"/persons/{register[r.Index].Index}", r.Problem)));
        rejected.AddRange(appended.Refused.Select(r => new RejectedRecord(toAppend[r.Index].Request.Pointer!, r.Problem)).Distinct());

        var statedIds = stated.Select(s => s.Request.ClaimId!.Value).ToHashSet();
        var (noLonger, again) = await MarkNoLongerStatedAsync(store, document!, statedIds, recordedBy, ct);

        var records = file.Counts.Select(c => new KindCount(c.Key, c.Value, rejected.Count(r => r.Pointer.StartsWith($"/{c.Key}/", StringComparison.Ordinal))))
            .OrderBy(c => c.Kind, StringComparer.Ordinal).ToList();
        return new ImportReport(document!.Id, document.Series!, document.TextHash, records, people.Registered, people.AlreadyThere,
            appended.Appended, appended.AlreadyThere + onRecord.Count, noLonger, [.. rejected.OrderBy(r => r.Pointer, StringComparer.Ordinal)],
            appended.Checking.TotalSeconds, appended.Committing.TotalSeconds, again);
    }

    private static string PublisherOf(PopoloSource source) => string.IsNullOrWhiteSpace(source.Publisher) ? DefaultPublisher : source.Publisher.Trim();

    private static string VersionId(string series, string hash) =>
        "src-" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"{series}\n{hash}")))[..16];

    private static string RepublishedVersionId(string series, string hash, DateTimeOffset publishedAt) =>
        "src-" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(
            $"{series}\n{hash}\n{publishedAt.UtcDateTime.ToString("O", System.Globalization.CultureInfo.InvariantCulture)}")))[..16];

    private sealed record VersionOnRecord(string Id, string Publisher, DateTimeOffset PublishedAt, string TextHash, Dictionary<string, string>? PersonIds);

    /// <summary>The versions of a series on record, without their texts.</summary>
    private static async Task<List<VersionOnRecord>> VersionsAsync(IQuerySession query, string series, CancellationToken ct) =>
        (await query.Query<SourceDocument>().Where(s => s.Series == series)
            .Select(s => new { s.Id, s.Publisher, s.PublishedAt, s.TextHash, s.PersonIds }).ToListAsync(ct))
            .Select(v => new VersionOnRecord(v.Id, v.Publisher, v.PublishedAt, v.TextHash, v.PersonIds)).ToList();

    /// <summary>
    /// Which version this content is (<see cref="VersionOf"/>) and whether it is on record; the person ids the file's persons
    /// keep (this version's own, else those of the earlier versions, the newest first); and whether any version of the
    /// series is on record.
    /// </summary>
    private static async Task<(string Id, VersionOnRecord? Stored, Dictionary<string, string>? PersonIds, bool SeriesSeen)> PriorAsync(
        IDocumentStore store, string series, string hash, DateTimeOffset publishedAt, bool publishedAtGiven, CancellationToken ct)
    {
        await using var query = store.QuerySession();
        var versions = await VersionsAsync(query, series, ct);
        var (id, stored) = VersionOf(versions, series, hash, publishedAt, publishedAtGiven);
        if (versions.Count == 0) return (id, null, null, false);
        if (stored is not null) return (id, stored, await PersonIdsOfAsync(store, query, stored, ct), true);

        var known = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var version in versions.OrderByDescending(v => v.PublishedAt).ThenBy(v => v.Id, StringComparer.Ordinal))
        {
            foreach (var (popoloId, personId) in await PersonIdsOfAsync(store, query, version, ct) ?? []) known.TryAdd(popoloId, personId);
        }

        return (id, null, known, true);
    }

    /// <summary>
    /// The version a content is, given the series' versions on record. Content the series published before is that version
    /// (stored before) unless it is put back as the newest: published after the newest version, which says something else.
    /// Then it is a publication of its own: what the versions between dropped is stated again, what they added no longer stated.
    /// </summary>
    /// <param name="publishedAtGiven">
    /// Only a publication time the caller gives makes a republication: without one, a script that imports v1 then v2 run
    /// again would otherwise republish both, each time.
    /// </param>
    private static (string Id, VersionOnRecord? Stored) VersionOf(
        List<VersionOnRecord> versions, string series, string hash, DateTimeOffset publishedAt, bool publishedAtGiven)
    {
        var same = versions.Where(v => v.TextHash == hash).OrderByDescending(v => v.PublishedAt).ThenBy(v => v.Id, StringComparer.Ordinal).ToList();
        if (same.Count == 0) return (VersionId(series, hash), null);

        var newest = versions.Max(v => v.PublishedAt);
        if (publishedAtGiven && same[0].PublishedAt < newest && publishedAt > newest) return (RepublishedVersionId(series, hash, publishedAt), null);
        return (same[0].Id, same[0]);
    }

    /// <summary>
    /// A version stored before the ids were kept with it gave the ids its own file gives alone: worked out once and kept
    /// with it, so later imports do not parse its text again.
    /// </summary>
    private static async Task<Dictionary<string, string>?> PersonIdsOfAsync(IDocumentStore store, IQuerySession query, VersionOnRecord version, CancellationToken ct)
    {
        if (version.PersonIds is not null) return version.PersonIds;
        if (await query.LoadAsync<SourceDocument>(version.Id, ct) is not { } document) return null;
        using var parsed = JsonDocument.Parse(document.Text);
        var ids = PopoloFile.ReadPeople(parsed.RootElement).PersonIds();
        await using var connection = store.Storage.Database.CreateConnection();
        await connection.OpenAsync(ct);
        await using var keep = new NpgsqlCommand(
            $"update {store.Options.DatabaseSchemaName}.{EventWriter.TableOf<SourceDocument>()} set data = jsonb_set(data, '{{personIds}}', $2::jsonb) where id = $1 and coalesce(data -> 'personIds', 'null'::jsonb) = 'null'::jsonb",
            connection);
        keep.Parameters.Add(new NpgsqlParameter<string> { TypedValue = version.Id });
        keep.Parameters.Add(new NpgsqlParameter<string> { TypedValue = store.Options.Serializer().ToJson(ids), NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Jsonb });
        await keep.ExecuteNonQueryAsync(ct);
        return ids;
    }

    /// <summary>
    /// This version of the series, stored once: the same content again finds the version already stored (and says so).
    /// </summary>
    private static async Task<(SourceDocument Document, bool StoredBefore)> StoreVersionAsync(
        IDocumentStore store, string id, string hash, string text, PopoloSource source, DateTimeOffset publishedAt, Dictionary<string, string> personIds,
        string recordedBy, TimeProvider time, CancellationToken ct)
    {
        // Whatever was kept under this id from before a reset of the data is dropped, as a registration does.
        SourceCache.Forget(store, id);
        await using var session = store.QuerySession();
        if (await session.LoadAsync<SourceDocument>(id, ct) is { } stored) return (stored, true);

        var now = time.GetUtcNow();
        var document = new SourceDocument
        {
            Id = id,
            Url = source.Series,
            Publisher = PublisherOf(source),
            Title = string.IsNullOrWhiteSpace(source.Title) ? $"Popolo file {source.Series}" : source.Title.Trim(),
            PublishedAt = publishedAt,
            Text = null!,
            TextHash = hash,
            RegisteredAt = now,
            RegisteredBy = recordedBy,
            Format = SourceFormats.Popolo,
            Series = source.Series,
            PersonIds = personIds,
        };
        // A file can be tens of MB: it goes to PostgreSQL as plain text, set into the document's JSON there. Written as a
        // JSON string here it would be escaped first, through a buffer six times its length (a 10 MB file: 130 MB, then
        // kept by the array pool), and parsed again by the server. Another import storing the same version first wins;
        // this one reads it.
        await using var insert = store.Storage.Database.CreateConnection();
        await insert.OpenAsync(ct);
        await using var command = new NpgsqlCommand($"""
            insert into {store.Options.DatabaseSchemaName}.{EventWriter.TableOf<SourceDocument>()} (id, data, mt_version, mt_dotnet_type, mt_last_modified)
            values ($1, $2 || jsonb_build_object('{nameof(SourceDocument.Text).ToLowerInvariant()}', $4::text), gen_random_uuid(), $3, transaction_timestamp())
            on conflict (id) do nothing
            """, insert);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = id });
        command.Parameters.Add(new NpgsqlParameter<byte[]> { TypedValue = EventWriter.For(store).JsonOf(document), NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Jsonb });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = typeof(SourceDocument).FullName! });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = text, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
        document.Text = text;
        if (await command.ExecuteNonQueryAsync(ct) == 1) return (document, false);
        return ((await session.LoadAsync<SourceDocument>(id, ct))!, true);
    }

    /// <summary>
    /// The imports of one series take turns: a PostgreSQL advisory lock taken in a transaction of its own, so it ends with
    /// that transaction however the import ends (rolled back on dispose, or when the connection goes).
    /// </summary>
    private sealed class SeriesLock : IAsyncDisposable
    {
        private NpgsqlConnection? _connection;

        public static async Task<SeriesLock> TakeAsync(IDocumentStore store, string series, CancellationToken ct)
        {
            var connection = store.Storage.Database.CreateConnection();
            try
            {
                await connection.OpenAsync(ct);
                await using var take = new NpgsqlBatch(connection) { Timeout = 600 };
                take.BatchCommands.Add(new NpgsqlBatchCommand("begin"));
                var lockCommand = new NpgsqlBatchCommand("select pg_advisory_xact_lock($1)");
                lockCommand.Parameters.Add(new NpgsqlParameter<long> { TypedValue = BitConverter.ToInt64(SHA256.HashData(Encoding.UTF8.GetBytes($"timeline popolo series\n{series}")), 0) });
                take.BatchCommands.Add(lockCommand);
                await take.ExecuteNonQueryAsync(ct);
                return new SeriesLock { _connection = connection };
            }
            catch
            {
                await connection.DisposeAsync();
                throw;
            }
        }

        public async ValueTask DisposeAsync()
        {
            if (Interlocked.Exchange(ref _connection, null) is not { } connection) return;
            try
            {
                await using var end = new NpgsqlCommand("rollback", connection);
                await end.ExecuteNonQueryAsync(CancellationToken.None);
            }
            catch (Exception ex) when (ex is NpgsqlException or InvalidOperationException)
            {
                // The connection broke: the server ended the transaction, and the lock with it.
            }
            finally
            {
                await connection.DisposeAsync();
            }
        }
    }

    /// <summary>The ids already on record, in one statement that reads only the index (nothing is deserialised).</summary>
    private static async Task<HashSet<Guid>> TakenAsync(IDocumentStore store, IEnumerable<Guid> ids, CancellationToken ct)
    {
        var taken = new HashSet<Guid>();
        await using var connection = store.Storage.Database.CreateConnection();
        await connection.OpenAsync(ct);
        await using var command = new NpgsqlCommand($"select id from {store.Options.DatabaseSchemaName}.mt_doc_entryid where id = any($1)", connection);
        command.Parameters.Add(new NpgsqlParameter<Guid[]> { TypedValue = ids.Distinct().ToArray() });
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct)) taken.Add(reader.GetGuid(0));
        return taken;
    }

    /// <summary>
    /// When this is the series' newest version: every claim an earlier version stated that this one does not is marked
    /// no longer stated (first seen: the version that first stated it; last seen: the newest earlier version), and every
    /// claim so marked that this one states again is marked stated again. Returns how many of each.
    /// </summary>
    private static async Task<(int NoLonger, int Again)> MarkNoLongerStatedAsync(
        IDocumentStore store, SourceDocument version, HashSet<Guid> stated, string recordedBy, CancellationToken ct)
    {
        await using var query = store.QuerySession();
        // Asked of the series' index alone first: reading a version's fields reads its whole text (many MB) from TOAST.
        if (!await query.Query<SourceDocument>().AnyAsync(s => s.Series == version.Series && s.Id != version.Id, ct)) return (0, 0);
        // Read again, not taken from the start of the import: a newer version stored meanwhile says what is still stated.
        var versions = await VersionsAsync(query, version.Series!, ct);
        var earlier = versions.Where(v => v.Id != version.Id).ToList();
        if (earlier.Count == 0) return (0, 0);
        // An older version imported late (a snapshot found later) says nothing about what the newest one stopped stating,
        // but what it alone states, the version published after it no longer states.
        if (earlier.Where(v => v.PublishedAt > version.PublishedAt).MinBy(v => v.PublishedAt) is { } next)
        {
            return (await DroppedByNextAsync(store, query, version, stated, next, recordedBy, ct), 0);
        }

        var earlierIds = earlier.Select(v => v.Id).ToArray();
        var lastSeen = earlier.Max(v => v.PublishedAt);
        var claims = await query.ClaimsAsync(new ClaimFilter { SourceIds = earlierIds }, ct);
        var dropped = claims
            .Where(c => !c.IsNoLongerStated && !stated.Contains(c.Id))
            .Select(c => (IClaimAmendment)new ClaimNoLongerStated(NoticeId("no-longer-stated", c.Id, version.Id), c.Id, c.Proposition, version.Series!, version.Id,
                c.ReportedAt, lastSeen, version.PublishedAt, recordedBy))
            .ToList();
        // Dropped by a version before this one, and stated here again (a correction undone): it counts again from this version.
        var restated = claims
            .Where(c => c.IsNoLongerStated && stated.Contains(c.Id) && c.NoLongerStated!.NewerPublishedAt < version.PublishedAt)
            .Select(c => (IClaimAmendment)new ClaimStatedAgain(NoticeId("stated-again", c.Id, version.Id), c.Id, c.Proposition, version.Series!, version.Id,
                version.PublishedAt, recordedBy))
            .ToList();
        return (await AppendNoticesAsync(store, dropped, ct), await AppendNoticesAsync(store, restated, ct));
    }

    /// <summary>
    /// The claims a version imported late states that the version published next after it does not: no longer stated from
    /// that version's publication (read with an earlier <c>reportedAt</c>, they count).
    /// </summary>
    private static async Task<int> DroppedByNextAsync(
        IDocumentStore store, IQuerySession query, SourceDocument version, HashSet<Guid> stated, VersionOnRecord next, string recordedBy, CancellationToken ct)
    {
        if (await query.LoadAsync<SourceDocument>(next.Id, ct) is not { } document) return 0;
        HashSet<Guid> statedNext;
        using (var parsed = JsonDocument.Parse(document.Text))
        {
            statedNext = [.. PopoloFile.Read(parsed.RootElement, next.PersonIds).Claims(next.Id, version.Series!, document.Publisher).Select(c => c.Request.ClaimId!.Value)];
        }

        var only = stated.Where(id => !statedNext.Contains(id)).ToArray();
        if (only.Length == 0) return 0;
        var claims = await query.ClaimsAsync(new ClaimFilter { Ids = only }, ct);
        // Only what this version first stated: a claim another version stated too is that version's to mark (a newer one
        // may state it still).
        var dropped = claims
            .Where(c => c.SourceId == version.Id && !c.IsNoLongerStated)
            .Select(c => (IClaimAmendment)new ClaimNoLongerStated(NoticeId("no-longer-stated", c.Id, next.Id), c.Id, c.Proposition, version.Series!, next.Id,
                c.ReportedAt, version.PublishedAt, next.PublishedAt, recordedBy))
            .ToList();
        return await AppendNoticesAsync(store, dropped, ct);
    }

    /// <summary>Appends each notice to its claim's person once (its id reserved, so a run again appends none twice).</summary>
    private static async Task<int> AppendNoticesAsync(IDocumentStore store, List<IClaimAmendment> notices, CancellationToken ct)
    {
        if (notices.Count == 0) return 0;
        static Guid IdOf(IClaimAmendment notice) => notice switch
        {
            ClaimNoLongerStated n => n.NoticeId,
            ClaimStatedAgain a => a.NoticeId,
            _ => throw new ArgumentOutOfRangeException(nameof(notice)),
        };

        var marked = 0;
        foreach (var chunk in notices.Chunk(BulkAppend.BatchSize))
        {
            // Another import of the series may be appending to the same people now (the series lock ends once its version is
            // stored): a lost race looks again at what is marked and goes again.
            for (var attempt = 1; ; attempt++)
            {
                try
                {
                    var done = await TakenAsync(store, chunk.Select(IdOf), ct);
                    var left = chunk.Where(n => !done.Contains(IdOf(n))).ToList();
                    if (left.Count == 0) break;
                    await using var session = store.LightweightSession();
                    await session.BeginTransactionAsync(ct);
                    foreach (var person in left.GroupBy(n => n.Proposition.Subject))
                    {
                        session.Events.Append(person.Key, person.Cast<object>().ToArray());
                        foreach (var notice in person) session.Insert(new EntryId { Id = IdOf(notice), PersonId = person.Key });
                    }

                    await session.SaveChangesAsync(ct);
                    marked += left.Count;
                    break;
                }
                catch (Exception ex) when (Hosting.LostRaces.IsLostRace(ex) && attempt < 5)
                {
                    await Task.Delay(TimeSpan.FromMilliseconds(20 * attempt), ct);
                }
            }
        }

        return marked;
    }

    private static Guid NoticeId(string kind, Guid claimId, string sourceId) =>
        new(SHA256.HashData(Encoding.UTF8.GetBytes($"{kind}\n{claimId}\n{sourceId}")).AsSpan(0, 16));
}
