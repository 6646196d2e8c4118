namespace Timeline.Claims;

/// <summary>
/// A claim event: that a source claimed something, never that it is simply true. Every type shares this shape;
/// what each type means, needs and how the views fold it is its entry in <see cref="ClaimTypes"/>.
/// Fields a type does not use stay null.
/// </summary>
public abstract record ClaimEvent : IClaimEvent
{
    public ClaimDetails Claim { get; init; } = null!;
    public string? Office { get; init; }
    public string? Organization { get; init; }
    public int? Term { get; init; }

    /// <summary>When the term the office was taken for was due to end; not an end of the tenure.</summary>
    public PartialDate? ScheduledEnd { get; init; }

    public LeaveCause? Cause { get; init; }
    public string? Party { get; init; }
    public string? Role { get; init; }
    public string? Statement { get; init; }
    public Guid? DisputedClaimId { get; init; }

    /// <summary>A dispute of a claim that gives only an end (an office left on a day): that end, which is all it denies.</summary>
    public PartialDate? DisputedEnd { get; init; }
    public string? Reason { get; init; }
}

// The catalogue: one line per type here, one entry in ClaimTypes.All.
public sealed record OfficeTaken : ClaimEvent;
public sealed record OfficeHeld : ClaimEvent;
public sealed record OfficeLeft : ClaimEvent;
public sealed record ResignationTendered : ClaimEvent;
public sealed record ResignationConfirmed : ClaimEvent;
public sealed record ResignationAccepted : ClaimEvent;
public sealed record ResignationDenied : ClaimEvent;
public sealed record ResignationWithdrawn : ClaimEvent;
public sealed record PartyJoined : ClaimEvent;
public sealed record PartyLeft : ClaimEvent;
public sealed record PartyRoleTaken : ClaimEvent;
public sealed record PartyRoleLeft : ClaimEvent;
public sealed record StatementMade : ClaimEvent;
public sealed record ClaimDisputed : ClaimEvent;

/// <summary>The source withdrew a claim it made; the claim leaves its side of the proposition.</summary>
public sealed record ClaimRetracted(Guid RetractionId, Guid ClaimId, Proposition Proposition, string Reason, Attribution Attribution)
    : IClaimAmendment;

/// <summary>A fact-checker's verdict on a claim.</summary>
public sealed record ClaimRuled(
    Guid RulingId,
    Guid ClaimId,
    Proposition Proposition,
    Verdict Verdict,
    string Rationale,
    string Reviewer,
    string? ReviewUrl,
    DateTimeOffset RuledAt) : IClaimAmendment;
