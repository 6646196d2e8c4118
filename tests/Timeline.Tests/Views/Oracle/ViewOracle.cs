using System.Globalization;
using System.Text;

namespace Timeline.Tests.Views.Oracle;

// The oracle's input: what was appended, in recorded order, as the test itself knows it. Nothing here comes from the
// service except the ids and recorded times it gave each append.

internal abstract record OEvent(long Order, DateTimeOffset RecordedAt);

internal sealed record OSource(int Index, DateTimeOffset PublishedAt)
{
    /// <summary>The day on the source's own dateline (its local date), which the reportedAt cut compares.</summary>
    public DateOnly Dateline => DateOnly.FromDateTime(PublishedAt.DateTime);
}

internal sealed record OClaim(
    long Order, DateTimeOffset RecordedAt, Guid Id, string Type, string Predicate, string Object, bool Asserts, OValidTime? ValidTime, OSource Source,
    string? Office, string? Organization, ODate? ScheduledEnd, string? Cause, string? Party, string? Role, string? Value, ODate? DisputedEnd = null)
    : OEvent(Order, RecordedAt);

internal sealed record ORetraction(long Order, DateTimeOffset RecordedAt, Guid Target, OSource Source) : OEvent(Order, RecordedAt);

internal sealed record ORuling(long Order, DateTimeOffset RecordedAt, Guid Target, string Verdict, DateTimeOffset RuledAt) : OEvent(Order, RecordedAt);

// The oracle's output.

internal sealed record ExpTenure(
    string Office, string? Organization, string? Since, string? SincePrecision, string? SinceAtLatest, string? Until, IReadOnlySet<string>? EndCauses,
    IReadOnlySet<Guid> EndedBy, string? ScheduledEnd, bool Approximate, bool Contested, string? Pending, IReadOnlySet<Guid> ClaimIds, string? Anchor);

/// <param name="Until">The ends the rules allow (several where ends tie); null for none on record or undated.</param>
internal sealed record ExpMembership(string Party, string? Role, string? Since, IReadOnlySet<bool> Approximate, IReadOnlySet<Guid> ClaimIds, IReadOnlySet<string?> Until);

internal sealed record ExpContradiction(
    string Predicate, string Object, string State, string Kind, bool? Holds, Guid? ChosenBy, DateTimeOffset ContestedSince,
    IReadOnlySet<Guid> Asserting, IReadOnlySet<Guid> Denying, IReadOnlySet<Guid> Retracted, string? ResolvedHow, string ConflictOn);

internal sealed record ExpEntry(Guid Id, string State, bool? Holds, bool Retracted, string? Ruling, string? Decisive, bool AfterDeath);

internal sealed record ExpStatus(
    IReadOnlySet<string> StatusLines, List<List<ExpTenure>> Offices, List<List<ExpTenure>> FormerOffices, List<ExpMembership> Parties,
    List<ExpMembership> FormerParties, List<ExpMembership> Roles, List<ExpMembership> FormerRoles, List<ExpContradiction> Contradictions, int Open, int UndatedSetAside, int LineCase);

/// <summary>
/// The views as README.md's "The rules the views follow" states them, computed from the appended events alone with the
/// oracle's own dates. Where the README leaves a choice open, the comment at that spot says which reading it takes.
/// </summary>
internal sealed class ViewOracle
{
    private const string HeldOffice = "held-office";

    private sealed class Claim(OClaim c)
    {
        public OClaim C { get; } = c;
        public bool Retracted { get; set; }
        public List<ORuling> Rulings { get; } = [];

        public bool Live => !Retracted;

        /// <summary>The latest true or false ruling; misleading and unproven decide nothing.</summary>
        public ORuling? Decisive => Rulings.LastOrDefault(r => r.Verdict is "true" or "false");

        /// <summary>Live and not ruled false: it supports its side.</summary>
        public bool Supports => Live && Decisive?.Verdict != "false";

        /// <summary>The start an office claim gives (compared across sources).</summary>
        public ODate? Start => C.Type == "OfficeTaken" ? C.ValidTime!.From : null;

        /// <summary>The end it gives: an OfficeTaken interval's end, an OfficeLeft's day.</summary>
        public ODate? End => C.Type switch
        {
            "OfficeTaken" => C.ValidTime!.To,
            "OfficeLeft" => C.ValidTime!.From,
            _ => null,
        };
    }

    private sealed record Standing(string State, string Kind, bool? Holds, Claim? Chosen, string? How = null);

    private readonly List<Claim> _claims = [];
    private readonly Dictionary<(string, string), List<Claim>> _byProposition = [];
    private readonly Dictionary<(string, string), Standing> _standings = [];
    private readonly DateOnly _day;
    private readonly DateOnly? _validAt;

    public int UndatedSetAside { get; }

    /// <param name="today">The day "now" means: without validAt, the views are read on it.</param>
    public ViewOracle(IEnumerable<OEvent> events, DateOnly? validAt, DateOnly? reportedAt, DateTimeOffset? recordedAt, DateOnly today)
    {
        _validAt = validAt;
        _day = validAt ?? today;
        bool Published(DateOnly day) => reportedAt is not { } r || day <= r;
        var all = new Dictionary<Guid, Claim>();
        foreach (var e in events.Where(e => recordedAt is not { } at || e.RecordedAt <= at).OrderBy(e => e.Order))
        {
            switch (e)
            {
                case OClaim c when Published(c.Source.Dateline):
                    var claim = new Claim(c);
                    all[c.Id] = claim;
                    _claims.Add(claim);
                    break;
                case ORetraction r when Published(r.Source.Dateline) && all.TryGetValue(r.Target, out var retracted):
                    retracted.Retracted = true;
                    break;
                case ORuling r when Published(DateOnly.FromDateTime(r.RuledAt.DateTime)) && all.TryGetValue(r.Target, out var ruled):
                    ruled.Rulings.Add(r);
                    break;
            }
        }

        UndatedSetAside = validAt is null ? 0 : _claims.Count(c => c.C.ValidTime is null);
        foreach (var claim in _claims.Where(Counts))
        {
            var key = (claim.C.Predicate, Normalize(claim.C.Object));
            if (!_byProposition.TryGetValue(key, out var list)) _byProposition[key] = list = [];
            list.Add(claim);
        }
    }

