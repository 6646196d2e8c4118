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
public sealed record PopoloSource(string Series, string? Publisher = null, string? Title = null, DateTimeOffset? PublishedAt = null);

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
    double CommittingSeconds = 0);

/// <summary>Why a file was refused as a whole; nothing was written. <paramref name="Malformed"/>: it is not JSON at all.</summary>
public sealed class PopoloRefusedException(string reason, bool malformed = false) : Exception(reason)
{
    public bool Malformed { get; } = malformed;
}

/// <summary>
/// Imports a Popolo file as a structured source. Every step can be run again: the source version is stored under an id
/// derived from its series and content hash, people under ids derived from the file, claims under ids derived from the
/// series and their content, and notices of claims no longer stated under ids derived from the claim and the version.
/// So a run that stopped half-way is completed by running it again, and a re-import appends nothing.
/// </summary>
public static class PopoloImport
{
    public const string DefaultPublisher = "Popolo import";

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

        // The versions of the series on record: the ids they gave people, and whether this very version is one of them.
        var id = VersionId(source.Series, SourceDocument.HashOf(text));
        var (stored, personIds, seriesSeen) = await PriorAsync(store, source.Series, id, ct);
        var file = PopoloFile.Read(root, personIds);
        var publisher = stored?.Publisher ?? (string.IsNullOrWhiteSpace(source.Publisher) ? DefaultPublisher : source.Publisher.Trim());

        // The file is stored while its people are registered and its claims made: the writes wait on PostgreSQL while
        // the claims keep a core busy.
        var storing = Task.Run(() => StoreVersionAsync(store, id, text, source, file.PersonIds(), time, ct), ct);
        var register = file.Persons.Values.OrderBy(p => p.Index).ToList();
        progress?.Invoke("people", 0, register.Count);
        var registering = Task.Run(() => BulkAppend.RegisterAsync(store,
            [.. register.Select(p => new RegisterPerson(p.Slug, p.Record.Name, [.. (p.Record.OtherNames ?? []).Select(n => n?.Name).OfType<string>().Where(n => n.Trim().Length > 0)], recordedBy))],
            recordedBy, ct), ct);
        var stated = file.Claims(id, source.Series, publisher).ToList();
        SourceDocument document;
        bool storedBefore;
        try
        {
            (document, storedBefore) = await storing;
        }
        catch
        {
            // Nothing goes on writing behind a failure (a run again completes what was done).
            await Task.WhenAny(registering);
            throw;
        }

        // Another import stored this version meanwhile, published by someone else: the claims are the stored version's.
        if (document.Publisher != publisher) stated = file.Claims(id, source.Series, document.Publisher).ToList();
        // The stored source is this text (its id is the content's hash): the claims' checks read the file parsed here.
        SourceCache.Keep(store, document, StructuredDocument.OfPopolo(root, file));
        var people = await registering;
        progress?.Invoke("people", register.Count, register.Count);
        var rejected = new List<RejectedRecord>(file.Rejected);
        rejected.AddRange(people.Refused.Select(r => new RejectedRecord($"/persons/{register[r.Index].Index}", r.Problem)));

        // A claim's id is derived from the series and the claim, so claims can be on record only once a version of the series
        // was: this one by a run that stopped half-way, or another. Otherwise the batches' own reads are the whole check.
        seriesSeen |= storedBefore;
        var onRecord = seriesSeen ? await TakenAsync(store, stated.Select(s => s.Request.ClaimId!.Value), ct) : [];
        var toAppend = stated.Where(s => !onRecord.Contains(s.Request.ClaimId!.Value)).Select(s => new BulkClaim(s.PersonId, s.Request)).ToList();
        progress?.Invoke("claims", 0, toAppend.Count);
        var appended = await BulkAppend.AppendAsync(store, toAppend, recordedBy, time, done => progress?.Invoke("claims", done, toAppend.Count), ct);
        rejected.AddRange(appended.Refused.Select(r => new RejectedRecord(toAppend[r.Index].Request.Pointer!, r.Problem)).Distinct());

        var statedIds = stated.Select(s => s.Request.ClaimId!.Value).ToHashSet();
        var noLonger = await MarkNoLongerStatedAsync(store, document, statedIds, recordedBy, ct);

