namespace Timeline.Claims;

// The claim catalogue. Each event records that a source claimed something, never that it is simply true.

public sealed record OfficeTaken(ClaimDetails Claim, string Office, string? Organization, int? Term) : IClaimEvent;

public sealed record OfficeLeft(ClaimDetails Claim, string Office, string? Organization, int? Term, LeaveCause Cause) : IClaimEvent;

public sealed record ResignationTendered(ClaimDetails Claim, string Office, string? Organization) : IClaimEvent;

/// <summary>A second party (a secretariat, a spokesman) confirms that the resignation was tendered.</summary>
public sealed record ResignationConfirmed(ClaimDetails Claim, string Office, string? Organization) : IClaimEvent;

/// <summary>The body itself accepted the resignation: the authoritative act that settles the proposition and ends the office.</summary>
public sealed record ResignationAccepted(ClaimDetails Claim, string Office, string? Organization) : IClaimEvent;

public sealed record ResignationDenied(ClaimDetails Claim, string Office, string? Organization) : IClaimEvent;

public sealed record ResignationWithdrawn(ClaimDetails Claim, string Office, string? Organization) : IClaimEvent;

public sealed record PartyJoined(ClaimDetails Claim, string Party) : IClaimEvent;

public sealed record PartyLeft(ClaimDetails Claim, string Party) : IClaimEvent;

public sealed record PartyRoleTaken(ClaimDetails Claim, string Party, string Role) : IClaimEvent;

public sealed record PartyRoleLeft(ClaimDetails Claim, string Party, string Role) : IClaimEvent;

public sealed record StatementMade(ClaimDetails Claim, string Statement) : IClaimEvent;

/// <summary>Someone contradicts an earlier claim; the dispute joins the opposite side of that claim's proposition.</summary>
public sealed record ClaimDisputed(ClaimDetails Claim, Guid DisputedClaimId, string? Reason) : IClaimEvent;

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
