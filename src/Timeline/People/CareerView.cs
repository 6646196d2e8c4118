using Timeline.Claims;
using Timeline.Contradictions;

namespace Timeline.People;

/// <summary>
/// The rules that turn a dossier's claims into offices, parties and contradictions on a valid date.
/// A claim counts on a date once its valid time has begun by then; undated claims count only for "now".
/// A partial date covers its whole period, so an office "2005/2010" holds from 2005-01-01 to 2010-12-31,
/// and a date inside an imprecise boundary is marked approximate. Of several end dates the one whose period ends
/// first wins ("2010-03" over "2010"). "Now" is <c>today</c>: an office whose term ends in a later year is held,
/// and an undated end ("former …") ends it.
/// </summary>
internal sealed class CareerView
{
    private readonly DateOnly? _validAt;
    private readonly DateOnly _day;
    private readonly Dictionary<string, List<ClaimRecord>> _byProposition;
    private readonly Dictionary<string, PropositionStanding> _standings = [];

    public CareerView(PersonDossier dossier, DateOnly? validAt, DateOnly today)
    {
        _validAt = validAt;
        _day = validAt ?? today;
        var counted = dossier.Claims.Where(Counts).ToList();
        UndatedSetAside = validAt is null ? 0 : dossier.Claims.Count(c => c.ValidTime is null);
        _byProposition = counted.GroupBy(c => c.Proposition.Key).ToDictionary(g => g.Key, g => g.ToList());
        _uncounted = dossier.Claims.Where(c => !Counts(c)).ToLookup(c => c.Proposition.Key);
    }

    /// <summary>The claims a valid day leaves out (not begun by then), by proposition: a settlement among them still holds.</summary>
    private readonly ILookup<string, ClaimRecord> _uncounted;

    public int UndatedSetAside { get; }

    public bool Counts(ClaimRecord claim) =>
        _validAt is not { } day || (claim.ValidTime is { } time && time.HasBegunBy(day));

    public PropositionStanding Standing(string key)
    {
        if (!_standings.TryGetValue(key, out var standing))
        {
            standing = PropositionLedger.Evaluate(_byProposition.GetValueOrDefault(key) ?? []);
            _standings[key] = standing;
        }

        return standing;
    }

    /// <summary>How a claim's proposition stands, or, when its live claims form several stints, how the claim's stint stands.</summary>
    public PropositionStanding StandingOf(ClaimRecord claim)
    {
        var key = claim.Proposition.Key;
        if (!_stintStandings.TryGetValue(key, out var byClaim))
        {
            var live = (_byProposition.GetValueOrDefault(key) ?? []).Where(c => !c.IsWithdrawn).ToList();
            byClaim = PropositionLedger.StintParts(live) is { } parts
                ? parts.SelectMany(part => { var standing = PropositionLedger.Evaluate(part); return part.Select(c => (c.Id, standing)); })
                    .ToDictionary(x => x.Id, x => x.standing)
                : null;
            _stintStandings[key] = byClaim;
        }

        return byClaim?.GetValueOrDefault(claim.Id) ?? Standing(key);
    }

    private readonly Dictionary<string, Dictionary<Guid, PropositionStanding>?> _stintStandings = [];

    public IEnumerable<ContradictionView> Contradictions() =>
        _byProposition
            .Select(p => (Claims: p.Value, Standing: Standing(p.Key)))
            .Where(p => p.Standing.Kind != ContestKind.None)
            .Select(p => ContradictionView.From(p.Claims[0].Proposition, p.Claims, p.Standing))
            .OrderByDescending(c => c.ContestedSince);

