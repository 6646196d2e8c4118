using System.Collections.Concurrent;

namespace Timeline.Tests.Views.Oracle;

/// <summary>
/// Which of the README's situations the generated histories reached, by the oracle's own account. A property that
/// never meets a rule cannot check it, so the pure property fails when one of these is never reached.
/// </summary>
internal static class Coverage
{
    private static readonly ConcurrentDictionary<string, int> Seen = new(StringComparer.Ordinal);

    public static readonly string[] Required =
    [
        "line:1", "line:1-pending", "line:2", "line:3", "line:4", "line:5", "line:6",
        // "(confirmed)" is rare in random histories (a few per run); a fixed history covers it every run.
        "pending:resignation tendered", "pending:resignation tendered (contested)", "pending:resignation withdrawn", "pending:resignation accepted",
        "contradiction:assertionDenied:open", "contradiction:assertionDenied:resolved", "contradiction:valueConflict:open", "contradiction:valueConflict:resolved",
        "conflict-on:starts", "conflict-on:ends", "conflict-on:values", "conflict-on:denied",
        "resolved-by:authority", "resolved-by:true-ruling", "resolved-by:false-rulings",
        "office:since", "office:sinceAtLatest", "office:approximate", "office:contested", "office:scheduledEnd",
        "cause:resignationAccepted", "cause:resigned", "cause:termEnded", "cause:dismissed", "cause:died", "cause:other", "cause:unstated",
        "party", "party:approximate", "role", "former-role", "undated-set-aside", "timeline:retracted", "timeline:ruled",
        // Stints: more than one, a run continued from an earlier one, dates that differ only across stints.
        "stints:office", "stints:office-run", "stints:earlier-term", "stints:party", "stints:party-run", "stints:apart",
        // An open-ended start, a day left, and the office taken (the party or role joined) again.
        "stints:left-and-taken-again", "stints:left-and-joined-again",
        // A proposition whose stints are judged apart.
        "stints:judged-apart",
        // A death ends what was held then; a "died" statement does too.
        "death:ends", "death:statement", "death:contested", "party:former", "party:earlier-membership", "role:earlier", "death:claim-after",
        // A dispute of an OfficeLeft: against its end only, and upheld.
        "end-dispute:contested", "end-dispute:upheld",
        // A true ruling on a start read before that start.
        "office:upheld-start-later",
        // A stint denied and the denial upheld, while another stint stands.
        "stints:denied-stint",
    ];

    public static void Hit(string key) => Seen.AddOrUpdate(key, 1, (_, n) => n + 1);

    public static void Tally(ExpStatus status, List<ExpEntry> timeline)
    {
        Hit($"line:{status.LineCase}");
        if (status.LineCase == 1 && status.Offices.Exists(o => o[0].Pending is not null)) Hit("line:1-pending");
        foreach (var office in status.Offices.Concat(status.FormerOffices).Select(o => o[0]))
        {
            if (office.Pending is { } pending) Hit($"pending:{pending}");
            if (office.Since is not null) Hit("office:since");
            if (office.SinceAtLatest is not null) Hit("office:sinceAtLatest");
            if (office.Approximate) Hit("office:approximate");
            if (office.Contested) Hit("office:contested");
            if (office.ScheduledEnd is not null) Hit("office:scheduledEnd");
            foreach (var cause in office.EndCauses ?? new HashSet<string>()) Hit($"cause:{cause}");
        }

        foreach (var c in status.Contradictions)
        {
            Hit($"contradiction:{c.Kind}:{c.State}");
            Hit($"conflict-on:{c.ConflictOn}");
            if (c.ResolvedHow is { } how) Hit($"resolved-by:{how}");
        }

        if (status.Parties.Count > 0) Hit("party");
        if (status.Parties.Exists(p => p.Approximate.Contains(true))) Hit("party:approximate");
        if (status.Roles.Count > 0) Hit("role");
        if (status.FormerRoles.Count > 0) Hit("former-role");
        if (status.UndatedSetAside > 0) Hit("undated-set-aside");
        if (timeline.Exists(e => e.Retracted)) Hit("timeline:retracted");
        if (timeline.Exists(e => e.Ruling is not null)) Hit("timeline:ruled");
    }

    public static List<string> Missing() => [.. Required.Where(k => !Seen.ContainsKey(k))];

    public static string Report() => string.Join(", ", Seen.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $"{p.Key}={p.Value}"));
}