    /// <summary>With validAt, a claim counts once its valid time has begun; undated claims count only for today.</summary>
    private bool Counts(Claim c) => _validAt is not { } day || (c.C.ValidTime is { } t && t.From.First <= day);

    private static string Normalize(string text)
    {
        var b = new StringBuilder();
        var gap = false;
        foreach (var ch in text)
        {
            if (char.IsLetterOrDigit(ch))
            {
                if (gap && b.Length > 0) b.Append('-');
                b.Append(char.ToLowerInvariant(ch));
                gap = false;
            }
            else
            {
                gap = true;
            }
        }

        return b.ToString();
    }

    private List<Claim> ClaimsOf(string predicate, string @object) => _byProposition.GetValueOrDefault((predicate, Normalize(@object))) ?? [];

    // --- contradictions ------------------------------------------------------------------------------------------

    private static bool TextAgrees(string a, string b) =>
        ODate.LooksLikeDate(a) && ODate.LooksLikeDate(b) ? ODate.Parse(a.Trim()).Agrees(ODate.Parse(b.Trim())) : Normalize(a) == Normalize(b);

    private static bool PairDisagrees<T>(List<T> values, Func<T, T, bool> agree)
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
    /// The README's stints of some claims of one proposition: the claims giving a start (OfficeTaken, PartyJoined,
    /// PartyRoleTaken with a valid time) by their start's first day, each in the stint before it unless every start claim
    /// there gives an interval whose last day is before its first day, or is open and an OfficeLeft among the claims (for a
    /// membership or a role, a day it was left), not before its start, has its last day before that first day; every other claim in the latest stint begun on or
    /// before its first day (the first when none has, the last when undated).
    /// </summary>
    private static List<List<Claim>> StintsOf(IEnumerable<Claim> claims, IEnumerable<ODate?>? leftElsewhere = null, List<ODate>? denied = null)
    {
        var all = claims.ToList();
        var elsewhere = (leftElsewhere ?? []).OfType<ODate>().ToList();
        // Its interval ended before the day, or, open-ended, a day left that is not before its start was (and that no upheld
        // dispute denies).
        bool EndedBefore(Claim start, DateOnly day)
        {
            if (start.C.ValidTime!.To is { } to) return to.Last < day;
            return all.Where(l => l.C.Type == "OfficeLeft" && l.End is not null && l.Decisive?.Verdict != "false").Select(l => l.End!.Value).Concat(elsewhere)
                .Where(end => denied is null || !denied.Exists(d => d.Agrees(end)))
                .Any(end => end.First >= start.C.ValidTime.From.First && end.Last < day);
        }

        var stints = new List<(DateOnly First, List<Claim> Claims)>();
        foreach (var c in all.Where(GivesStart).OrderBy(c => c.C.ValidTime!.From.First).ThenBy(c => c.C.Order))
        {
            var day = c.C.ValidTime!.From.First;
            if (stints.Count > 0 && !stints[^1].Claims.Where(GivesStart).All(p => EndedBefore(p, day)))
            {
                stints[^1].Claims.Add(c);
                continue;
            }

            if (stints.Count > 0 && stints[^1].Claims.Exists(p => GivesStart(p) && p.C.ValidTime!.To is null)) Coverage.Hit(elsewhere.Count > 0 ? "stints:left-and-joined-again" : "stints:left-and-taken-again");
            stints.Add((day, [c]));
        }

        if (stints.Count == 0) return [all];
        foreach (var c in all.Where(c => !GivesStart(c))) stints[StintOn(stints.Select(s => (DateOnly?)s.First).ToList(), c.C.ValidTime?.From)].Claims.Add(c);
        return [.. stints.Select(s => s.Claims)];
    }

    /// <summary>The days left that a live dispute, upheld by a true ruling, denies.</summary>
    private static List<ODate> Denied(IEnumerable<Claim> claims) =>
        [.. claims.Where(c => c.Live && c.C.DisputedEnd is not null && c.Decisive?.Verdict == "true").Select(c => c.C.DisputedEnd!.Value)];

    private static bool GivesStart(Claim c) => c.C.Type is "OfficeTaken" or "PartyJoined" or "PartyRoleTaken" && c.C.ValidTime is not null;

    /// <summary>The stint a date falls to: the latest begun on or before its first day, else the first; undated, the last.</summary>
    private static int StintOn(List<DateOnly?> firstDays, ODate? date) =>
        date is not { } d ? firstDays.Count - 1 : Math.Max(0, firstDays.FindLastIndex(f => f is { } first && first <= d.First));

    /// <summary>
    /// Assertion denied, value conflict or none. Reading: only office starts and ends are compared as dates (the README's
    /// examples are offices); a party joined in two different years is not a conflict (memberships run "from its
    /// earliest start"). Statement values compare as partial dates when both are dates, else as normalized text. Values
    /// are compared within a stint.
    /// </summary>
    private static string Conflict(IReadOnlyCollection<Claim> live) => KindOf(ConflictOn([.. live]));