    /// <summary>
    /// Each office's tenure on the day: of its stints (<see cref="Stints"/>) not known to be false, each judged on its own
    /// claims, the one held, else the latest begun, else the first. A stint's start is the earliest start claimed (or the ruled one); with no start on record, the earliest
    /// observation ("Senator" in an article) says it was held from then at the latest. Its end is the earliest end claimed
    /// (an interval's end, a day it was left, an accepted resignation); a scheduled term end counts only when no source
    /// says when it actually ended. A stint that begins the day after the one before it ended continues it: the tenure
    /// runs from the first (a member who changed party within a term, as two Popolo memberships).
    /// </summary>
    /// <param name="everyStint">Every stint, each from its own start, instead of the one the day picks (the Popolo export's career).</param>
    public IEnumerable<(Tenure Office, bool Held, bool Ended)> Tenures(bool everyStint = false)
    {
        foreach (var (key, claims) in _byProposition.Where(p => p.Value[0].Proposition.Predicate == Predicates.HeldOffice))
        {
            var standing = Standing(key);
            var supporting = Live(claims).Where(c => c.Stance == Stance.Asserts).ToList();
            var overruledStarts = OverruledStarts(key, claims);
            supporting.RemoveAll(overruledStarts.Contains);
            if (supporting.Count == 0) continue;
            // A dispute carries no office fields, and may be all that is counted of a claim not yet begun.
            if (claims.Find(c => c.Office is not null) is not { } first) continue;
            var subject = first.Proposition.Subject;
            var body = first.Organization ?? first.Office!;
            var denied = Stints.DeniedEnds(claims);
            var groups = Stints.Of(supporting, deniedEnds: denied);
            // Each stint is judged on its own claims: a denial, or a claim ruled false, joins the stint of its date.
            var judged = groups.Count == 1 ? null : StintClaims(groups, claims, supporting, overruledStarts);
            var stints = groups.Select((stint, i) =>
            {
                var own = judged is null ? standing : PropositionLedger.Evaluate(judged[i]);
                var decided = own.ResolvedBy is { } id ? stint.Find(c => c.Id == id) : null;
                var startClaim = decided is { Kind.Dating: Dating.Start } ? decided : stint.Where(c => c.Kind.Dating == Dating.Start).MinBy(c => c.ValidTime!.From);
                // An upheld dispute of an end ("he was not dismissed then"), whatever else was ruled since: no claim giving that end ends the tenure.
                var ends = (decided?.End is not null ? [decided] : stint.Where(c => c.End is { } end && !denied.Exists(o => end.IsCompatibleWith(o))))
                    .Select(c => new TenureEnd(c.End, CauseOf(c), c.Id)).ToList();
                return new OfficeStint(stint, startClaim?.ValidTime!.From,
                    stint.Where(c => c.Kind.Dating == Dating.Observed).Select(c => (PartialDate?)c.ValidTime!.From).Min(), ends,
                    stint.Select(c => c.ScheduledEnd).Where(e => e is not null).Min(), own);
            }).ToList();
            var firstDays = stints.Select(s => (s.Start ?? s.Observed)?.Start).ToList();
            foreach (var accepted in AcceptedResignations(subject, body))
            {
                stints[Stints.EndedOn(firstDays, accepted.ValidTime?.From)].Ends.Add(new TenureEnd(accepted.ValidTime?.From, EndCause.ResignationAccepted, accepted.Id));
            }

            foreach (var (day, claimId) in Deaths())
            {
                if (BegunBy(firstDays, day) is { } i) stints[i].Ends.Add(new TenureEnd(day, EndCause.Died, claimId));
            }

            var endsOnRecord = EndsOnRecord(key, subject, body, stints);
            foreach (var stint in stints.Where((s, i) => !endsOnRecord[i] && s.Scheduled is not null))
            {
                stint.Ends.AddRange(stint.Claims.Where(c => c.ScheduledEnd == stint.Scheduled).Select(c => new TenureEnd(stint.Scheduled, EndCause.TermEnded, c.Id)));
            }

            // A resignation belongs to the stint begun by its date: one of an earlier stint is not pending in a later one.
            var resignedIn = Resignations(subject, body).Select(c => Stints.EndedOn(firstDays, c.ValidTime?.From)).ToList();
            // A stint known not to have been held (a denial upheld) is no tenure; the others stand on their own claims.
            var kept = Enumerable.Range(0, stints.Count).Where(i => stints[i].Standing.Holds != false).ToList();
            if (kept.Count == 0) continue;
            var resigned = resignedIn.Select(i => kept.IndexOf(i)).Where(i => i >= 0).ToList();
            stints = [.. kept.Select(i => stints[i])];
            var spans = stints.Select(s => (s.Start ?? s.Observed, s.Ends.Select(e => e.Date).ToList())).ToList();
            IEnumerable<(int First, int Index, PartialDate? Since, List<ClaimRecord> Cited)> picked;
            if (everyStint) picked = stints.Select((s, i) => (i, i, s.Start ?? s.Observed, s.Claims));
            // The claims of the run of stints the tenure is drawn from: a conflict of another term is not this one's.
            else
            {
                // The tenure of the day, and before it every earlier term, each a run of stints ended by then (a historian
                // asks for the whole career, not only the latest term of each office).
                picked = [.. Listed(spans).Select(r => (r.First, r.Last, r.Since, Run(stints.Select(s => s.Claims), r.First, r.Last)))];
            }
            foreach (var (run, index, since, cited) in picked)
            {
                var (chosen, start) = (stints[index], stints[index].Start is null ? null : since);
                var (observed, ends, scheduled) = (chosen.Observed, chosen.Ends, chosen.Scheduled);
                var (held, ended, approximate, end) = OnTheDay(since, spans[index].Item2);
                // Only an end on record says when it ended: "left in 2004" alone says nothing of when it was held.
                held &= start is not null || observed is not null;
                // An undated end ends it for today, so it says how it ended only when no dated end had already ended it.
                var datedEnded = end is { } passed && _day > passed.End;
                var endedBy = ended ? ends.Where(e => e.Date is null ? !datedEnded : end is { } last && e.Date.Value.IsCompatibleWith(last)).ToList() : [];
                var pending = held && resigned.Exists(i => run <= i && i <= index) ? PendingResignation(subject, body) : null;

                yield return (new Tenure(
                    first.Office!, first.Organization, first.Term, start, start?.Precision, start is null ? observed : null, end,
                    // The cause of a claim giving the very date shown comes first: a death known by its year beside a term
                    // scheduled to end "2018-11" reads "term ended 2018-11", not "died 2018-11", a month no source gives.
                    ended ? endedBy.OrderBy(e => e.Date == end ? 0 : 1).Select(e => e.Cause).FirstOrDefault(c => c != EndCause.Unstated, EndCause.Unstated) : null,
                    [.. endedBy.Select(e => e.ClaimId).Distinct()], scheduled, approximate,
                    chosen.Standing.State == ContestState.Open, pending, [.. cited.Select(c => c.Id)]), held, ended);
            }
        }
    }

