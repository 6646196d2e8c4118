using System.Text.Json.Serialization;
using JasperFx.Events;

namespace Timeline.Claims;

public static class RecordedTime
{
    /// <summary>
    /// The event's recorded time as PostgreSQL keeps it (microseconds), so the inline projection and a replay
    /// of the stored events agree to the digit.
    /// </summary>
    public static DateTimeOffset RecordedAt(this IEvent e) => new(e.Timestamp.Ticks - (e.Timestamp.Ticks % 10), e.Timestamp.Offset);

    public static EventStamp Stamp(this IEvent e) => new(e.Version, e.Sequence, e.RecordedAt(), e.UserName);
}

/// <summary>Where an event stands in its stream and in the global order, when it was recorded and by whom.</summary>
public readonly record struct EventStamp(long Version, long Sequence, DateTimeOffset RecordedAt, string? UserName);

/// <summary>
/// The answer to an append: where the new event stands in the person's stream and in the global order.
/// <c>ClaimId</c> is the claim it is about: itself for a claim, the retracted or ruled claim otherwise.
/// </summary>
public sealed record AppendedEntry(Guid Id, Guid ClaimId, string PersonId, string Type, long Version, long Sequence, DateTimeOffset RecordedAt);

public sealed record Retraction(Guid RetractionId, string Reason, Attribution Attribution, DateTimeOffset RecordedAt, long Version, long Sequence);

public sealed record Ruling(
    Guid RulingId, Verdict Verdict, string Rationale, string Reviewer, string? ReviewUrl,
    DateTimeOffset RuledAt, DateTimeOffset RecordedAt, long Version, long Sequence, string? RecordedBy = null);

/// <summary>
/// One claim as the record holds it: the claim event's content with its recorded time, plus what later events
/// said of it (retraction, rulings). The claims index (<see cref="ClaimIndex"/>) stores no copy of it: it is read back
/// from the claim's event and the events that amended it.
/// </summary>
public sealed class ClaimRecord
{
    public Guid Id { get; set; }

    public string Type
    {
        get;
        set
        {
            field = value;
            _kind = ClaimTypes.Find(value);
        }
    } = "";

    // Looked up once: the ledger asks every claim's kind in each pass over a proposition, on every append to it.
    private ClaimKind? _kind;
    public string PersonId { get; set; } = "";
    public Proposition Proposition { get; set; } = new("", "", "");
    public Stance Stance { get; set; }
    public string? Value { get; set; }
    public ValidTime? ValidTime { get; set; }
    public Attribution Attribution { get; set; } = null!;

    public string? Office { get; set; }
    public string? Organization { get; set; }
    public int? Term { get; set; }
    public PartialDate? ScheduledEnd { get; set; }
    public LeaveCause? Cause { get; set; }
    public string? Party { get; set; }
    public string? Role { get; set; }
    public string? Statement { get; set; }
    public Guid? DisputedClaimId { get; set; }

    /// <summary>The end a dispute of an <see cref="OfficeLeft"/> denies; the holding of the office it leaves alone.</summary>
    public PartialDate? DisputedEnd { get; set; }
    public string? Reason { get; set; }

    /// <summary>The end this claim gives its proposition (an office's interval end, or the day it was left), compared across sources.</summary>
    public PartialDate? End { get; set; }

    // Not named Version: Marten would overwrite that on a multi-stream document with the last event's sequence.
    [JsonPropertyName("version")]
    public long StreamVersion { get; set; }

    public long Sequence { get; set; }
    public DateTimeOffset RecordedAt { get; set; }

    public Retraction? Retraction { get; set; }
    public List<Ruling> Rulings { get; set; } = [];

    /// <summary>Set when a newer version of its structured source no longer states it.</summary>
    public NoLongerStated? NoLongerStated { get; set; }

    /// <summary>Set when a version newer than <see cref="NoLongerStated"/>'s states the claim again.</summary>
    public StatedAgain? StatedAgain { get; set; }

