namespace Timeline.Claims;

/// <summary>
/// A newer version of a structured source (same series, new content) no longer states a claim an earlier version made.
/// The claim stays on record; this marks when the source stated it (first and last seen, by the versions' publication).
/// </summary>
public sealed record ClaimNoLongerStated(
    Guid NoticeId, Guid ClaimId, Proposition Proposition, string Series, string NewerSourceId, DateTimeOffset FirstSeen, DateTimeOffset LastSeen,
    DateTimeOffset NewerPublishedAt, string RecordedBy) : IClaimAmendment;

/// <summary>A version newer than the one that stopped stating a claim states it again: the claim counts again from then.</summary>
public sealed record ClaimStatedAgain(
    Guid NoticeId, Guid ClaimId, Proposition Proposition, string Series, string NewerSourceId, DateTimeOffset NewerPublishedAt, string RecordedBy)
    : IClaimAmendment;

/// <summary>How a claim document shows <see cref="ClaimStatedAgain"/>.</summary>
public sealed record StatedAgain(Guid NoticeId, string NewerSourceId, DateTimeOffset NewerPublishedAt, DateTimeOffset RecordedAt, long Version, long Sequence);

/// <summary>How a claim document shows <see cref="ClaimNoLongerStated"/>.</summary>
public sealed record NoLongerStated(
    Guid NoticeId, string Series, string NewerSourceId, DateTimeOffset FirstSeen, DateTimeOffset LastSeen, DateTimeOffset NewerPublishedAt,
    DateTimeOffset RecordedAt, long Version, long Sequence);
