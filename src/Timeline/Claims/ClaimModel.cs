namespace Timeline.Claims;

public enum Stance { Asserts, Denies }

public enum Verdict { True, False, Misleading, Unproven }

public enum LeaveCause { Resigned, TermEnded, Dismissed, Died, Other }

/// <summary>What a claim is about: (person, predicate, object). Claims with the same key are compared.</summary>
public sealed record Proposition(string Subject, string Predicate, string Object)
{
    // Read several times per claim on every write path; worked out once. Left out of equality and of `with` copies,
    // so a copy with another object never carries the old key.
    private string? _key;

    private Proposition(Proposition original) => (Subject, Predicate, Object) = (original.Subject, original.Predicate, original.Object);

    public string Key => _key ??= $"{Subject}/{Predicate}/{Slugs.Normalize(Object)}";

    public bool Equals(Proposition? other) =>
        other is not null && Subject == other.Subject && Predicate == other.Predicate && Object == other.Object;

    public override int GetHashCode() => HashCode.Combine(Subject, Predicate, Object);
}

/// <summary>Who said it, as they were at the time.</summary>
public sealed record Claimant(string Name, string? Role = null, string? Affiliation = null, bool Anonymous = false, string? PersonId = null);

/// <summary>The registered source a claim comes from; copied into the event because sources never change.</summary>
public sealed record SourceRef(string Id, string Url, string Publisher, string Title, DateTimeOffset PublishedAt);

/// <param name="Pointer">For a structured source: the JSON Pointer of the record the claim is drawn from; <c>Quote</c> then holds that record.</param>
public sealed record Attribution(SourceRef Source, Claimant Claimant, string Quote, string RecordedBy, string? Pointer = null);

/// <summary>The part every claim event shares: identity, proposition, stance, valid time and provenance.</summary>
public sealed record ClaimDetails(
    Guid ClaimId,
    Proposition Proposition,
    Stance Stance,
    string? Value,
    ValidTime? ValidTime,
    Attribution Attribution);

public interface IClaimEvent
{
    ClaimDetails Claim { get; }
}

/// <summary>Events that change the standing of an earlier claim (retraction, ruling) rather than claim anything new.</summary>
public interface IClaimAmendment
{
    Guid ClaimId { get; }
    Proposition Proposition { get; }
}