    /// <summary>
    /// A start that a fact-checker upheld holds on every day: read before it began, the counted claims of its stint that
    /// give another start are overruled (the office had not begun), though the upheld claim itself is not yet counted.
    /// </summary>
    private HashSet<ClaimRecord> OverruledStarts(string key, List<ClaimRecord> counted)
    {
        if (!_uncounted.Contains(key)) return [];
        var all = counted.Concat(_uncounted[key]).ToList();
        if (PropositionLedger.Evaluate(all).ResolvedBy is not { } id
            || all.Find(c => c.Id == id) is not { Kind.Dating: Dating.Start, DecisiveVerdict: Verdict.True, ValidTime: { } upheld } chosen
            || Counts(chosen))
        {
            return [];
        }

        var stint = Stints.Of([.. Live(all).Where(c => c.Stance == Stance.Asserts)], deniedEnds: Stints.DeniedEnds(all)).Find(s => s.Contains(chosen)) ?? [];
        return [.. stint.Where(c => c.Kind.Dating == Dating.Start && c.ValidTime is { } time && !time.From.IsCompatibleWith(upheld.From))];
    }

    /// <summary>
    /// For each stint, whether a live claim on record gives it an end, whatever its date: an interval's end or a day left
    /// in its stint, or a resignation of the body accepted on a day that falls to it, with the stints made of all the
    /// proposition's claims (those after the day too).
    /// </summary>
    private bool[] EndsOnRecord(string key, string subject, string body, List<OfficeStint> stints)
    {
        var claims = _byProposition[key].Concat(_uncounted[key]).ToList();
        var all = Stints.Of([.. Live(claims).Where(c => c.Stance == Stance.Asserts)], deniedEnds: Stints.DeniedEnds(claims));
        var ended = all.Select(s => s.Exists(c => c.End is not null)).ToArray();
        var firstDays = Stints.FirstDays(all);
        var resigned = new Proposition(subject, Predicates.ResignedFrom, body).Key;
        foreach (var accepted in Live((_byProposition.GetValueOrDefault(resigned) ?? []).Concat(_uncounted[resigned])).Where(c => c.Kind.EndsOffice is not null))
        {
            ended[Stints.EndedOn(firstDays, accepted.ValidTime?.From)] = true;
        }

        return [.. stints.Select(s => ended[Math.Max(0, all.FindIndex(whole => whole.Contains(s.Claims[0])))])];
    }