    private static string KindOf(string conflictOn) => conflictOn switch
    {
        "denied" => "assertionDenied",
        "none" => "none",
        _ => "valueConflict",
    };

    /// <summary>What the live claims conflict on, each stint judged on its own claims when the supporting ones form several.</summary>
    private static string ConflictByStint(List<Claim> live) =>
        StintParts(live) is { } parts ? parts.Select(ConflictOn).FirstOrDefault(k => k != "none", "none") : ConflictOn(live);

    /// <summary>
    /// The README's stints judged apart: the supporting claims' stints, each with the other live claims (denials, claims
    /// ruled false) whose date falls to it. Null for one stint.
    /// </summary>
    private static List<List<Claim>>? StintParts(List<Claim> live)
    {
        var supporting = live.Where(c => c.Supports && c.C.Asserts).ToList();
        var groups = StintsOf(supporting, denied: Denied(live));
        if (groups.Count < 2) return null;
        var firstDays = groups.Select(g => g.Where(GivesStart).Select(c => (DateOnly?)c.C.ValidTime!.From.First).Min()).ToList();
        var parts = groups.Select(g => new List<Claim>(g)).ToList();
        foreach (var c in live.Where(c => !supporting.Contains(c))) parts[StintOn(firstDays, c.C.ValidTime?.From)].Add(c);
        Coverage.Hit("stints:judged-apart");
        if (PairDisagrees(supporting.Where(c => c.Start is not null).Select(c => c.Start!.Value).ToList(), (a, b) => a.Agrees(b))) Coverage.Hit("stints:apart");
        return parts;
    }

    /// <summary>
    /// Several stints: open when one is; else resolved when one was contested, the first open (else first contested) one
    /// speaking for the proposition; it holds when a stint holds (unknown while open).
    /// </summary>
    private static Standing Combine(List<Standing> stints)
    {
        var speaking = stints.Find(s => s.State == "open") ?? stints.Find(s => s.Kind != "none");
        if (speaking is { State: "open" }) return speaking;
        bool? holds = stints.Exists(s => s.Holds == true) ? true : stints.TrueForAll(s => s.Holds == false) ? false : null;
        if (speaking is not null) return speaking with { Holds = holds };
        var ruled = stints.LastOrDefault(s => s.Chosen is not null);
        return new Standing("uncontested", "none", holds, ruled?.Chosen, ruled?.How);
    }

    /// <summary>What the live claims conflict on: denied, starts, ends, values or none.</summary>
    private static string ConflictOn(List<Claim> live)
    {
        var asserting = live.Where(c => c.C.Asserts).ToList();
        // A dispute of an OfficeLeft denies that end only: it meets the claims giving an end that agrees with it.
        if (asserting.Count > 0 && live.Any(c => !c.C.Asserts && (c.C.DisputedEnd is not { } denied || asserting.Exists(a => a.End is { } end && end.Agrees(denied)))))
        {
            if (live.Exists(c => c.C.DisputedEnd is not null)) Coverage.Hit("end-dispute:contested");
            return "denied";
        }

        var stints = StintsOf(asserting, denied: Denied(live));
        if (stints.Count > 1 && PairDisagrees(asserting.Where(c => c.Start is not null).Select(c => c.Start!.Value).ToList(), (a, b) => a.Agrees(b))) Coverage.Hit("stints:apart");
        if (stints.Exists(st => PairDisagrees(st.Where(c => c.Start is not null).Select(c => c.Start!.Value).ToList(), (a, b) => a.Agrees(b)))) return "starts";
        if (stints.Exists(st => PairDisagrees(st.Where(c => c.End is not null).Select(c => c.End!.Value).ToList(), (a, b) => a.Agrees(b)))) return "ends";
        if (stints.Exists(st => PairDisagrees(st.Where(c => c.C.Value is not null).Select(c => c.C.Value!).ToList(), TextAgrees))) return "values";
        return "none";
    }

    private Standing StandingOf(string predicate, string @object)
    {
        var key = (predicate, Normalize(@object));
        if (_standings.TryGetValue(key, out var known)) return known;
        var standing = Evaluate(ClaimsOf(predicate, @object));
        _standings[key] = standing;
        return standing;
    }

    private static Standing Evaluate(List<Claim> claims)
    {
        var live = claims.Where(c => c.Live).ToList();
        return StintParts(live) is { } parts ? Combine([.. parts.Select(EvaluateLive)]) : EvaluateLive(live);
    }

    private static Standing EvaluateLive(List<Claim> live)
    {
        var kind = Conflict(live);
        var settled = kind == "none" ? "uncontested" : "resolved";

        // 1. The body's own act: a live ResignationAccepted not ruled false (the latest such).
        var act = live.LastOrDefault(c => c.C.Type == "ResignationAccepted" && c.C.Asserts && c.Decisive?.Verdict != "false");
        if (act is not null) return new Standing(settled, kind, true, act, "authority");

        // 2. The live claim with the latest true ruling (a claim whose latest decisive ruling is false is not ruled true).
        //    An upheld dispute of an end leaves the holding to the claims not ruled false.
        var remaining = live.Where(c => c.Decisive?.Verdict != "false").ToList();
        var holds = remaining.Any(c => c.C.Asserts);
        var ruledTrue = live.Where(c => c.Decisive?.Verdict == "true").MaxBy(c => c.Decisive!.Order);
        if (ruledTrue is not null) return new Standing(settled, kind, ruledTrue.C.DisputedEnd is not null ? holds : ruledTrue.C.Asserts, ruledTrue, "true-ruling");

        if (kind == "none") return new Standing("uncontested", kind, holds, null);

        // 3. False rulings that leave the remaining claims agreeing.
        if (Conflict(remaining) == "none") return new Standing("resolved", kind, holds, null, "false-rulings");
        return new Standing("open", kind, null, null);
    }

