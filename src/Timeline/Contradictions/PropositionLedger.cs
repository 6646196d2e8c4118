using Timeline.Claims;

namespace Timeline.Contradictions;

public enum ContestState { Uncontested, Open, Resolved }

public enum ContestKind { None, AssertionDenied, ValueConflict }

/// <summary>How a proposition stands given the claims about it.</summary>
/// <param name="Holds">True or false once known; null while contested and unresolved.</param>
/// <param name="ResolvedBy">The authoritative claim or the ruled claim that settled it.</param>
public sealed record PropositionStanding(
    ContestState State,
    ContestKind Kind,
    bool? Holds,
    string? Value,
    Guid? ResolvedBy,
    string? ResolutionRule);

/// <summary>
/// The rules that decide whether a proposition is contested and how it is resolved. Pure: given claims, a standing.
/// <list type="bullet">
/// <item>Withdrawn claims (retracted, or no longer stated by their structured source) take no side.</item>
/// <item>Contested: a live claim asserts and another denies (a dispute of an end denies only a claim giving that end), or two live assertions of one stint give incompatible
/// values (partial dates are compatible when one refines the other: "2011" and "2011-03").</item>
/// <item>Resolved by, in order: an authoritative act (the body's own acceptance of a resignation); the latest
/// "true" ruling on a live claim; or "false" rulings that leave the remaining claims agreeing.
/// "Misleading" and "unproven" rulings are shown but settle nothing.</item>
/// </list>
/// </summary>
/// <summary>One claimant's change of stance on a proposition: <c>Before</c> and <c>After</c> with their quotes and sources.</summary>
public sealed record Reversal(string Claimant, string? ClaimantPersonId, ClaimRecord Before, ClaimRecord After);

public static class PropositionLedger
{
    /// <summary>
    /// Raised whenever a rule here changes what a stored contradiction document says (<see cref="ContradictionRestate"/>):
    /// 2 = stints, withdrawn claims, disputes of an end; 3 = a day left between an open start and a later start ends a
    /// stint, and each stint is judged on its own claims; 4 = the ledger changes since (denied ends, deaths) and a
    /// ContestedSince that documents now carry forward between appends within a process.
    /// </summary>
    public const int RulesVersion = 4;

    public static PropositionStanding Evaluate(IEnumerable<ClaimRecord> claims)
    {
        var live = claims.Where(c => !c.IsWithdrawn).ToList();
        return StintParts(live) is { } parts ? Combine([.. parts.Select(EvaluateLive)]) : EvaluateLive(live);
    }

    /// <summary>
    /// The live claims of a proposition whose supporting claims (asserting, not ruled false) form several stints
    /// (<see cref="Stints"/>), by stint: its supporting claims, and the other live claims (denials, claims ruled false)
    /// whose date falls to it, by the rule that places a day left. Null for one stint: most propositions.
    /// </summary>
    public static List<List<ClaimRecord>>? StintParts(IReadOnlyCollection<ClaimRecord> live)
    {
        var supporting = live.Where(c => c.Stance == Stance.Asserts && c.DecisiveVerdict != Verdict.False).ToList();
        if (!Stints.MayHaveSeveral(supporting)) return null;
        var groups = Stints.Of(supporting, deniedEnds: Stints.DeniedEnds(live));
        if (groups.Count < 2) return null;
        var inGroups = supporting.ToHashSet();
        return Stints.WithOthers(groups, live.Where(c => !inGroups.Contains(c)));
    }

    /// <summary>
    /// A proposition of several stints, each judged on its own claims: open when a stint is; else resolved when a stint was
    /// contested. The first open stint (else the first contested one) gives the kind and the resolution; it holds when a
    /// stint holds (unknown while open). Uncontested, the first stint that holds gives the value.
    /// </summary>
    private static PropositionStanding Combine(List<PropositionStanding> stints)
    {
        var speaking = stints.Find(s => s.State == ContestState.Open) ?? stints.Find(s => s.Kind != ContestKind.None);
        if (speaking is { State: ContestState.Open }) return speaking;
        bool? holds = stints.Exists(s => s.Holds == true) ? true : stints.TrueForAll(s => s.Holds == false) ? false : null;
        if (speaking is not null) return speaking with { Holds = holds };
        // Uncontested: a true ruling on one stint's claim still says which claim was upheld (the latest such ruling).
        var ruled = stints.Where(s => s.ResolvedBy is not null).LastOrDefault();
        return new PropositionStanding(ContestState.Uncontested, ContestKind.None, holds,
            stints.Find(s => s.Holds == true && s.Value is not null)?.Value, ruled?.ResolvedBy, ruled?.ResolutionRule);
    }