    /// <summary>
    /// The live claims each stint is judged on: its supporting claims, and the proposition's other live claims (denials,
    /// claims ruled false) whose date falls to it (the latest stint begun by then; the first when none has).
    /// </summary>
    private static List<List<ClaimRecord>> StintClaims(
        List<List<ClaimRecord>> groups, List<ClaimRecord> claims, List<ClaimRecord> supporting, HashSet<ClaimRecord> overruled)
    {
        var inStints = supporting.ToHashSet();
        return Stints.WithOthers(groups, claims.Where(c => !c.IsWithdrawn && !inStints.Contains(c) && !overruled.Contains(c)));
    }

    /// <summary>
    /// The days the person died, as the counted claims say: a live <c>OfficeLeft</c> with cause died not ruled false, whose
    /// end no upheld dispute denies, and a live <c>StatementMade</c> "died" not ruled false while that proposition holds.
    /// A death ends every office, membership and role still held then (null: undated, it ends them for today).
    /// </summary>
    private List<(PartialDate? Day, Guid ClaimId)> Deaths() => _deaths ??= [.. FindDeaths()];

    /// <summary>The earliest dated death the counted claims give, as an end is chosen (of deaths on one last day, the most precise); a contested death is none.</summary>
    public PartialDate? DiedOn => Deaths().Where(d => d.Day is not null).Select(d => d.Day!.Value)
        .OrderBy(d => d.End).ThenByDescending(d => d.Precision).Cast<PartialDate?>().FirstOrDefault();

    private List<(PartialDate? Day, Guid ClaimId)>? _deaths;

    private IEnumerable<(PartialDate? Day, Guid ClaimId)> FindDeaths()
    {
        foreach (var (key, claims) in _byProposition)
        {
            var predicate = claims[0].Proposition.Predicate;
            if (predicate == Predicates.Died && Standing(key).Holds != true) continue;
            foreach (var claim in Live(claims).Where(c => c.Stance == Stance.Asserts))
            {
                if (predicate == Predicates.Died) yield return (claim.ValidTime?.From, claim.Id);
                else if (claim.Type == nameof(OfficeLeft) && claim.Cause == LeaveCause.Died && !DeathContested(claim, claims)) yield return (claim.End, claim.Id);
            }
        }
    }

    // A death another source disputes is no death until a ruling settles it, as a contested "died" statement is none: the
    // dispute upheld, that day is not an end; the dispute ruled false, or the death ruled true, it is a death.
    private static bool DeathContested(ClaimRecord left, List<ClaimRecord> claims) =>
        Stints.DeniedEnds(claims).Exists(denied => denied.IsCompatibleWith(left.End!.Value))
        || (left.DecisiveVerdict != Verdict.True && claims.Exists(d =>
            !d.IsWithdrawn && d.DeniesAnEnd && d.DecisiveVerdict != Verdict.False && d.DisputedEnd!.Value.IsCompatibleWith(left.End!.Value)));

    /// <summary>The latest stint begun by the last day a date can mean (an undated day: the last stint); none when none had begun.</summary>
    private static int? BegunBy(IReadOnlyList<DateOnly?> firstDays, PartialDate? day)
    {
        if (day is not { } d) return firstDays.Count - 1;
        // By its last day: a death known only by its year ends a stint begun within that year.
        for (var i = firstDays.Count - 1; i >= 0; i--)
        {
            if (firstDays[i] is not { } first || first <= d.End) return i;
        }

        return null;
    }

