using System.Diagnostics.CodeAnalysis;
using JasperFx.Events;
using Marten;
using Microsoft.Extensions.Caching.Memory;
using Timeline.Claims;
using Timeline.Hosting;

namespace Timeline.People;

/// <summary>
/// The latest dossier of each person read recently, kept in memory within a byte budget and brought forward by the
/// events appended since: a read of a new version loads those events instead of every claim. Reading and deserialising
/// the claims was most of a view's cost (the first status read of a new version at 1,000 claims: 6.3 ms, now 0.9).
/// Every use is checked against the database: the header names the stream's state, and the events
/// fetched must begin with the one the dossier ended at, so a dossier is never used for another state of the record
/// (a write through another node, a stream reset). Stored dossiers are never changed: a newer one is a copy
/// (<see cref="PersonDossier.Extend"/>).
/// </summary>
public sealed class Dossiers : IDisposable
{
    public const long DefaultBudgetBytes = 96L * 1024 * 1024;

    // A claim's objects without their text: the record and its five parts, about 640 bytes in a heap dump.
    private const int BytesPerClaim = 700;

    private readonly long _budget;
    private readonly MemoryCache _cache;

    public Dossiers(IConfiguration configuration)
    {
        _budget = configuration.GetValue("Timeline:DossiersBytes", DefaultBudgetBytes);
        _cache = new MemoryCache(new MemoryCacheOptions { SizeLimit = Math.Max(_budget, 1) });
    }

    /// <summary>The dossier of everything on record about the person now; null when no such person is registered.</summary>
    /// <param name="header">The person's header if the caller has just read it: the dossier is then of that state or a later one.</param>
    public async Task<PersonDossier?> NowAsync(IQuerySession session, string id, CancellationToken ct, Person? header = null)
    {
        if (_budget > 0 && TryGet(id, out var kept))
        {
            header ??= await session.LoadAsync<Person>(id, ct);
            if (header is null)
            {
                _cache.Remove(id);
                return null;
            }

            if (SameState(header, kept.Person))
            {
                Count(ref _kept, "kept");
                return kept;
            }

            if (header.Version > kept.Version)
            {
                var events = await session.Events.FetchStreamAsync(id, version: header.Version, fromVersion: kept.Version, token: ct);
                if (Continues(events, kept.Person, header))
                {
                    var next = kept.Extend(events.Skip(1));
                    Set(next);
                    Count(ref _broughtForward, "brought-forward");
                    return next;
                }
            }
        }

        var loaded = await PersonQueries.LoadAllAsync(session, id, ct);
        if (loaded is not null) Set(loaded);
        Count(ref _readWhole, "read-whole");
        return loaded;
    }

    private long _kept;
    private long _broughtForward;
    private long _readWhole;

    /// <summary>Reads answered with the dossier kept, unchanged since.</summary>
    public long Kept => Interlocked.Read(ref _kept);

    /// <summary>Reads that loaded only the events appended since the dossier kept.</summary>
    public long BroughtForward => Interlocked.Read(ref _broughtForward);

    /// <summary>Reads that loaded every claim: nothing kept, or kept for another state of the stream.</summary>
    public long ReadWhole => Interlocked.Read(ref _readWhole);

    private static void Count(ref long counter, string outcome)
    {
        Interlocked.Increment(ref counter);
        Telemetry.DossierRead(outcome);
    }

    private bool TryGet(string id, [NotNullWhen(true)] out PersonDossier? dossier) => _cache.TryGetValue(id, out dossier);

    private void Set(PersonDossier dossier)
    {
        if (_budget <= 0 || dossier.ReportedBy is not null) return;
        var size = 1_024 + dossier.Claims.Sum(SizeOf);
        // One person larger than a quarter of the budget would push out everyone else: read in full each time instead.
        if (size > _budget / 4) return;
        // Of two reads racing the later-stored wins even if older: the next read still brings it forward. A version
        // compare would keep a dossier of a stream since reset (its state is checked on use, not by version).
        _cache.Set(dossier.Id, dossier, new MemoryCacheEntryOptions { Size = size, SlidingExpiration = TimeSpan.FromMinutes(30) });
    }

    /// <summary>For the budget: a claim's objects and its text (two bytes a character), its rulings and retraction too.</summary>
    private static long SizeOf(ClaimRecord c)
    {
        var a = c.Attribution;
        long chars = a.Quote.Length + a.Source.Url.Length + a.Source.Title.Length + a.Source.Publisher.Length + a.Claimant.Name.Length
            + Length(a.Pointer) + Length(c.Statement) + Length(c.Value) + Length(c.Office) + Length(c.Organization) + Length(c.Party)
            + Length(c.Role) + Length(c.Reason) + 2 * c.Proposition.Key.Length;
        long size = BytesPerClaim;
        foreach (var r in c.Rulings)
        {
            size += 150;
            chars += r.Rationale.Length + r.Reviewer.Length + Length(r.ReviewUrl);
        }

        if (c.Retraction is { } retraction)
        {
            size += 250;
            chars += retraction.Reason.Length + retraction.Attribution.Quote.Length;
        }

        return size + 2 * chars;

        static int Length(string? text) => text?.Length ?? 0;
    }

    // The version, the last event's sequence and its time name one state of a stream, even across a reset of the events.
    private static bool SameState(Person a, Person b) =>
        a.Version == b.Version && a.LastSequence == b.LastSequence && a.LastRecordedAt == b.LastRecordedAt;

    /// <summary>The events run from the one the dossier ended at, without a gap, to the one the header ends at.</summary>
    private static bool Continues(IReadOnlyList<IEvent> events, Person kept, Person header) =>
        events.Count == header.Version - kept.Version + 1
        && events[0].Version == kept.Version && events[0].Sequence == kept.LastSequence && events[0].RecordedAt() == kept.LastRecordedAt
        && events[^1].Version == header.Version && events[^1].Sequence == header.LastSequence;

    public void Dispose() => _cache.Dispose();
}
