using Timeline.Claims;

namespace Timeline.Contradictions;

/// <summary>
/// The stints one proposition's claims describe: an office held, given up and taken again, or one term that a party switch
/// splits into two memberships, as Popolo files record it. The claims that give a start (<see cref="Dating.Start"/>),
/// in order of start, each join the stint before them, unless every start claim of that stint gives an interval that
/// ended before this one begins, or is open-ended and a day left (<c>OfficeLeft</c>; for a party, <c>PartyLeft</c>) on
/// or after its start ended before this one begins (taken in 2010, left in 2012, taken again in 2014): then a new stint
/// begins (a day left that an upheld dispute denies splits nothing). Every other claim joins the latest stint begun by its date
/// (the first, when none has; the last, when it is undated). Starts and ends are compared only within a stint.
/// </summary>
/// <remarks>
/// Adding start claims can only join their stints (an open interval or a later end only extends one), but a start that
/// opens a stint takes the claims dated after it along: a day left that disagreed with the stint before no longer does.
/// So a conflict among some claims is not always one among more of them; <see cref="PropositionLedger.MayEverConflict"/>
/// is what decides that a proposition's document is kept.
/// </remarks>
public static class Stints
{
    /// <param name="leftElsewhere">
    /// Days left that another proposition gives (a <c>PartyLeft</c> for a party's membership): they split as a day left does.
    /// </param>
    /// <param name="deniedEnds">
    /// Ends that an upheld dispute denies (<see cref="DeniedEnds"/>, from the proposition's claims): a day left that one of
    /// them denies ("he never left in 2012") splits nothing.
    /// </param>
    public static List<List<ClaimRecord>> Of(
        IReadOnlyCollection<ClaimRecord> claims, IEnumerable<PartialDate>? leftElsewhere = null, IReadOnlyList<PartialDate>? deniedEnds = null)
    {
        if (!MayHaveSeveral(claims)) return [[.. claims]];
        var starts = claims.Where(IsStart).OrderBy(c => c.ValidTime!.From.Start).ThenBy(c => c.Sequence).ToList();

        // The days left (an OfficeLeft's day): one between an open start and a later start ends the stint in between.
        // A day left ruled false supports nothing, so it splits nothing either.
        var leftDays = claims.Where(c => !IsStart(c) && c.End is not null && c.DecisiveVerdict != Verdict.False).Select(c => c.End!.Value).Concat(leftElsewhere ?? [])
            .Where(left => deniedEnds is null || !deniedEnds.Any(denied => denied.IsCompatibleWith(left))).ToList();
        var stints = new List<(DateOnly First, List<ClaimRecord> Claims)>();
        // The last day the current stint's intervals reach, and the latest first day of its open-ended starts.
        DateOnly? reaches = null, openSince = null;
        foreach (var claim in starts)
        {
            var (first, end) = (claim.ValidTime!.From.Start, claim.ValidTime.To?.End);
            var ended = stints.Count > 0 && !(reaches is { } last && last >= first)
                && (openSince is not { } open || leftDays.Exists(left => left.Start >= open && left.End < first));
            if (stints.Count > 0 && !ended)
            {
                stints[^1].Claims.Add(claim);
                if (end is { } e) reaches = reaches is { } r && r > e ? r : e;
                else openSince = first;
                continue;
            }

            stints.Add((first, [claim]));
            reaches = end;
            openSince = end is null ? first : null;
        }

        foreach (var claim in claims.Where(c => !IsStart(c)).OrderBy(c => c.Sequence))
        {
            var index = claim.ValidTime is { } time ? Math.Max(0, stints.FindLastIndex(s => s.First <= time.From.Start)) : stints.Count - 1;
            stints[index].Claims.Add(claim);
        }

        return [.. stints.Select(s => s.Claims)];
    }

    /// <summary>
    /// The claims each stint is judged on: its own, and the <paramref name="others"/> (denials, claims ruled false) whose
    /// date falls to it by the rule that places a day left (<see cref="EndedOn"/>).
    /// </summary>
    public static List<List<ClaimRecord>> WithOthers(IReadOnlyList<List<ClaimRecord>> stints, IEnumerable<ClaimRecord> others)
    {
        var firstDays = FirstDays(stints);
        var judged = stints.Select(s => new List<ClaimRecord>(s)).ToList();
        foreach (var other in others) judged[EndedOn(firstDays, other.ValidTime?.From)].Add(other);
        return judged;
    }

    /// <summary>The ends that live disputes of an <c>OfficeLeft</c>, upheld by a true ruling, deny.</summary>
    public static List<PartialDate> DeniedEnds(IEnumerable<ClaimRecord> claims) =>
        [.. claims.Where(c => !c.IsWithdrawn && c.DeniesAnEnd && c.DecisiveVerdict == Verdict.True).Select(c => c.DisputedEnd!.Value)];

    /// <summary>Each stint's first day: the earliest start its claims give (null for a stint none of whose claims gives one).</summary>
    public static List<DateOnly?> FirstDays(IEnumerable<IEnumerable<ClaimRecord>> stints) =>
        [.. stints.Select(s => s.Where(IsStart).Select(c => (DateOnly?)c.ValidTime!.From.Start).Min())];

    /// <summary>The stint a claim from another proposition (a resignation accepted, a party left) on <paramref name="date"/> ends.</summary>
    public static int EndedOn(IReadOnlyList<DateOnly?> firstDays, PartialDate? date) =>
        date is { } d ? Math.Max(0, LastIndex(firstDays, day => day is { } f && f <= d.Start)) : firstDays.Count - 1;

    private static int LastIndex(IReadOnlyList<DateOnly?> days, Func<DateOnly?, bool> match)
    {
        for (var i = days.Count - 1; i >= 0; i--)
        {
            if (match(days[i])) return i;
        }

        return -1;
    }

    /// <summary>Whether two of the claims give a start, without which there is one stint: most propositions, on every append.</summary>
    public static bool MayHaveSeveral(IEnumerable<ClaimRecord> claims)
    {
        var starts = 0;
        foreach (var claim in claims)
        {
            if (IsStart(claim) && ++starts == 2) return true;
        }

        return false;
    }

    private static bool IsStart(ClaimRecord claim) => claim.ValidTime is not null && claim.Kind.Dating == Dating.Start;
}
