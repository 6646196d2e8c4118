using System.Globalization;
using System.Text.Json.Nodes;

namespace Timeline.Tests.Views.Oracle;

/// <summary>Compares what the oracle expects with a view as the API serializes it (JSON), listing every difference.</summary>
internal static class ViewCheck
{
    private static string? Str(JsonNode? node) => node?.GetValue<string>();

    private static bool? Bool(JsonNode? node) => node?.GetValue<bool>();

    private static HashSet<Guid> Ids(JsonNode? array) => array!.AsArray().Select(n => n!.GetValue<Guid>()).ToHashSet();

    private static HashSet<Guid> ClaimIds(JsonNode? claims) => claims!.AsArray().Select(n => n!["id"]!.GetValue<Guid>()).ToHashSet();

    private static string Show(IEnumerable<Guid> ids) => "[" + string.Join(", ", ids.Select(i => i.ToString()[..8]).Order(StringComparer.Ordinal)) + "]";

    private static void Same<T>(List<string> diffs, string what, T expected, T actual)
    {
        if (!EqualityComparer<T>.Default.Equals(expected, actual)) diffs.Add($"{what}: expected {expected?.ToString() ?? "null"}, got {actual?.ToString() ?? "null"}");
    }

    private static void SameSet(List<string> diffs, string what, IReadOnlySet<Guid> expected, HashSet<Guid> actual)
    {
        if (!actual.SetEquals(expected)) diffs.Add($"{what}: expected {Show(expected)}, got {Show(actual)}");
    }

    public static List<string> Status(ExpStatus expected, JsonNode status)
    {
        var diffs = new List<string>();
        var line = Str(status["statusLine"]);
        if (!expected.StatusLines.Contains(line!)) diffs.Add($"statusLine: expected one of [{string.Join(" | ", expected.StatusLines)}], got {line}");
        Tenures(diffs, "offices", expected.Offices, status["offices"]!.AsArray());
        Tenures(diffs, "formerOffices", expected.FormerOffices, status["formerOffices"]!.AsArray());
        Memberships(diffs, "parties", expected.Parties, status["parties"]!.AsArray());
        Memberships(diffs, "formerParties", expected.FormerParties, status["formerParties"]!.AsArray());
        Memberships(diffs, "partyRoles", expected.Roles, status["partyRoles"]!.AsArray());
        Memberships(diffs, "formerPartyRoles", expected.FormerRoles, status["formerPartyRoles"]!.AsArray());
        Same(diffs, "openContradictions", expected.Open, status["openContradictions"]!.GetValue<int>());
        Same(diffs, "undatedClaimsSetAside", expected.UndatedSetAside, status["undatedClaimsSetAside"]!.GetValue<int>());
        Contradictions(diffs, "contradictions", expected.Contradictions, status["contradictions"]!.AsArray());
        return diffs;
    }

    private static void Tenures(List<string> diffs, string list, List<List<ExpTenure>> expected, JsonArray actual)
    {
        var names = actual.Select(t => Str(t!["office"])).ToList();
        var expectedNames = expected.Select(t => t[0].Office).ToList();
        if (!names.Order(StringComparer.Ordinal).SequenceEqual(expectedNames.Order(StringComparer.Ordinal)))
        {
            diffs.Add($"{list}: expected [{string.Join(", ", expectedNames)}], got [{string.Join(", ", names)}]");
            return;
        }

        // An office held in several terms is listed once per term: each expected term takes the listed one it matches.
        var unmatched = actual.Select(t => t!).ToList();
        foreach (var alternatives in expected)
        {
            var tried = unmatched.Where(t => Str(t["office"]) == alternatives[0].Office)
                .Select(a => (Listed: a, Diffs: alternatives.Select(e => Tenure(list, e, a)).MinBy(d => d.Count)!)).ToList();
            var best = tried.MinBy(t => t.Diffs.Count);
            if (best.Diffs.Count > 0) diffs.AddRange(best.Diffs);
            unmatched.Remove(best.Listed);
        }
    }