    /// <summary>The recorded time of the claim that made the live claims conflict since they last agreed (stints can end a conflict).</summary>
    private static DateTimeOffset? ContestedSince(List<Claim> claims)
    {
        var seen = new List<Claim>();
        DateTimeOffset? since = null;
        foreach (var c in claims.Where(c => c.Live).OrderBy(c => c.C.Order))
        {
            seen.Add(c);
            since = ConflictByStint(seen) == "none" ? null : since ?? c.C.RecordedAt;
        }

        return since;
    }

    public List<ExpContradiction> Contradictions() =>
        _byProposition.Values
            .Select(claims => (Claims: claims, Standing: StandingOf(claims[0].C.Predicate, claims[0].C.Object)))
            .Where(p => p.Standing.Kind != "none")
            .Select(p => new ExpContradiction(
                p.Claims[0].C.Predicate, p.Claims[0].C.Object, p.Standing.State, p.Standing.Kind, p.Standing.Holds,
                p.Standing.State == "resolved" ? p.Standing.Chosen?.C.Id : null,
                ContestedSince(p.Claims)!.Value,
                p.Claims.Where(c => c.Live && c.C.Asserts).Select(c => c.C.Id).ToHashSet(),
                p.Claims.Where(c => c.Live && !c.C.Asserts).Select(c => c.C.Id).ToHashSet(),
                p.Claims.Where(c => !c.Live).Select(c => c.C.Id).ToHashSet(),
                p.Standing.State == "resolved" ? p.Standing.How : null, ConflictByStint(p.Claims.Where(c => c.Live).ToList())))
            .OrderByDescending(c => c.ContestedSince)
            .ToList();

    // --- offices ---------------------------------------------------------------------------------------------------

    private sealed record End(ODate? Date, string Cause, Guid ClaimId, long Order);

    /// <summary>
    /// The earliest end: the one whose period ends first. Reading: the README does not say which of two ends with the
    /// same last day ("2004-01" and "2004-01-31") is the earliest, so either is accepted (null when there is none).
    /// </summary>
    private static List<ODate?> EarliestEnds(IEnumerable<ODate?> ends)
    {
        var dated = ends.Where(e => e is not null).Select(e => e!.Value).Distinct().ToList();
        if (dated.Count == 0) return [null];
        var last = dated.Min(e => e.Last);
        return [.. dated.Where(e => e.Last == last).Cast<ODate?>()];
    }

    private static ODate? EarliestStart(IEnumerable<ODate> starts) =>
        starts.OrderBy(s => s, Comparer<ODate>.Create(ODate.Compare)).Cast<ODate?>().FirstOrDefault();

    private bool Approximate(ODate? start, ODate? end) =>
        (start is { Precision: < 3 } s && s.Contains(_day)) || (end is { Precision: < 3 } e && e.Contains(_day));

    private sealed record OfficeStint(List<Claim> Claims, ODate? Since, ODate? Observed, List<End> Ends, ODate? Scheduled, Standing Standing)
    {
        public ODate? Anchor => Since ?? Observed;
    }

