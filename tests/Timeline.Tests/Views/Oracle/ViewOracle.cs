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
    string? Office, string? Organization, ODate? ScheduledEnd, string? Cause, string? Party, string? Role, string? Value) : OEvent(Order, RecordedAt);

internal sealed record ORetraction(long Order, DateTimeOffset RecordedAt, Guid Target, OSource Source) : OEvent(Order, RecordedAt);

internal sealed record ORuling(long Order, DateTimeOffset RecordedAt, Guid Target, string Verdict, DateTimeOffset RuledAt) : OEvent(Order, RecordedAt);

// The oracle's output.

internal sealed record ExpTenure(
    string Office, string? Organization, string? Since, string? SincePrecision, string? SinceAtLatest, string? Until, IReadOnlySet<string>? EndCauses,
    IReadOnlySet<Guid> EndedBy, string? ScheduledEnd, bool Approximate, bool Contested, string? Pending, IReadOnlySet<Guid> ClaimIds, string? Anchor);

internal sealed record ExpMembership(string Party, string? Role, string? Since, IReadOnlySet<bool> Approximate, IReadOnlySet<Guid> ClaimIds);

internal sealed record ExpContradiction(
    string Predicate, string Object, string State, string Kind, bool? Holds, Guid? ChosenBy, DateTimeOffset ContestedSince,
    IReadOnlySet<Guid> Asserting, IReadOnlySet<Guid> Denying, IReadOnlySet<Guid> Retracted, string? ResolvedHow, string ConflictOn);

internal sealed record ExpEntry(Guid Id, string State, bool? Holds, bool Retracted, string? Ruling);

internal sealed record ExpStatus(
    IReadOnlySet<string> StatusLines, List<List<ExpTenure>> Offices, List<List<ExpTenure>> FormerOffices, List<ExpMembership> Parties,
    List<ExpMembership> Roles, List<ExpMembership> FormerRoles, List<ExpContradiction> Contradictions, int Open, int UndatedSetAside, int LineCase);

/// <summary>
/// The views as README.md's "The rules the views follow" states them, computed from the appended events alone with the
/// oracle's own dates. Where the README leaves a choice open, the comment at that spot says which reading it takes.
/// </summary>
internal sealed class ViewOracle
{
    /// <summary>
    /// Disagreements with the service that were reported to the lead: the oracle states the rule (false), and the
    /// committed property tolerates the service's answer (true) until it is fixed. Each has a failing test, skipped.
    /// </summary>
    public static class Tolerate
    {
        /// <summary>An interval end with no cause recorded before an OfficeLeft that gives one: the service says "unstated".</summary>
        public static bool UnstatedCauseBesideAStatedOne { get; set; } = true;

        /// <summary>Several claims give the scheduled end that ended a term: the service's endedBy names only the first.</summary>
        public static bool ScheduledEndNamesOneClaim { get; set; } = true;

        /// <summary>A dispute dated or published before its target, read between the two: the service throws (the generator avoids it).</summary>
        public static bool DisputeDatedBeforeItsTarget { get; set; } = true;
    }

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
    /// Assertion denied, value conflict or none. Reading: only office starts and ends are compared as dates (the README's
    /// examples are offices); a party joined in two different years is not a conflict (memberships run "from its
    /// earliest start"). Statement values compare as partial dates when both are dates, else as normalized text.
    /// </summary>
    private static string Conflict(IReadOnlyCollection<Claim> live)
    {
        var asserting = live.Where(c => c.C.Asserts).ToList();
        if (asserting.Count > 0 && live.Any(c => !c.C.Asserts)) return "assertionDenied";
        if (PairDisagrees(asserting.Where(c => c.Start is not null).Select(c => c.Start!.Value).ToList(), (a, b) => a.Agrees(b))) return "valueConflict";
        if (PairDisagrees(asserting.Where(c => c.End is not null).Select(c => c.End!.Value).ToList(), (a, b) => a.Agrees(b))) return "valueConflict";
        if (PairDisagrees(asserting.Where(c => c.C.Value is not null).Select(c => c.C.Value!).ToList(), TextAgrees)) return "valueConflict";
        return "none";
    }