    /// <summary>
    /// Notices a later one replaced (an edit undone and made again), kept so that a read as reported by an earlier day
    /// finds what the source said then. Null for nearly every claim.
    /// </summary>
    public List<NoLongerStated>? EarlierNoLongerStated { get; set; }

    public List<StatedAgain>? EarlierStatedAgain { get; set; }

    /// <summary>Its source's newest versions no longer state it: marked, and not stated again since.</summary>
    [JsonIgnore]
    public bool IsNoLongerStated => NoLongerStated is { } n && !(StatedAgain is { } again && again.NewerPublishedAt > n.NewerPublishedAt);

    // Denormalised for the claims index filters.
    public string SourceId { get; set; } = "";
    public string ClaimantKey { get; set; } = "";
    public string? ClaimantPersonId { get; set; }

    // Serialized: GET /api/claims and the contradictions carry it, and the contest page's badge reads it.
    public bool IsRetracted => Retraction is not null;

    /// <summary>
    /// Takes no side and counts for nothing: retracted, or no longer stated by a newer version of its own structured source
    /// (a cut to a reported time before that version gives the claim back).
    /// </summary>
    [JsonIgnore]
    public bool IsWithdrawn => Retraction is not null || IsNoLongerStated;

    /// <summary>Denies only an end (<see cref="DisputedEnd"/>): it sides against the claims giving that end, not against the holding.</summary>
    [JsonIgnore]
    public bool DeniesAnEnd => Stance == Stance.Denies && DisputedEnd is not null;

    [JsonIgnore]
    public Ruling? LatestRuling => Rulings.Count == 0 ? null : Rulings[^1];

    /// <summary>The latest true/false verdict; misleading and unproven do not decide anything.</summary>
    [JsonIgnore]
    public Verdict? DecisiveVerdict
    {
        get
        {
            for (var i = Rulings.Count - 1; i >= 0; i--)
            {
                if (Rulings[i].Verdict is Verdict.True or Verdict.False) return Rulings[i].Verdict;
            }

            return null;
        }
    }

    [JsonIgnore]
    public ClaimKind Kind => _kind ?? ClaimTypes.Of(Type);

    [JsonIgnore]
    public bool IsAuthoritative => Kind.Authoritative;

    /// <summary>When the claim was published: its source's publication time.</summary>
    [JsonIgnore]
    public DateTimeOffset ReportedAt => Attribution.Source.PublishedAt;

    public static ClaimRecord From(IEvent e, IClaimEvent claimEvent) => From(e.Stamp(), claimEvent);

    public static ClaimRecord From(EventStamp e, IClaimEvent claimEvent)
    {
        var c = claimEvent.Claim;
        var x = (ClaimEvent)claimEvent;
        var type = claimEvent.GetType().Name;
        return new ClaimRecord
        {
            Id = c.ClaimId,
            Type = type,
            PersonId = c.Proposition.Subject,
            Proposition = c.Proposition,
            Stance = c.Stance,
            Value = c.Value,
            ValidTime = c.ValidTime,
            Attribution = c.Attribution,
            StreamVersion = e.Version,
            Sequence = e.Sequence,
            RecordedAt = e.RecordedAt,
            SourceId = c.Attribution.Source.Id,
            ClaimantKey = Slugs.Normalize(c.Attribution.Claimant.Name),
            ClaimantPersonId = c.Attribution.Claimant.PersonId,
            Office = x.Office,
            Organization = x.Organization,
            Term = x.Term,
            ScheduledEnd = x.ScheduledEnd,
            Cause = x.Cause,
            Party = x.Party,
            Role = x.Role,
            Statement = x.Statement,
            DisputedClaimId = x.DisputedClaimId,
            DisputedEnd = x.DisputedEnd,
            Reason = x.Reason,
            End = ClaimTypes.Of(type).EndOf(c.ValidTime),
        };
    }