    /// <summary>
    /// Each office with the answers the rules allow (more than one only where the README leaves a tie): of its stints, the
    /// one held, else the latest begun by the day, else the first, its since taken from the first of the run of stints it
    /// continues.
    /// </summary>
    public List<(List<ExpTenure> Alternatives, bool Held, bool Former)> Tenures()
    {
        var result = new List<(List<ExpTenure>, bool, bool)>();
        foreach (var claims in _byProposition.Values.Where(v => v[0].C.Predicate == HeldOffice))
        {
            var first = claims[0].C;
            var standing = StandingOf(HeldOffice, first.Object);
            var supporting = claims.Where(c => c.Supports && c.C.Asserts).ToList();
            var overruledStarts = new List<Claim>();
            if (_validAt is not null)
            {
                // A start upheld by a true ruling holds on every day: before it, the other starts of its stint are overruled.
                var all = _claims.Where(c => c.C.Predicate == HeldOffice && Normalize(c.C.Object) == Normalize(first.Object)).ToList();
                if (Evaluate(all) is { How: "true-ruling", Chosen: { C.Type: "OfficeTaken" } upheld } && !Counts(upheld))
                {
                    Coverage.Hit("office:upheld-start-later");
                    var stint = StintsOf(all.Where(c => c.Supports && c.C.Asserts), denied: Denied(all)).Single(st => st.Contains(upheld));
                    overruledStarts = supporting.Where(c => stint.Contains(c) && c.Start is { } s && !s.Agrees(upheld.Start!.Value)).ToList();
                    supporting.RemoveAll(overruledStarts.Contains);
                }
            }

            if (supporting.Count == 0) continue;
            var body = first.Organization ?? first.Office!;
            // Each stint is judged on its own claims: the proposition's other live claims (denials, claims ruled false) join
            // the stint their date falls to.
            // An end a live dispute upheld denies never ends it, whatever was ruled since.
            var denied = Denied(claims);
            var groups = StintsOf(supporting, denied: denied);
            var groupFirstDays = groups.Select(g => g.Where(GivesStart).Select(c => (DateOnly?)c.C.ValidTime!.From.First).Min()).ToList();
            var others = claims.Where(c => c.Live && !supporting.Contains(c) && !overruledStarts.Contains(c)).ToList();
            var stints = groups.Select((stint, i) =>
            {
                var own = groups.Count == 1 ? standing : Evaluate([.. stint, .. others.Where(c => StintOn(groupFirstDays, c.C.ValidTime?.From) == i)]);
                if (groups.Count > 1 && own.Holds == false) Coverage.Hit("stints:denied-stint");
                if (own.Chosen?.C.DisputedEnd is not null) Coverage.Hit("end-dispute:upheld");
                var chosen = own.Chosen is { } ch && stint.Contains(ch) ? ch : null;
                return new OfficeStint(stint,
                    chosen?.Start ?? EarliestStart(stint.Where(c => c.Start is not null).Select(c => c.Start!.Value)),
                    EarliestStart(stint.Where(c => c.C.Type == "OfficeHeld").Select(c => c.C.ValidTime!.From)),
                    [.. (chosen?.End is not null ? [chosen] : stint.Where(c => c.End is { } end && !denied.Exists(o => end.Agrees(o))))
                        .Select(c => new End(c.End, c.C.Type == "OfficeLeft" ? c.C.Cause! : "unstated", c.C.Id, c.C.Order))],
                    EarliestStart(stint.Where(c => c.C.ScheduledEnd is not null).Select(c => c.C.ScheduledEnd!.Value)), own);
            }).ToList();
            var firstDays = stints.Select(st => st.Anchor?.First).ToList();
            foreach (var accepted in ClaimsOf("resigned-from", body).Where(c => c.C.Type == "ResignationAccepted" && c.Supports))
            {
                stints[StintOn(firstDays, accepted.C.ValidTime?.From)].Ends.Add(new End(accepted.C.ValidTime?.From, "resignationAccepted", accepted.C.Id, accepted.C.Order));
            }

            foreach (var death in Deaths())
            {
                if (DiedIn(firstDays, death.C.ValidTime?.From) is { } i) stints[i].Ends.Add(new End(death.C.ValidTime?.From, "died", death.C.Id, death.C.Order));
            }

            // Only when no live claim on record gives the stint an end, even one dated after the day (so not only the
            // counted ones: the stints made of all the claims), does the scheduled end end it. Reading: every claim
            // giving that scheduled end says so.
            var whole = _claims.Where(c => c.C.Predicate == HeldOffice && Normalize(c.C.Object) == Normalize(first.Object)).ToList();
            var wholes = StintsOf(whole.Where(c => c.Supports && c.C.Asserts), denied: Denied(whole));
            var endOnRecord = wholes.Select(w => w.Exists(c => c.End is not null)).ToArray();
            var wholeFirstDays = wholes.Select(w => w.Where(GivesStart).Select(c => (DateOnly?)c.C.ValidTime!.From.First).Min()).ToList();
            foreach (var accepted in _claims.Where(c => c.Supports && c.C.Asserts && c.C.Type == "ResignationAccepted" && Normalize(c.C.Object) == Normalize(body)))
            {
                endOnRecord[StintOn(wholeFirstDays, accepted.C.ValidTime?.From)] = true;
            }

            foreach (var st in stints.Where(st => !endOnRecord[Math.Max(0, wholes.FindIndex(w => w.Contains(st.Claims[0])))] && st.Scheduled is not null))
            {
                st.Ends.AddRange(st.Claims.Where(c => c.C.ScheduledEnd is { } e && e.Agrees(st.Scheduled!.Value)).Select(c => new End(st.Scheduled, "termEnded", c.C.Id, c.C.Order)));
            }

            // A resignation counts for the stint begun by its date: one of an earlier stint is not pending in a later one.
            var resignedIn = ClaimsOf("resigned-from", body).Concat(ClaimsOf("withdrew-resignation-from", body)).Select(c => StintOn(firstDays, c.C.ValidTime?.From)).ToList();
            // A stint known not to have been held (a denial upheld) is no tenure; the others stand on their own claims.
            var kept = Enumerable.Range(0, stints.Count).Where(i => stints[i].Standing.Holds != false).ToList();
            if (kept.Count == 0) continue;
            var resigned = resignedIn.Select(i => kept.IndexOf(i)).Where(i => i >= 0).ToList();
            stints = [.. kept.Select(i => stints[i])];
            var days = stints.Select(st =>
            {
                var candidates = EarliestEnds(st.Ends.Select(e => e.Date));
                var ended = st.Ends.Exists(e => e.Date is null) || (candidates[0] is { } last && _day > last.Last);
                // Reading: the office is held from the observation, so a day inside an imprecise observation is as
                // uncertain as one inside an imprecise start ("Senator" in 2005 says nothing sure of 2005-06-01).
                return (Candidates: candidates, Ended: ended, Held: st.Anchor is { } a && a.First <= _day && !ended);
            }).ToList();
            var starts = stints.Select(st => st.Anchor).ToList();
            var (k, j) = Picked(starts, days.Select(d => (d.Held, d.Candidates[0])).ToList());
            if (stints.Count > 1) Coverage.Hit(j < k ? "stints:office-run" : "stints:office");
            // Every earlier term is a former office of its own: the runs of the stints before the day's run.
            var runs = EarlierRuns(starts, [.. days.Select(d => d.Candidates[0])], j);
            if (runs.Count > 0) Coverage.Hit("stints:earlier-term");
            foreach (var (rk, rj) in runs.Where(r => days[r.K].Ended).Append((k, j)))
            {
                var picked = stints[rk];
                var anchor = stints[rj].Anchor;
                var since = picked.Since is null ? null : anchor;
                var (held, ended) = (days[rk].Held, days[rk].Ended);
                var resigning = resigned.Exists(i => rj <= i && i <= rk);
                // Cited: the claims of the run of stints the tenure is drawn from.
                var cited = stints.Skip(rj).Take(rk - rj + 1).SelectMany(st => st.Claims).ToList();
                var alternatives = days[rk].Candidates.Select(end => Tenure(first, picked.Standing, cited, picked.Ends, since, picked.Observed, anchor, picked.Scheduled, body, end, held, ended, resigning)).ToList();
                result.Add((alternatives, held, ended));
            }
        }

        return result;
    }