    /// <summary>The claims of stints <paramref name="first"/> to <paramref name="last"/>: the run a tenure or membership is drawn from.</summary>
    private static List<ClaimRecord> Run(IEnumerable<List<ClaimRecord>> stints, int first, int last) =>
        [.. stints.Skip(first).Take(last - first + 1).SelectMany(s => s)];

    private sealed record OfficeStint(
        List<ClaimRecord> Claims, PartialDate? Start, PartialDate? Observed, List<TenureEnd> Ends, PartialDate? Scheduled, PropositionStanding Standing);

    private sealed record TenureEnd(PartialDate? Date, EndCause Cause, Guid ClaimId);

    private static EndCause CauseOf(ClaimRecord claim) => claim.Cause switch
    {
        LeaveCause.Resigned => EndCause.Resigned,
        LeaveCause.TermEnded => EndCause.TermEnded,
        LeaveCause.Dismissed => EndCause.Dismissed,
        LeaveCause.Died => EndCause.Died,
        LeaveCause.Other => EndCause.Other,
        _ => EndCause.Unstated,
    };

    /// <summary>Every party membership the record gives, held on the day or not, with the end that closes it (null: none on record, or undated).</summary>
    /// <param name="everyStint">Every stint, each from its own start, instead of the one the day picks (the Popolo export's career).</param>
    public IEnumerable<(PartyMembership Membership, bool Held, bool Ended)> PartyTenures(bool everyStint = false)
    {
        foreach (var (key, claims) in _byProposition.Where(p => p.Value[0].Proposition.Predicate == Predicates.MemberOf))
        {
            if (claims.Find(c => c.Party is not null) is not { } named) continue;
            var supporting = Live(claims).Where(c => c.Stance == Stance.Asserts).ToList();
            var spans = Spans(key, claims, supporting, Ends(named.Proposition.Subject, Predicates.LeftParty, named.Proposition.Object));
            if (spans.Count == 0) continue;
            if (!everyStint)
            {
                // As an office's: the membership of the day, and every earlier one that ended by then (left and joined again).
                foreach (var r in Listed([.. spans.Select(s => (s.Start, s.Ends))]))
                {
                    yield return (new PartyMembership(named.Party!, r.Since, r.Approximate, [.. Run(spans.Select(s => s.Claims), r.First, r.Last).Select(c => c.Id)], r.End),
                        r.Held, r.Ended);
                }

                continue;
            }

            foreach (var span in spans)
            {
                var (held, ended, approximate, end) = OnTheDay(span.Start, span.Ends);
                yield return (new PartyMembership(named.Party!, span.Start, approximate, span.Claims.Select(c => c.Id).ToList(), end), held, ended);
            }
        }
    }

    public IEnumerable<(PartyRoleHeld Role, bool Held, bool Ended)> PartyRoles()
    {
        foreach (var (key, claims) in _byProposition.Where(p => p.Value[0].Proposition.Predicate == Predicates.HeldPartyRole))
        {
            if (claims.Find(c => c.Role is not null) is not { } named) continue;
            var supporting = Live(claims).Where(c => c.Stance == Stance.Asserts).ToList();
            var left = Ends(named.Proposition.Subject, Predicates.LeftParty, named.Party!).Concat(Ends(named.Proposition.Subject, Predicates.LeftPartyRole, named.Proposition.Object));
            var spans = Spans(key, claims, supporting, left);
            if (spans.Count == 0) continue;
            // As a membership's: the role of the day, and every earlier term of it that ended by then.
            foreach (var r in Listed([.. spans.Select(s => (s.Start, s.Ends))]))
            {
                yield return (new PartyRoleHeld(named.Party!, named.Role!, r.Since, r.Approximate, [.. Run(spans.Select(s => s.Claims), r.First, r.Last).Select(c => c.Id)], r.End),
                    r.Held, r.Ended);
            }
        }
    }