    /// <summary>A shallow copy that can be amended without touching this one: the lists an amendment adds to are its own.</summary>
    public ClaimRecord Copy()
    {
        var copy = (ClaimRecord)MemberwiseClone();
        copy.Rulings = [.. Rulings];
        copy.EarlierNoLongerStated = EarlierNoLongerStated is null ? null : [.. EarlierNoLongerStated];
        copy.EarlierStatedAgain = EarlierStatedAgain is null ? null : [.. EarlierStatedAgain];
        return copy;
    }

    /// <summary>Finds what an append produced about this claim, by its id: the claim itself, its retraction or a ruling.</summary>
    public AppendedEntry? Locate(Guid id)
    {
        if (id == Id) return new AppendedEntry(Id, Id, PersonId, Type, StreamVersion, Sequence, RecordedAt);
        if (Retraction is { } r && r.RetractionId == id) return new AppendedEntry(id, Id, PersonId, nameof(ClaimRetracted), r.Version, r.Sequence, r.RecordedAt);
        if ((EarlierNoLongerStated ?? []).Append(NoLongerStated).FirstOrDefault(x => x?.NoticeId == id) is { } n)
        {
            return new AppendedEntry(id, Id, PersonId, nameof(ClaimNoLongerStated), n.Version, n.Sequence, n.RecordedAt);
        }

        if ((EarlierStatedAgain ?? []).Append(StatedAgain).FirstOrDefault(x => x?.NoticeId == id) is { } a)
        {
            return new AppendedEntry(id, Id, PersonId, nameof(ClaimStatedAgain), a.Version, a.Sequence, a.RecordedAt);
        }

        return Rulings.Find(x => x.RulingId == id) is { } ruling
            ? new AppendedEntry(id, Id, PersonId, nameof(ClaimRuled), ruling.Version, ruling.Sequence, ruling.RecordedAt)
            : null;
    }

    /// <summary>Whether a claim event says the same as this record (a retried append with the same claim id).</summary>
    public bool Matches(IClaimEvent other) =>
        Type == other.GetType().Name && Proposition == other.Claim.Proposition && Stance == other.Claim.Stance
        && Value == other.Claim.Value && ValidTime == other.Claim.ValidTime && Attribution == other.Claim.Attribution;

    /// <summary>Applies a retraction or ruling about this claim.</summary>
    public void Amend(IEvent e, IClaimAmendment amendment) => Amend(e.Stamp(), amendment);

    public void Amend(EventStamp e, IClaimAmendment amendment)
    {
        switch (amendment)
        {
            case ClaimRetracted r:
                Retraction ??= new Retraction(r.RetractionId, r.Reason, r.Attribution, e.RecordedAt, e.Version, e.Sequence);
                break;
            case ClaimNoLongerStated n when !IsNoLongerStated:
                // Dropped again after it was stated again: the newer notice replaces the older one, which is kept.
                if (NoLongerStated is { } dropped) (EarlierNoLongerStated ??= []).Add(dropped);
                NoLongerStated = new NoLongerStated(n.NoticeId, n.Series, n.NewerSourceId, n.FirstSeen, n.LastSeen, n.NewerPublishedAt, e.RecordedAt, e.Version, e.Sequence);
                break;
            case ClaimStatedAgain a when IsNoLongerStated:
                if (StatedAgain is { } again) (EarlierStatedAgain ??= []).Add(again);
                StatedAgain = new StatedAgain(a.NoticeId, a.NewerSourceId, a.NewerPublishedAt, e.RecordedAt, e.Version, e.Sequence);
                break;
            case ClaimRuled r:
                Rulings.Add(new Ruling(r.RulingId, r.Verdict, r.Rationale, r.Reviewer, r.ReviewUrl, r.RuledAt, e.RecordedAt, e.Version, e.Sequence, e.UserName));
                break;
        }
    }
}