    /// <summary>
    /// The claims that the person died: a counted OfficeLeft with cause died that supports its side, unless a live
    /// dispute of that day was upheld; a counted "died" statement that supports its side, while that proposition holds.
    /// </summary>
    private List<Claim> Deaths()
    {
        var deaths = new List<Claim>();
        foreach (var claims in _byProposition.Values)
        {
            var (predicate, @object) = (claims[0].C.Predicate, claims[0].C.Object);
            if (predicate == "died" && StandingOf(predicate, @object).Holds == true)
            {
                Coverage.Hit("death:statement");
                deaths.AddRange(claims.Where(c => c.Supports && c.C.Asserts));
            }

            if (predicate != HeldOffice) continue;
            // A death disputed is none until ruled on: the dispute upheld, none; the dispute ruled false or the death ruled true, a death.
            foreach (var left in claims.Where(c => c.Supports && c.C is { Type: "OfficeLeft", Cause: "died" }))
            {
                var disputes = claims.Where(d => d.Live && d.C.DisputedEnd is { } denied && denied.Agrees(left.End!.Value)).ToList();
                var contested = disputes.Exists(d => d.Decisive?.Verdict == "true") || (left.Decisive?.Verdict != "true" && disputes.Exists(d => d.Decisive?.Verdict != "false"));
                if (contested) Coverage.Hit("death:contested");
                else deaths.Add(left);
            }
        }

        return deaths;
    }

    /// <summary>The latest stint begun by the last day a death can mean (undated: the last stint); none when none had begun.</summary>
    private static int? DiedIn(List<DateOnly?> firstDays, ODate? day)
    {
        var i = day is { } d ? firstDays.FindLastIndex(f => f is not { } first || first <= d.Last) : firstDays.Count - 1;
        if (i < 0) return null;
        Coverage.Hit("death:ends");
        return i;
    }

    /// <summary>
    /// Of stints (their start, whether held on the day, their earliest end): the one held, else the latest begun by the day,
    /// else the first (k); and the first of the run it continues, each stint of the run beginning the day after the one
    /// before it ended (j).
    /// </summary>
    private (int K, int J) Picked(List<ODate?> starts, List<(bool Held, ODate? End)> days)
    {
        var k = days.FindLastIndex(d => d.Held);
        if (k < 0) k = Math.Max(0, starts.FindLastIndex(s => s is { } start && start.First <= _day));
        var j = k;
        while (j > 0 && Continues(starts, [.. days.Select(d => d.End)], j)) j--;
        return (k, j);
    }

    /// <summary>The runs (last K, first J) of the stints before <paramref name="before"/>, each stint continuing the one before it.</summary>
    private static List<(int K, int J)> EarlierRuns(List<ODate?> starts, List<ODate?> ends, int before)
    {
        var runs = new List<(int K, int J)>();
        for (var i = 0; i < before; i++)
        {
            if (runs.Count > 0 && Continues(starts, ends, i)) runs[^1] = (i, runs[^1].J);
            else runs.Add((i, i));
        }

        return runs;
    }

    // Stint i begins the day after stint i - 1 ended (its earliest end).
    private static bool Continues(List<ODate?> starts, List<ODate?> ends, int i) =>
        ends[i - 1] is { } before && starts[i] is { } start && before.Last.AddDays(1) == start.First;

    private ExpTenure Tenure(
        OClaim first, Standing standing, List<Claim> supporting, List<End> ends, ODate? since, ODate? observed, ODate? anchor, ODate? scheduled,
        string body, ODate? end, bool held, bool ended, bool resigning)
    {
        {
            // An undated end (today) is how it ended only when no dated end was already past.
            var datedPast = end is { } past && _day > past.Last;
            var endedBy = ended ? ends.Where(e => e.Date is null ? !datedPast : end is { } x && e.Date.Value.Agrees(x)).ToList() : [];

            // Reading: when the claims that end it give different causes (an OfficeLeft "resigned" and the body's
            // acceptance), any cause one of them states is how it ended; "unstated" only when none states one.
            var stated = endedBy.Select(e => e.Cause).Where(c => c != "unstated").ToHashSet();
            IReadOnlySet<string>? cause = !ended ? null : stated.Count > 0 ? stated : new HashSet<string> { "unstated" };

            return new ExpTenure(
                first.Office!, first.Organization, since?.ToString(), since?.PrecisionName, since is null ? observed?.ToString() : null,
                end?.ToString(), cause, endedBy.Select(e => e.ClaimId).ToHashSet(), scheduled?.ToString(),
                held && Approximate(anchor, end), standing.State == "open", held && resigning ? Pending(body) : null,
                supporting.Select(c => c.C.Id).ToHashSet(), anchor?.ToString());
        }
    }

