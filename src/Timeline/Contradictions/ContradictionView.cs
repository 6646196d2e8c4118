using Timeline.Claims;

namespace Timeline.Contradictions;

/// <param name="End">The end this side gives, when the conflict is over ends.</param>
public sealed record ContradictionSide(Stance Stance, string? Value, PartialDate? End, IReadOnlyList<ClaimRecord> Claims);

/// <summary>A contested proposition as clients see it: each side with its claims and their attributions.</summary>
/// <param name="Retracted">The claims that take no side: retracted, or no longer stated by a newer version of their source.</param>
public sealed record ContradictionView(
    string Id,
    string PersonId,
    Proposition Proposition,
    ContestState State,
    ContestKind Kind,
    DateTimeOffset? ContestedSince,
    DateTimeOffset UpdatedAt,
    IReadOnlyList<ContradictionSide> Sides,
    IReadOnlyList<ClaimRecord> Retracted,
    IReadOnlyList<Reversal> Reversals,
    PropositionStanding Standing)
{
    /// <param name="contestedSince">Already worked out (a stored document keeps it); else worked out here.</param>
    public static ContradictionView From(Proposition proposition, IReadOnlyCollection<ClaimRecord> claims, PropositionStanding standing, DateTimeOffset? contestedSince = null)
    {
        var live = claims.Where(c => !c.IsWithdrawn).OrderBy(c => c.Sequence).ToList();
        var endsConflict = PropositionLedger.EndsConflictInAStint([.. live.Where(c => c.Stance == Stance.Asserts)], live);
        var sides = live
            .GroupBy(c => (c.Stance, Value: c.Stance == Stance.Asserts ? c.Value : null, End: c.Stance == Stance.Asserts && endsConflict ? c.End : null))
            .OrderBy(g => g.Key.Stance).ThenBy(g => g.Min(c => c.Sequence))
            .Select(g => new ContradictionSide(g.Key.Stance, g.Key.Value, g.Key.End, g.ToList()))
            .ToList();

        return new ContradictionView(
            proposition.Key,
            proposition.Subject,
            proposition,
            standing.State,
            standing.Kind,
            contestedSince ?? PropositionLedger.ContestedSince(claims),
            claims.Max(c => c.Rulings.Select(r => r.RecordedAt).Append(c.Retraction?.RecordedAt ?? c.RecordedAt).Append(c.RecordedAt).Max()),
            sides,
            claims.Where(c => c.IsWithdrawn).ToList(),
            PropositionLedger.Reversals(claims),
            standing);
    }

    public static ContradictionView From(Contradiction document) =>
        From(document.Proposition, document.Claims, document.Standing, document.ContestedSince);
}