    /// <summary>
    /// A membership's stints (split also by the days it was left) that hold, each from its earliest start until its interval
    /// ends and the days it was left (an undated day ends the last stint, for today). Of several, each is judged on its own
    /// claims (its supporting claims and the other live claims whose date falls to it), as an office's stints are.
    /// </summary>
    private List<(PartialDate? Start, List<PartialDate?> Ends, List<ClaimRecord> Claims)> Spans(
        string key, List<ClaimRecord> claims, List<ClaimRecord> supporting, IEnumerable<PartialDate?> leftOn)
    {
        var spans = Spans(supporting, leftOn);
        if (spans.Count == 1) return Standing(key).Holds == true ? spans : [];
        var inSpans = supporting.ToHashSet();
        var judged = Stints.WithOthers([.. spans.Select(s => s.Claims)], claims.Where(c => !c.IsWithdrawn && !inSpans.Contains(c)));
        return [.. spans.Where((_, i) => PropositionLedger.Evaluate(judged[i]).Holds == true)];
    }

    private List<(PartialDate? Start, List<PartialDate?> Ends, List<ClaimRecord> Claims)> Spans(List<ClaimRecord> supporting, IEnumerable<PartialDate?> leftOn)
    {
        var left = leftOn.ToList();
        // Joined, left and joined again: the day left splits the membership as an OfficeLeft splits an office.
        var spans = Stints.Of(supporting, left.OfType<PartialDate>())
            .Select(stint => (Start: stint.Where(c => c.ValidTime is not null).Select(c => (PartialDate?)c.ValidTime!.From).Min(), Ends: IntervalEnds(stint).ToList(), Claims: stint))
            .ToList();
        var firstDays = spans.Select(s => s.Start?.Start).ToList();
        foreach (var day in left) spans[Stints.EndedOn(firstDays, day)].Ends.Add(day);
        // A death ends the membership held then; it does not split one (joined again after it is an error of the record).
        foreach (var (day, _) in Deaths())
        {
            if (BegunBy(firstDays, day) is { } i) spans[i].Ends.Add(day);
        }

        return spans;
    }

    /// <summary>
    /// Of stints in order, each beginning at its start (null: undated) and ending at the earliest of its ends (null: an
    /// undated end, counted only for "now"): the one held on the day, else the latest begun, else the first; with the start
    /// of the run of stints it continues (each beginning the day after the one before it ended).
    /// </summary>
    private (int First, int Index, PartialDate? Since, bool Held, bool Ended, bool Approximate, PartialDate? End) OnTheDay(
        IReadOnlyList<(PartialDate? Start, List<PartialDate?> Ends)> stints)
    {
        var days = stints.Select(s => OnTheDay(s.Start, s.Ends)).ToList();
        var index = days.FindLastIndex(d => d.Held);
        if (index < 0) index = Math.Max(0, stints.ToList().FindLastIndex(s => s.Start is { } start && start.Start <= _day));
        var first = index;
        while (first > 0 && Continues(stints, first, days[first - 1].End)) first--;
        var since = stints[first].Start;
        var (held, ended, approximate, end) = OnTheDay(since, stints[index].Ends);
        return (first, index, since, held, ended, approximate, end);
    }

    /// <summary>
    /// What a career lists on the day, in order: every earlier run of stints that had ended by then, each from the start of
    /// its first stint to the end of its last, then the run of the day (<see cref="OnTheDay(IReadOnlyList{ValueTuple{PartialDate?, List{PartialDate?}}})"/>).
    /// </summary>
    private List<(int First, int Last, PartialDate? Since, bool Held, bool Ended, bool Approximate, PartialDate? End)> Listed(
        IReadOnlyList<(PartialDate? Start, List<PartialDate?> Ends)> stints)
    {
        var day = OnTheDay(stints);
        var listed = new List<(int, int, PartialDate?, bool, bool, bool, PartialDate?)>();
        for (int first = 0, i = 1; i <= day.First; i++)
        {
            if (i < day.First && Continues(stints, i, OnTheDay(stints[i - 1].Start, stints[i - 1].Ends).End)) continue;
            var (held, ended, approximate, end) = OnTheDay(stints[first].Start, stints[i - 1].Ends);
            if (ended) listed.Add((first, i - 1, stints[first].Start, held, ended, approximate, end));
            first = i;
        }

        listed.Add((day.First, day.Index, day.Since, day.Held, day.Ended, day.Approximate, day.End));
        return listed;
    }