    /// <summary>For the coverage tally: what the live claims conflict on.</summary>
    private static string ConflictOn(List<Claim> live)
    {
        var asserting = live.Where(c => c.C.Asserts).ToList();
        if (asserting.Count > 0 && live.Any(c => !c.C.Asserts)) return "denied";
        if (PairDisagrees(asserting.Where(c => c.Start is not null).Select(c => c.Start!.Value).ToList(), (a, b) => a.Agrees(b))) return "starts";
        if (PairDisagrees(asserting.Where(c => c.End is not null).Select(c => c.End!.Value).ToList(), (a, b) => a.Agrees(b))) return "ends";
        return "values";
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
        var kind = Conflict(live);
        var settled = kind == "none" ? "uncontested" : "resolved";

        // 1. The body's own act: a live ResignationAccepted not ruled false (the latest such).
        var act = live.LastOrDefault(c => c.C.Type == "ResignationAccepted" && c.C.Asserts && c.Decisive?.Verdict != "false");
        if (act is not null) return new Standing(settled, kind, true, act, "authority");

        // 2. The live claim with the latest true ruling (a claim whose latest decisive ruling is false is not ruled true).
        var ruledTrue = live.Where(c => c.Decisive?.Verdict == "true").MaxBy(c => c.Decisive!.Order);
        if (ruledTrue is not null) return new Standing(settled, kind, ruledTrue.C.Asserts, ruledTrue, "true-ruling");

        var remaining = live.Where(c => c.Decisive?.Verdict != "false").ToList();
        var holds = remaining.Any(c => c.C.Asserts);
        if (kind == "none") return new Standing("uncontested", kind, holds, null);

        // 3. False rulings that leave the remaining claims agreeing.
        if (Conflict(remaining) == "none") return new Standing("resolved", kind, holds, null, "false-rulings");
        return new Standing("open", kind, null, null);
    }