    private string? Pending(string body)
    {
        if (ClaimsOf("withdrew-resignation-from", body).Count > 0 && StandingOf("withdrew-resignation-from", body).Holds == true) return "resignation withdrawn";
        if (ClaimsOf("resigned-from", body).Count == 0) return null;
        return StandingOf("resigned-from", body) switch
        {
            { How: "authority" } => "resignation accepted",
            { State: "open" } => "resignation tendered (contested)",
            { State: "resolved", Holds: true } => "resignation tendered (confirmed)",
            { State: "uncontested", Holds: true } => "resignation tendered",
            _ => null,
        };
    }

    // --- parties and roles ---------------------------------------------------------------------------------------

    /// <summary>The days the claims that something was left say it was left (null: undated), when that proposition holds.</summary>
    private IEnumerable<ODate?> LeftOn(string predicate, string @object)
    {
        var claims = ClaimsOf(predicate, @object);
        if (claims.Count == 0 || StandingOf(predicate, @object).Holds != true) return [];
        return claims.Where(c => c.Supports && c.C.Asserts).Select(c => c.C.ValidTime?.From);
    }

    /// <param name="earlier">When given, receives every earlier run of stints that ended by the day (a party left and joined again).</param>
    private (ExpMembership Membership, bool Held, bool Ended)? Membership(List<Claim> claims, string party, string? role, IEnumerable<ODate?> leftOn, List<ExpMembership>? earlier = null)
    {
        var supporting = claims.Where(c => c.Supports && c.C.Asserts).ToList();
        leftOn = leftOn.ToList();
        var stints = StintsOf(supporting, leftOn)
            .Select(st => (Start: EarliestStart(st.Where(c => c.C.ValidTime is not null).Select(c => c.C.ValidTime!.From)),
                Ends: st.Where(c => c.C.ValidTime?.To is not null).Select(c => c.C.ValidTime!.To).ToList(), Claims: st))
            .ToList();
        var firstDays = stints.Select(st => st.Start?.First).ToList();
        foreach (var day in leftOn) stints[StintOn(firstDays, day)].Ends.Add(day);
        foreach (var death in Deaths())
        {
            if (DiedIn(firstDays, death.C.ValidTime?.From) is { } i) stints[i].Ends.Add(death.C.ValidTime?.From);
        }

        // Held while it holds: one stint, as the proposition stands; of several, each on its own claims and those others
        // (denials, claims ruled false) whose date falls to it.
        if (stints.Count == 1 && StandingOf(claims[0].C.Predicate, claims[0].C.Object).Holds != true) return null;
        if (stints.Count > 1)
        {
            var others = claims.Where(c => c.Live && !supporting.Contains(c)).ToList();
            stints = [.. stints.Where((st, i) => Evaluate([.. st.Claims, .. others.Where(o => StintOn(firstDays, o.C.ValidTime?.From) == i)]).Holds == true)];
            if (stints.Count == 0) return null;
        }

        var days = stints.Select(st =>
        {
            var candidates = EarliestEnds(st.Ends);
            var ended = st.Ends.Exists(e => e is null) || (candidates[0] is { } last && _day > last.Last);
            return (Candidates: candidates, Ended: ended, Held: (st.Start is not { } s || s.First <= _day) && !ended);
        }).ToList();
        var (k, j) = Picked(stints.Select(st => st.Start).ToList(), days.Select(d => (d.Held, d.Candidates[0])).ToList());
        if (stints.Count > 1) Coverage.Hit(j < k ? "stints:party-run" : "stints:party");
        if (earlier is not null)
        {
            foreach (var (rk, rj) in EarlierRuns([.. stints.Select(st => st.Start)], [.. days.Select(d => d.Candidates[0])], j).Where(r => days[r.K].Ended))
            {
                Coverage.Hit(role is null ? "party:earlier-membership" : "role:earlier");
                earlier.Add(new ExpMembership(party, role, stints[rj].Start?.ToString(), new HashSet<bool> { false },
                    stints.Skip(rj).Take(rk - rj + 1).SelectMany(st => st.Claims).Select(c => c.C.Id).ToHashSet(), days[rk].Candidates.Select(e => e?.ToString()).ToHashSet()));
            }
        }

        var start = stints[j].Start;
        var (held, ended) = (days[k].Held, days[k].Ended);
        var approximate = days[k].Candidates.Select(end => held && Approximate(start, end)).ToHashSet();
        var until = days[k].Candidates.Select(end => end?.ToString()).ToHashSet();
        return (new ExpMembership(party, role, start?.ToString(), approximate, stints.Skip(j).Take(k - j + 1).SelectMany(st => st.Claims).Select(c => c.C.Id).ToHashSet(), until), held, ended);
    }

    /// <summary>Each party membership as the day picks it (held, else the latest begun, else the first), held or ended.</summary>
    public List<(ExpMembership Membership, bool Held, bool Ended)> Parties()
    {
        var result = new List<(ExpMembership, bool, bool)>();
        foreach (var claims in _byProposition.Values.Where(v => v[0].C.Predicate == "member-of"))
        {
            var party = claims[0].C.Party!;
            var earlier = new List<ExpMembership>();
            if (Membership(claims, party, null, LeftOn("left-party", party), earlier) is { } m)
            {
                result.AddRange(earlier.Select(e => (e, false, true)));
                result.Add(m);
            }
        }

        return result;
    }

    public List<(ExpMembership Role, bool Held, bool Ended)> Roles()
    {
        var result = new List<(ExpMembership, bool, bool)>();
        foreach (var claims in _byProposition.Values.Where(v => v[0].C.Predicate == "held-party-role"))
        {
            var (role, party) = (claims[0].C.Role!, claims[0].C.Party!);
            var left = LeftOn("left-party", party).Concat(LeftOn("left-party-role", $"{role}, {party}"));
            var earlier = new List<ExpMembership>();
            if (Membership(claims, party, role, left, earlier) is { } m)
            {
                result.AddRange(earlier.Select(e => (e, false, true)));
                result.Add(m);
            }
        }

        return result;
    }