    private static List<string> Tenure(string list, ExpTenure e, JsonNode a)
    {
        var diffs = new List<string>();
        {
            var at = $"{list}[{e.Office}]";
            Same(diffs, $"{at}.organization", e.Organization, Str(a["organization"]));
            Same(diffs, $"{at}.since", e.Since, Str(a["since"]));
            Same(diffs, $"{at}.sincePrecision", e.SincePrecision, Str(a["sincePrecision"]));
            Same(diffs, $"{at}.sinceAtLatest", e.SinceAtLatest, Str(a["sinceAtLatest"]));
            Same(diffs, $"{at}.until", e.Until, Str(a["until"]));
            var cause = Str(a["endCause"]);
            if (e.EndCauses is null ? cause is not null : !e.EndCauses.Contains(cause!))
            {
                diffs.Add($"{at}.endCause: expected {(e.EndCauses is null ? "null" : string.Join(" or ", e.EndCauses))}, got {cause ?? "null"}");
            }

            SameSet(diffs, $"{at}.endedBy", e.EndedBy, Ids(a["endedBy"]));
            Same(diffs, $"{at}.scheduledEnd", e.ScheduledEnd, Str(a["scheduledEnd"]));
            Same(diffs, $"{at}.approximate", e.Approximate, Bool(a["approximate"]) == true);
            Same(diffs, $"{at}.contested", e.Contested, Bool(a["contested"]) == true);
            Same(diffs, $"{at}.pending", e.Pending, Str(a["pending"]));
            SameSet(diffs, $"{at}.claimIds", e.ClaimIds, Ids(a["claimIds"]));
        }

        return diffs;
    }

    private static void Memberships(List<string> diffs, string list, List<ExpMembership> expected, JsonArray actual)
    {
        static string Name(string party, string? role) => role is null ? party : $"{role}, {party}";
        var names = actual.Select(m => Name(Str(m!["party"])!, Str(m["role"]))).Order(StringComparer.Ordinal).ToList();
        var expectedNames = expected.Select(m => Name(m.Party, m.Role)).Order(StringComparer.Ordinal).ToList();
        if (!names.SequenceEqual(expectedNames))
        {
            diffs.Add($"{list}: expected [{string.Join(" | ", expectedNames)}], got [{string.Join(" | ", names)}]");
            return;
        }

        // A party left and joined again is listed once per membership: each expected one takes the listed one it matches.
        var unmatched = actual.Select(m => m!).ToList();
        foreach (var e in expected)
        {
            var best = unmatched.Where(m => Name(Str(m["party"])!, Str(m["role"])) == Name(e.Party, e.Role))
                .Select(a => (Listed: a, Diffs: Membership(list, e, a))).MinBy(t => t.Diffs.Count);
            diffs.AddRange(best.Diffs);
            unmatched.Remove(best.Listed);
        }

        static List<string> Membership(string list, ExpMembership e, JsonNode a)
        {
            var diffs = new List<string>();
            var at = $"{list}[{Name(e.Party, e.Role)}]";
            Same(diffs, $"{at}.since", e.Since, Str(a["since"]));
            if (list != "formerPartyRoles" && !e.Approximate.Contains(Bool(a["approximate"]) == true))
            {
                diffs.Add($"{at}.approximate: expected {string.Join(" or ", e.Approximate)}, got {Bool(a["approximate"])}");
            }

            SameSet(diffs, $"{at}.claimIds", e.ClaimIds, Ids(a["claimIds"]));
            if (!e.Until.Contains(Str(a["until"]))) diffs.Add($"{at}.until: expected {string.Join(" or ", e.Until.Select(u => u ?? "null"))}, got {Str(a["until"]) ?? "null"}");
            return diffs;
        }
    }