    private static PropositionStanding EvaluateLive(List<ClaimRecord> live)
    {
        var kind = ConflictKindOf(live);

        var authority = live.LastOrDefault(c => c.IsAuthoritative && c.Stance == Stance.Asserts && c.DecisiveVerdict != Verdict.False);
        if (authority is not null)
        {
            return Settled(kind, true, authority.Value, authority.Id, "authoritative act");
        }

        var ruledTrue = live
            .Where(c => c.DecisiveVerdict == Verdict.True)
            .OrderBy(c => c.Rulings.Last(r => r.Verdict is Verdict.True or Verdict.False).Sequence)
            .LastOrDefault();
        var standing = live.Where(c => c.DecisiveVerdict != Verdict.False).ToList();
        var holds = standing.Any(c => c.Stance == Stance.Asserts);
        if (ruledTrue is not null)
        {
            // A dispute of an end, upheld, takes that end away and leaves the holding to the other claims.
            return Settled(kind, ruledTrue.DeniesAnEnd ? holds : ruledTrue.Stance == Stance.Asserts, ruledTrue.Value, ruledTrue.Id, "ruling");
        }

        var value = standing.FirstOrDefault(c => c.Stance == Stance.Asserts && c.Value is not null)?.Value;
        if (kind == ContestKind.None)
        {
            return new PropositionStanding(ContestState.Uncontested, kind, holds, value, null, null);
        }

        if (ConflictKindOf(standing) == ContestKind.None)
        {
            var decidedBy = live.Where(c => c.DecisiveVerdict == Verdict.False).MaxBy(c => c.Rulings[^1].Sequence);
            return new PropositionStanding(ContestState.Resolved, kind, holds, value, decidedBy?.Id, "ruling");
        }

        return new PropositionStanding(ContestState.Open, kind, null, null, null, null);
    }

    /// <summary>Whether the live claims conflict, and how: within each stint when they form several.</summary>
    public static ContestKind ConflictKind(IReadOnlyCollection<ClaimRecord> live) =>
        StintParts(live) is { } parts ? parts.Select(ConflictKindOf).FirstOrDefault(k => k != ContestKind.None, ContestKind.None) : ConflictKindOf(live);

    private static ContestKind ConflictKindOf(IReadOnlyCollection<ClaimRecord> live)
    {
        // Every conflict takes two claims; most propositions have one.
        if (live.Count < 2) return ContestKind.None;
        var asserting = live.Where(c => c.Stance == Stance.Asserts).ToList();
        if (asserting.Count > 0 && live.Any(c => c.Stance == Stance.Denies && (!c.DeniesAnEnd || asserting.Exists(a => a.End is { } end && end.IsCompatibleWith(c.DisputedEnd!.Value)))))
        {
            return ContestKind.AssertionDenied;
        }

        return DatesConflict(asserting, live) ? ContestKind.ValueConflict : ContestKind.None;
    }

    /// <summary>Within one stint (<see cref="Stints"/>), two assertions give starts or ends that cannot both be right.</summary>
    /// <param name="live">The live claims the assertions are among: their upheld disputes of a day left split nothing.</param>
    public static bool DatesConflict(IReadOnlyCollection<ClaimRecord> asserting, IEnumerable<ClaimRecord> live) =>
        InSomeStint(asserting, live, stint => StartsConflict(stint) || EndsConflict(stint));

    /// <summary>Within one stint, two assertions give ends that cannot both be right.</summary>
    public static bool EndsConflictInAStint(IReadOnlyCollection<ClaimRecord> asserting, IEnumerable<ClaimRecord> live) =>
        InSomeStint(asserting, live, EndsConflict);

    // Most propositions are one stint: asked of the claims as they are, without splitting or copying them.
    private static bool InSomeStint(IReadOnlyCollection<ClaimRecord> asserting, IEnumerable<ClaimRecord> live, Func<IEnumerable<ClaimRecord>, bool> conflict) =>
        Stints.MayHaveSeveral(asserting) ? Stints.Of(asserting, deniedEnds: Stints.DeniedEnds(live)).Exists(stint => conflict(stint)) : conflict(asserting);

    /// <summary>Two assertions give values (starts) that cannot both be right.</summary>
    private static bool StartsConflict(IEnumerable<ClaimRecord> asserting) =>
        AnyPairDisagrees(asserting.Where(c => c.Value is not null).Select(c => c.Value!).Distinct().ToList(), ValuesAgree);

    /// <summary>Two assertions give ends that cannot both be right (1999/2004 against 1999/2003, or a day left in 2004).</summary>
    private static bool EndsConflict(IEnumerable<ClaimRecord> asserting) =>
        AnyPairDisagrees(asserting.Where(c => c.End is not null).Select(c => c.End!.Value).Distinct().ToList(), (a, b) => a.IsCompatibleWith(b));