    // Stint i continues the one before it when it begins the day after that one's end.
    private static bool Continues(IReadOnlyList<(PartialDate? Start, List<PartialDate?> Ends)> stints, int i, PartialDate? endBefore) =>
        endBefore is { } before && stints[i].Start is { } start && before.End.AddDays(1) == start.Start;

    /// <summary>
    /// Whether something that began at <paramref name="start"/> (null: undated) and ends at the earliest of
    /// <paramref name="ends"/> (null: an undated end, counted only for "now") holds on the day.
    /// </summary>
    private (bool Held, bool Ended, bool Approximate, PartialDate? End) OnTheDay(PartialDate? start, List<PartialDate?> ends)
    {
        // Of ends on the same last day ("2004-01" and "2004-01-31") the most precise, whatever order they came in.
        var end = ends.Where(e => e is not null).OrderBy(e => e!.Value.End).ThenByDescending(e => e!.Value.Precision).FirstOrDefault();
        var ended = ends.Exists(e => e is null) || (end is { } last && _day > last.End);
        var held = (start is not { } first || first.Start <= _day) && !ended;
        var approximate = held &&
            ((start is { } s && s.Precision != DatePrecision.Day && s.Contains(_day)) || (end is { } e && e.Precision != DatePrecision.Day && e.Contains(_day)));
        return (held, ended, approximate, end);
    }

    private static IEnumerable<PartialDate?> IntervalEnds(IEnumerable<ClaimRecord> claims) =>
        claims.Where(c => c.ValidTime?.To is not null).Select(c => c.ValidTime!.To);

    private static IEnumerable<ClaimRecord> Live(IEnumerable<ClaimRecord> claims) =>
        claims.Where(c => !c.IsWithdrawn && c.DecisiveVerdict != Verdict.False);

    /// <summary>When the claims that something ended say it ended; null for an undated end.</summary>
    private IEnumerable<PartialDate?> Ends(string subject, string predicate, string @object)
    {
        var key = new Proposition(subject, predicate, @object).Key;
        if (Standing(key).Holds != true) return [];
        return Live(_byProposition[key]).Where(c => c.Stance == Stance.Asserts).Select(c => c.ValidTime?.From);
    }

    private IEnumerable<ClaimRecord> AcceptedResignations(string subject, string body)
    {
        var key = new Proposition(subject, Predicates.ResignedFrom, body).Key;
        if (!_byProposition.TryGetValue(key, out var claims)) return [];
        return Live(claims).Where(c => c.Kind.EndsOffice is not null);
    }

    /// <summary>The counted claims about a resignation from the body, and about withdrawing one.</summary>
    private IEnumerable<ClaimRecord> Resignations(string subject, string body) =>
        new[] { Predicates.ResignedFrom, Predicates.WithdrewResignation }
            .SelectMany(p => _byProposition.GetValueOrDefault(new Proposition(subject, p, body).Key) ?? []);

    private string? PendingResignation(string subject, string body)
    {
        var withdrawn = new Proposition(subject, Predicates.WithdrewResignation, body).Key;
        if (_byProposition.ContainsKey(withdrawn) && Standing(withdrawn).Holds == true) return "resignation withdrawn";

        var key = new Proposition(subject, Predicates.ResignedFrom, body).Key;
        if (!_byProposition.ContainsKey(key)) return null;
        var standing = Standing(key);
        return standing switch
        {
            // Still held on the day (the acceptance's own day, or within its month or year): the body has accepted it.
            { ResolutionRule: "authoritative act" } => "resignation accepted",
            { State: ContestState.Open } => "resignation tendered (contested)",
            { State: ContestState.Resolved, Holds: true } => "resignation tendered (confirmed)",
            { Holds: true } => "resignation tendered",
            _ => null,
        };
    }
}