    private static DateTimeOffset? ContestedSince(List<Claim> claims)
    {
        var seen = new List<Claim>();
        foreach (var c in claims.Where(c => c.Live).OrderBy(c => c.C.Order))
        {
            seen.Add(c);
            if (Conflict(seen) != "none") return c.C.RecordedAt;
        }

        return null;
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
                p.Standing.State == "resolved" ? p.Standing.How : null, ConflictOn(p.Claims.Where(c => c.Live).ToList())))
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

    /// <summary>Each office with the answers the rules allow (more than one only where the README leaves a tie).</summary>
    public List<(List<ExpTenure> Alternatives, bool Held, bool Former)> Tenures()
    {
        var result = new List<(List<ExpTenure>, bool, bool)>();
        foreach (var claims in _byProposition.Values.Where(v => v[0].C.Predicate == HeldOffice))
        {
            var first = claims[0].C;
            var standing = StandingOf(HeldOffice, first.Object);
            if (standing.Holds == false) continue;
            var supporting = claims.Where(c => c.Supports && c.C.Asserts).ToList();
            if (supporting.Count == 0) continue;
            var chosen = standing.Chosen is { } ch && supporting.Contains(ch) ? ch : null;

            var since = chosen?.Start ?? EarliestStart(supporting.Where(c => c.Start is not null).Select(c => c.Start!.Value));
            var observed = EarliestStart(supporting.Where(c => c.C.Type == "OfficeHeld").Select(c => c.C.ValidTime!.From));
            var body = first.Organization ?? first.Office!;

            var ends = (chosen?.End is not null ? [chosen] : supporting.Where(c => c.End is not null))
                .Select(c => new End(c.End, c.C.Type == "OfficeLeft" ? c.C.Cause! : "unstated", c.C.Id, c.C.Order))
                .Concat(ClaimsOf("resigned-from", body).Where(c => c.C.Type == "ResignationAccepted" && c.Supports)
                    .Select(c => new End(c.C.ValidTime?.From, "resignationAccepted", c.C.Id, c.C.Order)))
                .ToList();
            var scheduled = EarliestStart(supporting.Where(c => c.C.ScheduledEnd is not null).Select(c => c.C.ScheduledEnd!.Value));
            var endSets = new List<List<End>> { ends };
            if (ends.Count == 0 && scheduled is { } due)
            {
                // Only when no source gives an end does the scheduled end end it. Reading: every claim giving that
                // scheduled end says so.
                ends.AddRange(supporting.Where(c => c.C.ScheduledEnd is { } s && s.Agrees(due)).Select(c => new End(due, "termEnded", c.C.Id, c.C.Order)));
                if (Tolerate.ScheduledEndNamesOneClaim && ends.Count > 1) endSets.Add([ends.MinBy(e => e.Order)!]);
            }

            var candidates = EarliestEnds(ends.Select(e => e.Date));
            var ended = ends.Exists(e => e.Date is null) || (candidates[0] is { } last && _day > last.Last);
            // Reading: the office is held from the observation, so a day inside an imprecise observation is as
            // uncertain as one inside an imprecise start ("Senator" in 2005 says nothing sure of 2005-06-01).
            var anchor = since ?? observed;
            var held = anchor is { } a && a.First <= _day && !ended;
            var alternatives = endSets.SelectMany(set => candidates.Select(end => Tenure(first, standing, supporting, set, since, observed, anchor, scheduled, body, end, held, ended))).ToList();
            result.Add((alternatives, held, ended));
        }

        return result;
    }

    private ExpTenure Tenure(
        OClaim first, Standing standing, List<Claim> supporting, List<End> ends, ODate? since, ODate? observed, ODate? anchor, ODate? scheduled,
        string body, ODate? end, bool held, bool ended)
    {
        {
            var endedBy = ended ? ends.Where(e => e.Date is null || (end is { } x && e.Date.Value.Agrees(x))).ToList() : [];

            // Reading: when the claims that end it give different causes (an OfficeLeft "resigned" and the body's
            // acceptance), any cause one of them states is how it ended; "unstated" only when none states one.
            var stated = endedBy.Select(e => e.Cause).Where(c => c != "unstated").ToHashSet();
            if (Tolerate.UnstatedCauseBesideAStatedOne && endedBy.Exists(e => e.Cause == "unstated")) stated.Add("unstated");
            IReadOnlySet<string>? cause = !ended ? null : stated.Count > 0 ? stated : new HashSet<string> { "unstated" };

            return new ExpTenure(
                first.Office!, first.Organization, since?.ToString(), since?.PrecisionName, since is null ? observed?.ToString() : null,
                end?.ToString(), cause, endedBy.Select(e => e.ClaimId).ToHashSet(), scheduled?.ToString(),
                held && Approximate(anchor, end), standing.State == "open", held ? Pending(body) : null,
                supporting.Select(c => c.C.Id).ToHashSet(), anchor?.ToString());
        }
    }

    private string? Pending(string body)
    {
        if (ClaimsOf("withdrew-resignation-from", body).Count > 0 && StandingOf("withdrew-resignation-from", body).Holds == true) return "resignation withdrawn";
        if (ClaimsOf("resigned-from", body).Count == 0) return null;
        return StandingOf("resigned-from", body) switch
        {
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

    private (ExpMembership Membership, bool Held, bool Ended)? Membership(List<Claim> claims, string party, string? role, IEnumerable<ODate?> leftOn)
    {
        if (StandingOf(claims[0].C.Predicate, claims[0].C.Object).Holds != true) return null;
        var supporting = claims.Where(c => c.Supports && c.C.Asserts).ToList();
        var start = EarliestStart(supporting.Where(c => c.C.ValidTime is not null).Select(c => c.C.ValidTime!.From));
        var ends = supporting.Where(c => c.C.ValidTime?.To is not null).Select(c => c.C.ValidTime!.To).Concat(leftOn).ToList();
        var candidates = EarliestEnds(ends);
        var ended = ends.Exists(e => e is null) || (candidates[0] is { } last && _day > last.Last);
        var held = (start is not { } s || s.First <= _day) && !ended;
        var approximate = candidates.Select(end => held && Approximate(start, end)).ToHashSet();
        return (new ExpMembership(party, role, start?.ToString(), approximate, supporting.Select(c => c.C.Id).ToHashSet()), held, ended);
    }

    public List<ExpMembership> Parties()
    {
        var result = new List<ExpMembership>();
        foreach (var claims in _byProposition.Values.Where(v => v[0].C.Predicate == "member-of"))
        {
            var party = claims[0].C.Party!;
            if (Membership(claims, party, null, LeftOn("left-party", party)) is { Held: true } m) result.Add(m.Membership);
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
            if (Membership(claims, party, role, left) is { } m) result.Add(m);
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
        var parties = Parties();
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

        return new ExpStatus(lines, held, former, parties, heldRoles, formerRoles, contradictions,
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
        return _claims.Where(Counts)
            .OrderBy(c => c.C.ValidTime is null)
            .ThenBy(c => c.C.ValidTime?.From, byDate)
            .ThenBy(c => c.C.ValidTime?.To, byDate)
            .ThenBy(c => c.C.Order)
            .Select(c =>
            {
                var standing = StandingOf(c.C.Predicate, c.C.Object);
                return new ExpEntry(c.C.Id, standing.State, standing.Holds, !c.Live, c.Rulings.LastOrDefault()?.Verdict);
            })
            .ToList();
    }

    public static string Day(DateOnly day) => day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
}
