using JasperFx.Events;
using Marten.Events.Aggregation;
using Timeline.Claims;

namespace Timeline.People;

/// <summary>
/// Everything the record holds about one person: the fold of their stream. Mutable on purpose: replaying a stream
/// (for a recordedAt read) must cost linear time in its events, and copying an immutable list per event would not.
/// All person views (status, timeline, contradictions) are pure functions of this fold.
/// </summary>
public sealed class PersonDossier
{
    private Dictionary<Guid, ClaimRecord>? _index;

    public string Id { get; set; } = "";
    public string Name { get; set; } = "";
    public List<string> Aliases { get; set; } = [];
    public DateTimeOffset RegisteredAt { get; set; }
    public long RegisteredSequence { get; set; }
    public long Version { get; set; }
    public long LastSequence { get; set; }
    public DateTimeOffset LastRecordedAt { get; set; }
    public List<ClaimRecord> Claims { get; set; } = [];

    public ClaimRecord? FindClaim(Guid claimId)
    {
        _index ??= Claims.ToDictionary(c => c.Id);
        return _index.GetValueOrDefault(claimId);
    }

    /// <summary>Finds what an append produced, by its id: a claim, a retraction or a ruling.</summary>
    public AppendedEntry? Locate(Guid id)
    {
        if (FindClaim(id) is { } claim) return new AppendedEntry(claim.Id, claim.Id, Id, claim.Type, claim.Version, claim.Sequence, claim.RecordedAt);
        foreach (var c in Claims)
        {
            if (c.Retraction is { } r && r.RetractionId == id) return new AppendedEntry(id, c.Id, Id, nameof(ClaimRetracted), r.Version, r.Sequence, r.RecordedAt);
            if (c.Rulings.Find(x => x.RulingId == id) is { } ruling) return new AppendedEntry(id, c.Id, Id, nameof(ClaimRuled), ruling.Version, ruling.Sequence, ruling.RecordedAt);
        }

        return null;
    }

    public static PersonDossier Replay(IEnumerable<IEvent> events)
    {
        PersonDossier? dossier = null;
        foreach (var e in events)
        {
            dossier = Fold(dossier, e);
        }

        return dossier ?? throw new InvalidOperationException("the stream has no events");
    }

    public static PersonDossier Fold(PersonDossier? dossier, IEvent e)
    {
        if (e.Data is PersonRegistered registered)
        {
            dossier = new PersonDossier
            {
                Id = registered.PersonId,
                Name = registered.Name,
                Aliases = [.. registered.Aliases],
                RegisteredAt = e.RecordedAt(),
                RegisteredSequence = e.Sequence,
            };
        }
        else if (dossier is null)
        {
            return null!;
        }

        switch (e.Data)
        {
            case IClaimEvent claim:
                var record = ClaimRecord.From(e, claim);
                dossier.Claims.Add(record);
                dossier._index?.TryAdd(record.Id, record);
                break;
            case IClaimAmendment amendment:
                dossier.FindClaim(amendment.ClaimId)?.Amend(e, amendment);
                break;
        }

        dossier.Version = e.Version;
        dossier.LastSequence = e.Sequence;
        dossier.LastRecordedAt = e.RecordedAt();
        return dossier;
    }
}

/// <summary>
/// The answer to an append: where the new event stands in the person's stream and in the global order.
/// <c>ClaimId</c> is the claim it is about: itself for a claim, the retracted or ruled claim otherwise.
/// </summary>
public sealed record AppendedEntry(Guid Id, Guid ClaimId, string PersonId, string Type, long Version, long Sequence, DateTimeOffset RecordedAt);

public sealed class PersonDossierProjection : SingleStreamProjection<PersonDossier, string>
{
    public override PersonDossier Evolve(PersonDossier? snapshot, string id, IEvent e) => PersonDossier.Fold(snapshot, e);
}