    private static bool AnyPairDisagrees<T>(List<T> values, Func<T, T, bool> agree)
    {
        for (var i = 0; i < values.Count; i++)
        {
            for (var j = i + 1; j < values.Count; j++)
            {
                if (!agree(values[i], values[j])) return true;
            }
        }

        return false;
    }

    /// <summary>
    /// Claimants who asserted the proposition and later denied it, or the reverse. A claimant is a registered person
    /// (<c>claimant.personId</c>) or else a name; anonymous sources are no one in particular. "Later" orders by valid
    /// time (a claim without one by the day it was published), then by publication.
    /// </summary>
    public static IReadOnlyList<Reversal> Reversals(IEnumerable<ClaimRecord> claims) =>
        claims
            .Where(c => !c.IsWithdrawn && !c.Attribution.Claimant.Anonymous)
            .GroupBy(c => c.ClaimantPersonId ?? c.ClaimantKey)
            .SelectMany(g =>
            {
                var ordered = g.OrderBy(c => c.ValidTime?.From.Start ?? DateOnly.FromDateTime(c.ReportedAt.DateTime))
                    .ThenBy(c => c.ReportedAt).ThenBy(c => c.Sequence).ToList();
                return ordered.Zip(ordered.Skip(1)).Where(p => p.First.Stance != p.Second.Stance)
                    .Select(p => new Reversal(p.Second.Attribution.Claimant.Name, p.Second.ClaimantPersonId, p.First, p.Second));
            })
            .ToList();

    /// <summary>
    /// When the live claims came to conflict: the recorded time of the claim that, with those recorded before it, made
    /// them conflict since they last agreed. Null when they do not.
    /// </summary>
    public static DateTimeOffset? ContestedSince(IEnumerable<ClaimRecord> claims)
    {
        var live = claims.Where(c => !c.IsWithdrawn).OrderBy(c => c.Sequence).ToList();
        if (ConflictKind(live) == ContestKind.None) return null;
        // In one stint a conflict among some claims is one among more of them, so the first is the answer; a start that
        // opens a stint can end a conflict, and a later claim start another.
        var stints = Stints.MayHaveSeveral(live);
        DateTimeOffset? since = null;
        var seen = new List<ClaimRecord>();
        foreach (var claim in live)
        {
            seen.Add(claim);
            if (ConflictKind(seen) == ContestKind.None) since = null;
            else if (!stints) return claim.RecordedAt;
            else since ??= claim.RecordedAt;
        }

        return since;
    }

    /// <summary>
    /// <see cref="ContestedSince"/> once a live claim recorded after every other is added, from its value before (null when
    /// they did not conflict) and the standing of them all: the claims conflict since the start of the last run of their
    /// conflicting prefixes, and the new claim only adds one more prefix, the whole, which conflicts exactly when the
    /// standing has a kind (<see cref="ConflictKind"/> and <see cref="Evaluate"/> split the claims alike).
    /// </summary>
    public static DateTimeOffset? ContestedSinceAfter(DateTimeOffset? before, PropositionStanding standing, ClaimRecord latest) =>
        standing.Kind == ContestKind.None ? null : before ?? latest.RecordedAt;

    /// <summary>
    /// Whether the claims may conflict now or in any cut of them (an earlier reported day): an assertion and a denial, or
    /// two assertions giving disagreeing starts, ends or values, whatever their stints. It holds whenever the rules find a
    /// conflict among some of the claims, and it only grows as claims are added; the rules themselves do not (a start
    /// that opens a stint can take a day left into it, away from the end it disagreed with).
    /// </summary>
    public static bool MayEverConflict(IReadOnlyCollection<ClaimRecord> claims)
    {
        if (claims.Count < 2) return false;
        var asserting = claims.Where(c => c.Stance == Stance.Asserts).ToList();
        if (asserting.Count > 0 && asserting.Count < claims.Count) return true;
        return StartsConflict(asserting) || EndsConflict(asserting);
    }

    /// <summary>Two values agree when equal as text, or as partial dates one refines the other.</summary>
    public static bool ValuesAgree(string a, string b)
    {
        if (PartialDate.TryParse(a, out var left, out _) && PartialDate.TryParse(b, out var right, out _))
        {
            return left.IsCompatibleWith(right);
        }

        return Slugs.Normalize(a) == Slugs.Normalize(b);
    }

    private static PropositionStanding Settled(ContestKind kind, bool holds, string? value, Guid by, string rule) =>
        new(kind == ContestKind.None ? ContestState.Uncontested : ContestState.Resolved, kind, holds, value, by, rule);
}
