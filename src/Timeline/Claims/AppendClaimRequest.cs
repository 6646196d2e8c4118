namespace Timeline.Claims;

/// <summary>Who made a claim, as given by a client.</summary>
/// <param name="PersonId">The claimant as a registered person, so their statements can be listed and their reversals found.</param>
public sealed record ClaimantInput(string? Name, string? Role = null, string? Affiliation = null, bool Anonymous = false, string? PersonId = null);

/// <summary>
/// The body of POST /api/people/{id}/claims. <c>Type</c> names an event of the catalogue; the fields each type
/// needs are listed in <see cref="ClaimTypes"/>.
/// </summary>
public sealed record AppendClaimRequest(
    string? Type,
    Guid? ClaimId = null,
    string? ValidTime = null,
    string? SourceId = null,
    ClaimantInput? Claimant = null,
    string? Quote = null,
    string? RecordedBy = null,
    string? Office = null,
    string? Organization = null,
    int? Term = null,
    string? ScheduledEnd = null,
    string? Cause = null,
    string? Party = null,
    string? Role = null,
    string? Predicate = null,
    string? Object = null,
    string? Stance = null,
    string? Value = null,
    string? Statement = null,
    Guid? TargetClaimId = null,
    string? Reason = null,
    string? Pointer = null);