    public static void Contradictions(List<string> diffs, string list, List<ExpContradiction> expected, JsonArray actual)
    {
        static string Key(string predicate, string @object) => $"{predicate}/{@object}";
        var keys = actual.Select(c => Key(Str(c!["proposition"]!["predicate"])!, Str(c["proposition"]!["object"])!)).ToList();
        var expectedKeys = expected.Select(c => Key(c.Predicate, c.Object)).ToList();
        if (!keys.SequenceEqual(expectedKeys))
        {
            diffs.Add($"{list} (newest first): expected [{string.Join(" | ", expectedKeys)}], got [{string.Join(" | ", keys)}]");
            return;
        }

        for (var i = 0; i < expected.Count; i++)
        {
            var (e, a) = (expected[i], actual[i]!);
            var at = $"{list}[{Key(e.Predicate, e.Object)}]";
            Same(diffs, $"{at}.state", e.State, Str(a["state"]));
            Same(diffs, $"{at}.kind", e.Kind, Str(a["kind"]));
            Same(diffs, $"{at}.standing.holds", e.Holds, Bool(a["standing"]!["holds"]));
            if (e.ChosenBy is { } chosen) Same(diffs, $"{at}.standing.resolvedBy", (Guid?)chosen, a["standing"]!["resolvedBy"]?.GetValue<Guid>());
            Same(diffs, $"{at}.contestedSince", (DateTimeOffset?)e.ContestedSince, a["contestedSince"] is { } since ? DateTimeOffset.Parse(since.GetValue<string>(), CultureInfo.InvariantCulture) : null);
            var sides = a["sides"]!.AsArray();
            SameSet(diffs, $"{at}.sides(asserts)", e.Asserting, sides.Where(s => Str(s!["stance"]) == "asserts").SelectMany(s => ClaimIds(s!["claims"])).ToHashSet());
            SameSet(diffs, $"{at}.sides(denies)", e.Denying, sides.Where(s => Str(s!["stance"]) == "denies").SelectMany(s => ClaimIds(s!["claims"])).ToHashSet());
            SameSet(diffs, $"{at}.retracted", e.Retracted, ClaimIds(a["retracted"]));
            if (e.Kind == "valueConflict")
            {
                // A side groups claims that say the same: two sides asserting must not give the same start and end.
                var given = sides.Where(s => Str(s!["stance"]) == "asserts").Select(s => (Str(s!["value"]), Str(s["end"]))).ToList();
                if (given.Distinct().Count() != given.Count) diffs.Add($"{at}.sides: two asserting sides give the same value and end");
            }

        }
    }

    public static List<string> Timeline(List<ExpEntry> expected, JsonNode timeline)
    {
        var diffs = new List<string>();
        var entries = timeline["entries"]!.AsArray();
        var ids = entries.Select(e => e!["claim"]!["id"]!.GetValue<Guid>()).ToList();
        if (!ids.SequenceEqual(expected.Select(e => e.Id)))
        {
            diffs.Add($"timeline order: expected [{string.Join(", ", expected.Select(e => e.Id.ToString()[..8]))}], got [{string.Join(", ", ids.Select(i => i.ToString()[..8]))}]");
            return diffs;
        }

        for (var i = 0; i < expected.Count; i++)
        {
            var (e, a) = (expected[i], entries[i]!);
            var at = $"timeline[{i}:{e.Id.ToString()[..8]}]";
            Same(diffs, $"{at}.contestState", e.State, Str(a["contestState"]));
            Same(diffs, $"{at}.propositionHolds", e.Holds, Bool(a["propositionHolds"]));
            Same(diffs, $"{at}.retracted", e.Retracted, Bool(a["retracted"]) == true);
            Same(diffs, $"{at}.ruling", e.Ruling, Str(a["ruling"]));
            Same(diffs, $"{at}.decisiveVerdict", e.Decisive, Str(a["decisiveVerdict"]));
            Same(diffs, $"{at}.afterDeath", e.AfterDeath, Bool(a["afterDeath"]) == true);
        }

        return diffs;
    }
}