    // --- the status and the timeline -----------------------------------------------------------------------------

    private static string How(string cause) => cause switch
    {
        "resignationAccepted" => "resignation accepted",
        "termEnded" => "term ended",
        "unstated" => "until",
        _ => cause,
    };

    private static IEnumerable<string> FormerLines(ExpTenure t) => t.EndCauses!.SelectMany(cause => FormerLines(t, cause));

    private static IEnumerable<string> FormerLines(ExpTenure t, string cause)
    {
        if (t.Until is { } until)
        {
            yield return $"Former {t.Office} ({How(cause)} {until})";
            // Reading: the README names the cause "other" but not its wording; "left" reads as the service words it.
            if (cause == "other") yield return $"Former {t.Office} (left {until})";
        }
        else
        {
            yield return cause == "unstated" ? $"Former {t.Office}" : $"Former {t.Office} ({How(cause)})";
            if (cause == "other") yield return $"Former {t.Office} (left)";
        }
    }

    public ExpStatus Status()
    {
        var tenures = Tenures();
        var held = tenures.Where(t => t.Held).Select(t => t.Alternatives).ToList();
        var former = tenures.Where(t => t.Former).Select(t => t.Alternatives).ToList();
        var memberships = Parties();
        var parties = memberships.Where(p => p.Held).Select(p => p.Membership).ToList();
        var formerParties = memberships.Where(p => p.Ended).Select(p => p.Membership).ToList();
        if (formerParties.Count > 0) Coverage.Hit("party:former");
        var roles = Roles();
        var heldRoles = roles.Where(r => r.Held).Select(r => r.Role).ToList();
        var formerRoles = roles.Where(r => r.Ended).Select(r => r.Role).ToList();
        var contradictions = Contradictions();

        // Where the README's order leaves a tie (starts or ends that overlap), any of the tied lines is accepted.
        HashSet<string> lines;
        int lineCase;
        if (held.Count > 0)
        {
            lineCase = 1;
            var latest = held.Select(t => t[0]).Where(t => !held.Exists(o => ODate.Parse(t.Anchor!).DefinitelyBefore(ODate.Parse(o[0].Anchor!))));
            lines = latest.Select(t => t.Pending is null ? t.Office : $"{t.Office} — {t.Pending}").ToHashSet();
        }
        else if (former.Count > 0)
        {
            lineCase = 2;
            // Ties (ends that overlap) accept either; an undated end (today) is always a candidate.
            static bool Before(List<ExpTenure> t, List<ExpTenure> o) =>
                t[0].Until is not null && o.All(x => x.Until is not null && ODate.Parse(t[0].Until!).DefinitelyBefore(ODate.Parse(x.Until)));
            var recent = former.Where(t => !former.Exists(o => Before(t, o)));
            lines = recent.SelectMany(t => t).SelectMany(FormerLines).ToHashSet();
        }
        else if (heldRoles.Count > 0) (lineCase, lines) = (3, heldRoles.Select(r => $"{r.Role}, {r.Party}").ToHashSet());
        else if (parties.Count > 0) (lineCase, lines) = (4, parties.Select(p => $"Member of {p.Party}").ToHashSet());
        else if (formerRoles.Count > 0) (lineCase, lines) = (5, formerRoles.Select(r => $"Former {r.Role}, {r.Party}").ToHashSet());
        else (lineCase, lines) = (6, ["No office on record"]);

        return new ExpStatus(lines, held, former, parties, formerParties, heldRoles, formerRoles, contradictions,
            contradictions.Count(c => c.State == "open"), UndatedSetAside, lineCase);
    }

    /// <summary>
    /// The counted claims by valid time: the first day a partial date can mean, the coarser first on a tie, then by
    /// the end (none first), then by recorded order; undated last.
    /// </summary>
    public List<ExpEntry> Timeline()
    {
        // Nulls first; undated claims are put last by the first key already.
        var byDate = Comparer<ODate?>.Create((a, b) => a is null ? (b is null ? 0 : -1) : b is null ? 1 : ODate.Compare(a.Value, b.Value));
        // Begun after the last day of the earliest dated death counted (another death date is the died proposition's own conflict).
        var died = Deaths().Where(d => d.C.ValidTime is not null).Select(d => (DateOnly?)d.C.ValidTime!.From.Last).Min();
        return _claims.Where(Counts)
            .OrderBy(c => c.C.ValidTime is null)
            .ThenBy(c => c.C.ValidTime?.From, byDate)
            .ThenBy(c => c.C.ValidTime?.To, byDate)
            .ThenBy(c => c.C.Order)
            .Select(c =>
            {
                // A live claim of a proposition of several stints stands as its stint does.
                var standing = c.Live && StintParts([.. ClaimsOf(c.C.Predicate, c.C.Object).Where(x => x.Live)]) is { } parts
                    ? Evaluate(parts.Single(p => p.Contains(c)))
                    : StandingOf(c.C.Predicate, c.C.Object);
                var afterDeath = died is { } d && c.C.ValidTime is { } time && time.From.First > d && c.C.Predicate != "died";
                if (afterDeath) Coverage.Hit("death:claim-after");
                return new ExpEntry(c.C.Id, standing.State, standing.Holds, !c.Live, c.Rulings.LastOrDefault()?.Verdict, c.Decisive?.Verdict, afterDeath);
            })
            .ToList();
    }

    public static string Day(DateOnly day) => day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
}