        var records = file.Counts.Select(c => new KindCount(c.Key, c.Value, rejected.Count(r => r.Pointer.StartsWith($"/{c.Key}/", StringComparison.Ordinal))))
            .OrderBy(c => c.Kind, StringComparer.Ordinal).ToList();
        return new ImportReport(document.Id, document.Series!, document.TextHash, records, people.Registered, people.AlreadyThere,
            appended.Appended, appended.AlreadyThere + onRecord.Count, noLonger, [.. rejected.OrderBy(r => r.Pointer, StringComparer.Ordinal)],
            appended.Checking.TotalSeconds, appended.Committing.TotalSeconds);
    }

    private static string VersionId(string series, string hash) =>
        "src-" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"{series}\n{hash}")))[..16];

    private sealed record VersionOnRecord(string Id, string Publisher, DateTimeOffset PublishedAt, Dictionary<string, string>? PersonIds);

    /// <summary>
    /// This version if it is on record; the person ids the file's persons keep (this version's own, else those of the
    /// earlier versions, the newest first); and whether any version of the series is on record.
    /// </summary>
    private static async Task<(VersionOnRecord? Stored, Dictionary<string, string>? PersonIds, bool SeriesSeen)> PriorAsync(
        IDocumentStore store, string series, string id, CancellationToken ct)
    {
        await using var query = store.QuerySession();
        var versions = (await query.Query<SourceDocument>().Where(s => s.Series == series)
            .Select(s => new { s.Id, s.Publisher, s.PublishedAt, s.PersonIds }).ToListAsync(ct))
            .Select(v => new VersionOnRecord(v.Id, v.Publisher, v.PublishedAt, v.PersonIds)).ToList();
        if (versions.Count == 0) return (null, null, false);

        var stored = versions.FirstOrDefault(v => v.Id == id);
        if (stored is not null) return (stored, await PersonIdsOfAsync(query, stored, ct), true);

        var known = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var version in versions.OrderByDescending(v => v.PublishedAt).ThenBy(v => v.Id, StringComparer.Ordinal))
        {
            foreach (var (popoloId, personId) in await PersonIdsOfAsync(query, version, ct) ?? []) known.TryAdd(popoloId, personId);
        }

        return (null, known, true);
    }

    // A version stored before the ids were kept with it gave the ids its own file gives alone.
    private static async Task<Dictionary<string, string>?> PersonIdsOfAsync(IQuerySession query, VersionOnRecord version, CancellationToken ct)
    {
        if (version.PersonIds is not null) return version.PersonIds;
        if (await query.LoadAsync<SourceDocument>(version.Id, ct) is not { } document) return null;
        using var parsed = JsonDocument.Parse(document.Text);
        return PopoloFile.Read(parsed.RootElement).PersonIds();
    }

    /// <summary>
    /// This version of the series, stored once: the same content again finds the version already stored (and says so).
    /// </summary>
    private static async Task<(SourceDocument Document, bool StoredBefore)> StoreVersionAsync(
        IDocumentStore store, string id, string text, PopoloSource source, Dictionary<string, string> personIds, TimeProvider time, CancellationToken ct)
    {
        // Whatever was kept under this id from before a reset of the data is dropped, as a registration does.
        SourceCache.Forget(store, id);
        await using var session = store.LightweightSession();
        if (await session.LoadAsync<SourceDocument>(id, ct) is { } stored) return (stored, true);

        var now = time.GetUtcNow();
        var document = new SourceDocument
        {
            Id = id,
            Url = source.Series,
            Publisher = string.IsNullOrWhiteSpace(source.Publisher) ? DefaultPublisher : source.Publisher.Trim(),
            Title = string.IsNullOrWhiteSpace(source.Title) ? $"Popolo file {source.Series}" : source.Title.Trim(),
            PublishedAt = source.PublishedAt ?? now,
            Text = text,
            TextHash = SourceDocument.HashOf(text),
            RegisteredAt = now,
            Format = SourceFormats.Popolo,
            Series = source.Series,
            PersonIds = personIds,
        };
        session.Insert(document);
        try
        {
            await session.SaveChangesAsync(ct);
            return (document, false);
        }
        catch (Exception ex) when (LostRaces.IsLostRace(ex))
        {
            await using var again = store.QuerySession();
            return ((await again.LoadAsync<SourceDocument>(id, ct))!, true);
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

    private sealed record Version(string Id, DateTimeOffset PublishedAt);

    /// <summary>
    /// When this is the series' newest version: every claim an earlier version stated that this one does not is marked
    /// no longer stated (first seen: the version that first stated it; last seen: the newest earlier version).
    /// </summary>
    private static async Task<int> MarkNoLongerStatedAsync(IDocumentStore store, SourceDocument version, HashSet<Guid> stated, string recordedBy, CancellationToken ct)
    {
        await using var query = store.QuerySession();
        var versions = (await query.Query<SourceDocument>().Where(s => s.Series == version.Series).Select(s => new { s.Id, s.PublishedAt }).ToListAsync(ct))
            .Select(v => new Version(v.Id, v.PublishedAt)).ToList();
        var earlier = versions.Where(v => v.Id != version.Id).ToList();
        // An older version imported late says nothing about what the newest one stopped stating.
        if (earlier.Count == 0 || earlier.Any(v => v.PublishedAt > version.PublishedAt)) return 0;

        var earlierIds = earlier.Select(v => v.Id).ToArray();
        var lastSeen = earlier.Max(v => v.PublishedAt);
        var dropped = (await query.Query<ClaimRecord>().Where(c => c.SourceId.IsOneOf(earlierIds)).ToListAsync(ct))
            .Where(c => c.NoLongerStated is null && !stated.Contains(c.Id))
            .Select(c => new ClaimNoLongerStated(NoticeId(c.Id, version.Id), c.Id, c.Proposition, version.Series!, version.Id, c.ReportedAt, lastSeen,
                version.PublishedAt, recordedBy))
            .Select(n => (Notice: n, PersonId: n.Proposition.Subject))
            .ToList();
        if (dropped.Count == 0) return 0;

        var done = await TakenAsync(store, dropped.Select(d => d.Notice.NoticeId), ct);
        var marked = 0;
        foreach (var chunk in dropped.Where(d => !done.Contains(d.Notice.NoticeId)).Chunk(BulkAppend.BatchSize))
        {
            await using var session = store.LightweightSession();
            await session.BeginTransactionAsync(ct);
            foreach (var person in chunk.GroupBy(d => d.PersonId))
            {
                session.Events.Append(person.Key, person.Select(d => (object)d.Notice).ToArray());
                foreach (var (notice, personId) in person) session.Insert(new EntryId { Id = notice.NoticeId, PersonId = personId });
            }

            await session.SaveChangesAsync(ct);
            marked += chunk.Length;
        }

        return marked;
    }

    private static Guid NoticeId(Guid claimId, string sourceId) =>
        new(SHA256.HashData(Encoding.UTF8.GetBytes($"no-longer-stated\n{claimId}\n{sourceId}")).AsSpan(0, 16));
}
