using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using JasperFx.Events;
using Shouldly;
using Timeline.Claims;
using Timeline.People;
using Timeline.Tests.Infrastructure;
using Xunit;

namespace Timeline.Tests.Views;

/// <summary>
/// Random person histories, generated from fixed seeds and appended through the HTTP API. Every view read on either
/// clock must equal the fold of the stored stream cut at that recorded time, and the offices and parties it reports
/// must equal a naive oracle written here from the generated claims alone.
/// </summary>
public sealed class GeneratedHistoryTests(AppFixture app) : ApiTest(app)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public static TheoryData<int> Seeds => [11, 23, 37, 41, 59];

    // --- the generated history ---------------------------------------------------------------------------------

    private sealed record Amendment(long Version, Verdict? Verdict);

    /// <summary>One generated claim and what the test knows of it, independent of the service.</summary>
    private sealed class GenClaim
    {
        public Guid Id { get; init; } = Guid.NewGuid();
        public required string Type { get; init; }
        public string? ValidTime { get; init; }
        public int? OfficeIndex { get; init; }
        public string? Party { get; init; }
        public long Version { get; set; }
        public long? RetractedAt { get; set; }
        public List<Amendment> Rulings { get; } = [];
        public required object Request { get; init; }

        public bool IsOn(long cut) => Version != 0 && Version <= cut;

        /// <summary>Live at a cut: recorded by then, not retracted by then, and not last ruled false (true/false decide) by then.</summary>
        public bool IsLive(long cut) =>
            IsOn(cut) && !(RetractedAt <= cut) &&
            Rulings.Where(r => r.Version <= cut && r.Verdict is Verdict.True or Verdict.False).LastOrDefault()?.Verdict != Verdict.False;
    }

    private sealed class History
    {
        public required string PersonId { get; init; }
        public required string SourceId { get; init; }
        public List<(string Name, string Organization, string From, string? To, bool Interval)> Offices { get; } = [];
        public List<string> Parties { get; } = [];
        public List<GenClaim> Claims { get; } = [];
    }

    private const int QuoteCount = 200;

    private static string Quote(int n) => $"Quote number {n} of the generated record.";

    private static string RandomDate(Random rng, int year)
    {
        var month = rng.Next(1, 13);
        return rng.Next(3) switch
        {
            0 => year.ToString("D4", CultureInfo.InvariantCulture),
            1 => $"{year:D4}-{month:D2}",
            _ => $"{year:D4}-{month:D2}-{rng.Next(1, DateTime.DaysInMonth(year, month) + 1):D2}",
        };
    }

    private async Task<History> GenerateAsync(int seed)
    {
        var rng = new Random(seed);
        var personId = $"generated-{seed}";
        (await Post("/api/people", new { id = personId, name = $"Generated Person {seed}", aliases = Array.Empty<string>(), recordedBy = "test" }))
            .StatusCode.ShouldBe(HttpStatusCode.Created);
        var source = await Post("/api/sources", new
        {
            url = $"https://example.org/generated/{seed}",
            publisher = "The Generated Times",
            title = $"History {seed}",
            publishedAt = new DateTimeOffset(2019, 5, 1, 8, 0, 0, TimeSpan.FromHours(5)),
            text = string.Join("\n", Enumerable.Range(0, QuoteCount).Select(Quote)),
        });
        source.StatusCode.ShouldBe(HttpStatusCode.Created);
        var history = new History { PersonId = personId, SourceId = (await Body(source)).GetProperty("id").GetString()! };

        var claimants = new[] { "Staff Reporter", "Agencies", "Party Spokesman", "Senate Secretariat", "Rival Party" };
        object Base(string type, string? validTime) => new Dictionary<string, object?>
        {
            ["type"] = type,
            ["validTime"] = validTime,
            ["sourceId"] = history.SourceId,
            ["claimant"] = new { name = claimants[rng.Next(claimants.Length)], role = rng.Next(2) == 0 ? "Spokesman" : null },
            ["quote"] = Quote(rng.Next(QuoteCount)),
            ["recordedBy"] = "generator",
        };
        object With(object request, params (string Key, object? Value)[] fields)
        {
            var d = (Dictionary<string, object?>)request;
            foreach (var (k, v) in fields) d[k] = v;
            return d;
        }

        var pending = new List<GenClaim>();

        // Offices: disjoint in time, one claim each; an open-ended or point-start office may get one end claim.
        var year = 1950 + rng.Next(10);
        var officeCount = rng.Next(5, 9);
        for (var i = 0; i < officeCount; i++)
        {
            var fromYear = year + rng.Next(0, 3);
            var toYear = fromYear + rng.Next(0, 5);
            year = toYear + 1;
            var from = RandomDate(rng, fromYear);
            var to = toYear == fromYear ? toYear.ToString("D4", CultureInfo.InvariantCulture) : RandomDate(rng, toYear);
            var kind = i == officeCount - 1 ? rng.Next(1, 3) : rng.Next(3); // the last one is open, so something may be held now
            var name = $"Office {i}";
            var organization = $"Body {i}";
            var validTime = kind switch { 0 => $"{from}/{to}", 1 => $"{from}/", _ => from };
            history.Offices.Add((name, organization, from, kind == 0 ? to : null, kind != 2));
            pending.Add(new GenClaim
            {
                Type = nameof(OfficeTaken), ValidTime = validTime, OfficeIndex = i,
                Request = With(Base(nameof(OfficeTaken), validTime), ("office", name), ("organization", organization), ("term", null)),
            });

            if (kind != 0 && rng.Next(3) > 0)
            {
                var end = RandomDate(rng, fromYear + rng.Next(1, 5));
                var type = rng.Next(3) == 0 ? nameof(ResignationAccepted) : nameof(OfficeLeft);
                pending.Add(new GenClaim
                {
                    Type = type, ValidTime = end, OfficeIndex = i,
                    Request = type == nameof(OfficeLeft)
                        ? With(Base(type, end), ("office", name), ("organization", organization), ("cause", rng.Next(2) == 0 ? "termEnded" : "resigned"))
                        : With(Base(type, end), ("office", name), ("organization", organization)),
                });
            }

            // Resignation talk about the office, asserted and denied.
            for (var r = rng.Next(0, 3); r > 0; r--)
            {
                var type = new[] { nameof(ResignationTendered), nameof(ResignationConfirmed), nameof(ResignationDenied), nameof(ResignationWithdrawn) }[rng.Next(4)];
                var when = rng.Next(4) == 0 ? null : RandomDate(rng, fromYear + rng.Next(0, 4));
                pending.Add(new GenClaim { Type = type, ValidTime = when, Request = With(Base(type, when), ("office", name), ("organization", organization)) });
            }
        }

        // Parties: one join each, maybe one leave.
        for (var p = rng.Next(1, 4); p > 0; p--)
        {
            var party = $"Party {p}";
            history.Parties.Add(party);
            var joinYear = 1950 + rng.Next(50);
            var join = RandomDate(rng, joinYear);
            pending.Add(new GenClaim { Type = nameof(PartyJoined), ValidTime = join, Party = party, Request = With(Base(nameof(PartyJoined), join), ("party", party)) });
            if (rng.Next(2) == 0)
            {
                var leave = RandomDate(rng, joinYear + rng.Next(1, 8));
                pending.Add(new GenClaim { Type = nameof(PartyLeft), ValidTime = leave, Party = party, Request = With(Base(nameof(PartyLeft), leave), ("party", party)) });
            }

            if (rng.Next(2) == 0)
            {
                var when = rng.Next(3) == 0 ? null : RandomDate(rng, joinYear + rng.Next(0, 5));
                pending.Add(new GenClaim { Type = nameof(PartyRoleTaken), ValidTime = when, Request = With(Base(nameof(PartyRoleTaken), when), ("party", party), ("role", "Convener")) });
            }
        }

        // Statements: a few propositions, asserted and denied, with values that may conflict.
        var predicates = new[] { "had-differences-with", "lives-in", "born-in", "criticised" };
        var values = new string?[] { null, null, "1971", "1972", "1971-05", "Karachi", "karachi", "Dubai" };
        for (var n = Math.Max(8, 30 - pending.Count) + rng.Next(0, 12); n > 0; n--)
        {
            var when = rng.Next(3) == 0 ? null : RandomDate(rng, 1980 + rng.Next(40)) + (rng.Next(4) == 0 ? "/" : "");
            pending.Add(new GenClaim
            {
                Type = nameof(StatementMade), ValidTime = when,
                Request = With(Base(nameof(StatementMade), when),
                    ("statement", "Something was said."), ("predicate", predicates[rng.Next(predicates.Length)]), ("object", "the party"),
                    ("stance", rng.Next(3) == 0 ? "denies" : "asserts"), ("value", values[rng.Next(values.Length)])),
            });
        }

        // Record in random order (so claims about early dates are often recorded late), with retractions and rulings between.
        var recorded = new List<GenClaim>();
        foreach (var claim in pending.OrderBy(_ => rng.Next()))
        {
            claim.Version = await AppendAsync(history.PersonId, claim.Request, claim.Id);
            recorded.Add(claim);
            history.Claims.Add(claim);

            if (rng.Next(100) < 15 && recorded.Where(c => c.RetractedAt is null).ToList() is { Count: > 0 } retractable)
            {
                var target = retractable[rng.Next(retractable.Count)];
                target.RetractedAt = await AppendAsync(history.PersonId,
                    With(Base(ClaimTypes.Retraction, null), ("targetClaimId", target.Id), ("reason", "the source withdrew it")), null);
            }

            if (rng.Next(100) < 20)
            {
                var target = recorded[rng.Next(recorded.Count)];
                var verdict = (Verdict)rng.Next(4);
                var response = await Post($"/api/claims/{target.Id}/rulings",
                    new { verdict = verdict.ToString().ToLowerInvariant(), rationale = "checked", reviewer = "Generated Desk" });
                response.StatusCode.ShouldBe(HttpStatusCode.Created, await response.Content.ReadAsStringAsync(Ct));
                target.Rulings.Add(new Amendment((await Body(response)).GetProperty("version").GetInt64(), verdict));
            }
        }

        return history;
    }

    private async Task<long> AppendAsync(string personId, object request, Guid? claimId)
    {
        var body = (Dictionary<string, object?>)request;
        if (claimId is { } id) body["claimId"] = id;
        var response = await Http.PostAsJsonAsync($"/api/people/{personId}/claims", body, AppFixture.Json, Ct);
        response.StatusCode.ShouldBe(HttpStatusCode.Created, $"{JsonSerializer.Serialize(body)} → {await response.Content.ReadAsStringAsync(Ct)}");
        return (await Body(response)).GetProperty("version").GetInt64();
    }

    // --- the oracle --------------------------------------------------------------------------------------------

    private static PartialDate Date(string text) => PartialDate.Parse(text);

    /// <summary>Offices held and former on day D (or now), as the record stood at stream version <paramref name="cut"/>.</summary>
    private static (SortedSet<string> Held, SortedSet<string> Former) OracleOffices(History h, long cut, DateOnly? day)
    {
        var held = new SortedSet<string>(StringComparer.Ordinal);
        var former = new SortedSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < h.Offices.Count; i++)
        {
            var office = h.Offices[i];
            var taken = h.Claims.Single(c => c.OfficeIndex == i && c.Type == nameof(OfficeTaken));
            if (!taken.IsLive(cut)) continue;
            var start = Date(office.From).Start;
            if (day is { } d && d < start) continue;

            // At most one end: the interval's own, or one live end claim (left office, or the body accepted a resignation).
            var endClaim = h.Claims.SingleOrDefault(c => c.OfficeIndex == i && c.Type != nameof(OfficeTaken));
            DateOnly? end = office.To is { } to ? Date(to).End : endClaim is not null && endClaim.IsLive(cut) ? Date(endClaim.ValidTime!).End : null;

            var isHeld = end is null || (day is { } d2 && d2 <= end);
            (isHeld ? held : former).Add(office.Name);
        }

        return (held, former);
    }

    /// <summary>Party memberships on day D (or now) at stream version <paramref name="cut"/>; dated claims only count on a date.</summary>
    private static SortedSet<string> OracleParties(History h, long cut, DateOnly? day)
    {
        var member = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var party in h.Parties)
        {
            var join = h.Claims.Single(c => c.Party == party && c.Type == nameof(PartyJoined));
            if (!join.IsLive(cut) || (day is { } d && d < Date(join.ValidTime!).Start)) continue;
            var leave = h.Claims.SingleOrDefault(c => c.Party == party && c.Type == nameof(PartyLeft));
            var left = leave is not null && leave.IsLive(cut) && (day is not { } d2 || d2 > Date(leave.ValidTime!).End);
            if (!left) member.Add(party);
        }

        return member;
    }

    // --- the checks --------------------------------------------------------------------------------------------

    private async Task<JsonNode?> GetJson(string url)
    {
        var response = await Http.GetAsync(url, Ct);
        var text = await response.Content.ReadAsStringAsync(Ct);
        response.StatusCode.ShouldBe(HttpStatusCode.OK, $"GET {url}: {text}");
        return JsonNode.Parse(text);
    }

    private static SortedSet<string> Names(JsonNode? status, string property, string name) =>
        new(status![property]!.AsArray().Select(o => o![name]!.GetValue<string>()), StringComparer.Ordinal);

    private static string Day(DateOnly d) => d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    /// <summary>Valid dates worth asking about: random ones, and each office boundary and the days either side.</summary>
    private static List<DateOnly> ValidDates(History h, Random rng, int count)
    {
        var boundaries = h.Claims.Where(c => c.ValidTime is not null)
            .SelectMany(c => c.ValidTime!.Split('/', StringSplitOptions.RemoveEmptyEntries))
            .SelectMany(t => new[] { Date(t).Start, Date(t).End })
            .SelectMany(d => new[] { d.AddDays(-1), d, d.AddDays(1) })
            .ToList();
        var dates = new List<DateOnly>();
        for (var i = 0; i < count; i++)
        {
            dates.Add(i % 2 == 0 ? boundaries[rng.Next(boundaries.Count)] : new DateOnly(1945, 1, 1).AddDays(rng.Next(365 * 80)));
        }

        return dates;
    }

    [Theory]
    [MemberData(nameof(Seeds))]
    public async Task every_view_on_both_clocks_equals_a_replay_of_the_stream_cut_at_that_time(int seed)
    {
        var history = await GenerateAsync(seed);
        var rng = new Random(seed * 7919);
        var person = $"/api/people/{history.PersonId}";

        IReadOnlyList<IEvent> stored;
        await using (var session = App.Store.QuerySession())
        {
            stored = await session.Events.FetchStreamAsync(history.PersonId, token: Ct);
        }

        history.Claims.Count.ShouldBeInRange(30, 70);
        var page = await GetJson($"{person}/events");
        var recordedTimes = page!["events"]!.AsArray().Select(e => e!["recordedAt"]!.GetValue<string>()).ToList();
        recordedTimes.Count.ShouldBe(stored.Count);

        // Cut at the recorded time of random events, and of the last one.
        var cuts = Enumerable.Range(0, 5).Select(_ => rng.Next(1, stored.Count)).Append(stored.Count - 1).Distinct().ToList();
        foreach (var index in cuts)
        {
            var text = recordedTimes[index];
            var t = ViewJson.ParseRecordedAt(text);
            var upTo = stored.Where(e => e.Timestamp <= t).ToList();
            upTo.Count.ShouldBeGreaterThanOrEqualTo(index + 1, "the events recorded by an event's own time include it");
            var dossier = PersonDossier.Replay(upTo);
            var cut = upTo[^1].Version;
            var at = Uri.EscapeDataString(text);

            // (a) the record as it stood at t.
            var status = await GetJson($"{person}?recordedAt={at}");
            ViewJson.FirstDifference(ViewJson.Serialize(App, CurrentStatus.From(dossier, null, t)), status)
                .ShouldBeNull($"seed {seed}: status at recordedAt={text} (version {cut})");
            var (heldNow, formerNow) = OracleOffices(history, cut, null);
            Names(status, "offices", "office").ShouldBe(heldNow, $"seed {seed}: offices held now as recorded at {text}");
            Names(status, "formerOffices", "office").ShouldBe(formerNow, $"seed {seed}: former offices as recorded at {text}");
            Names(status, "parties", "party").ShouldBe(OracleParties(history, cut, null), $"seed {seed}: parties now as recorded at {text}");

            var timeline = await GetJson($"{person}/timeline?recordedAt={at}");
            ViewJson.FirstDifference(ViewJson.Serialize(App, CareerTimeline.From(dossier, null, t)), timeline)
                .ShouldBeNull($"seed {seed}: timeline at recordedAt={text}");

            // (c) both clocks: what we believed at t about day D.
            foreach (var day in ValidDates(history, rng, 4))
            {
                var both = await GetJson($"{person}?recordedAt={at}&validAt={Day(day)}");
                ViewJson.FirstDifference(ViewJson.Serialize(App, CurrentStatus.From(dossier, day, t)), both)
                    .ShouldBeNull($"seed {seed}: status at recordedAt={text}, validAt={Day(day)}");
                var (held, former) = OracleOffices(history, cut, day);
                Names(both, "offices", "office").ShouldBe(held, $"seed {seed}: offices held on {Day(day)} as recorded at {text}");
                Names(both, "formerOffices", "office").ShouldBe(former, $"seed {seed}: former offices on {Day(day)} as recorded at {text}");
                Names(both, "parties", "party").ShouldBe(OracleParties(history, cut, day), $"seed {seed}: parties on {Day(day)} as recorded at {text}");
            }

            var day2 = ValidDates(history, rng, 1)[0];
            var timelineBoth = await GetJson($"{person}/timeline?recordedAt={at}&validAt={Day(day2)}");
            ViewJson.FirstDifference(ViewJson.Serialize(App, CareerTimeline.From(dossier, day2, t)), timelineBoth)
                .ShouldBeNull($"seed {seed}: timeline at recordedAt={text}, validAt={Day(day2)}");
        }
    }

    [Theory]
    [MemberData(nameof(Seeds))]
    public async Task offices_and_parties_on_a_valid_date_match_a_naive_oracle(int seed)
    {
        var history = await GenerateAsync(seed);
        var rng = new Random(seed * 104729);
        var person = $"/api/people/{history.PersonId}";
        var latest = history.Claims.Max(c => Math.Max(c.Version, Math.Max(c.RetractedAt ?? 0, c.Rulings.Select(r => r.Version).DefaultIfEmpty().Max())));

        foreach (var day in ValidDates(history, rng, 24))
        {
            var status = await GetJson($"{person}?validAt={Day(day)}");
            var (held, former) = OracleOffices(history, latest, day);
            Names(status, "offices", "office").ShouldBe(held, $"seed {seed}: offices held on {Day(day)}");
            Names(status, "formerOffices", "office").ShouldBe(former, $"seed {seed}: former offices on {Day(day)}");
            Names(status, "parties", "party").ShouldBe(OracleParties(history, latest, day), $"seed {seed}: parties on {Day(day)}");

            // An office held on a date inside an imprecise boundary is flagged approximate, and only then.
            foreach (var office in status!["offices"]!.AsArray())
            {
                var name = office!["office"]!.GetValue<string>();
                var spec = history.Offices.Single(o => o.Name == name);
                var index = history.Offices.IndexOf(spec);
                var endClaim = history.Claims.SingleOrDefault(c => c.OfficeIndex == index && c.Type != nameof(OfficeTaken));
                var end = spec.To ?? (endClaim is not null && endClaim.IsLive(latest) && Date(endClaim.ValidTime!).Start <= day ? endClaim.ValidTime : null);
                var from = Date(spec.From);
                var approximate = (from.Precision != DatePrecision.Day && from.Contains(day)) ||
                                  (end is not null && Date(end).Precision != DatePrecision.Day && Date(end).Contains(day));
                office["approximate"]!.GetValue<bool>().ShouldBe(approximate, $"seed {seed}: {name} on {Day(day)}");
            }
        }

        var now = await GetJson(person);
        var (heldNow, formerNow) = OracleOffices(history, latest, null);
        Names(now, "offices", "office").ShouldBe(heldNow, $"seed {seed}: offices held now");
        Names(now, "formerOffices", "office").ShouldBe(formerNow, $"seed {seed}: former offices now");
        Names(now, "parties", "party").ShouldBe(OracleParties(history, latest, null), $"seed {seed}: parties now");
        now!["version"]!.GetValue<long>().ShouldBe(latest);
    }

    [Theory]
    [MemberData(nameof(Seeds))]
    public async Task the_live_views_equal_a_replay_of_the_whole_stream(int seed)
    {
        // The inline projection (no recordedAt) must show exactly what a replay of the stored stream shows.
        var history = await GenerateAsync(seed);
        var person = $"/api/people/{history.PersonId}";
        IReadOnlyList<IEvent> stored;
        await using (var session = App.Store.QuerySession())
        {
            stored = await session.Events.FetchStreamAsync(history.PersonId, token: Ct);
        }

        var dossier = PersonDossier.Replay(stored);
        foreach (var (url, expected) in new (string, object)[]
                 {
                     (person, CurrentStatus.From(dossier)),
                     ($"{person}/timeline", CareerTimeline.From(dossier)),
                     ($"{person}?validAt=1990-06-01", CurrentStatus.From(dossier, new DateOnly(1990, 6, 1))),
                 })
        {
            ViewJson.FirstDifference(ViewJson.Serialize(App, expected), await GetJson(url)).ShouldBeNull($"seed {seed}: GET {url}");
        }
    }
}
