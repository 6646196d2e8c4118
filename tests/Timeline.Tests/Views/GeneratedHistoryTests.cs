using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using CsCheck;
using Shouldly;
using Timeline.Claims;
using Timeline.People;
using Timeline.Tests.Infrastructure;
using Timeline.Tests.Views.Oracle;
using Xunit;

namespace Timeline.Tests.Views;

/// <summary>
/// Generated histories that contest offices (conflicting starts and ends, observations, scheduled terms, causes,
/// accepted and contested resignations, disputes, retractions, rulings, party roles and their ends), read at
/// combinations of the three clocks, must give the views the oracle in <c>Oracle/</c> derives from README.md's rules.
/// The oracle has its own dates and calls no production code; production types are used only to append and read.
/// </summary>
public sealed class GeneratedHistoryTests
{
    /// <summary>"Now" for the pure reads: after every generated date.</summary>
    private static readonly DateOnly Today = new(2025, 6, 1);

    // CI runs one fixed sample so a red build is reproducible; CsCheck_Seed (or ORACLE_HISTORIES) explores further.
    // This seed once found a dispute counted without its target losing the disputed role.
    private const string CiSeed = "0MnnzZYxKMF1";

    private static readonly JsonSerializerOptions ApiJson = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
    };

    private static SourceRef SourceOf(int index) =>
        new($"src-{index:D16}", $"https://example.org/{index}", World.PublisherOf(index), $"Article {index}", World.Published[index]);

    /// <summary>Appends a history's plan to an in-memory stream exactly as the API builds events; returns what the oracle needs.</summary>
    private static (StreamBuilder Builder, OracleInput Input, List<DateTimeOffset> RecordedAt) Build(List<Planned> plan)
    {
        var builder = new StreamBuilder();
        var input = new OracleInput();
        var recorded = new List<DateTimeOffset>();
        for (var i = 0; i < plan.Count; i++)
        {
            switch (plan[i])
            {
                case PlannedClaim c:
                    var id = builder.Request(
                        new AppendClaimRequest(c.Type, ValidTime: c.ValidTime, Office: c.Office, Organization: c.Organization, ScheduledEnd: c.ScheduledEnd,
                            Cause: c.Cause, Party: c.Party, Role: c.Role, Predicate: c.Predicate, Object: c.Object, Stance: c.Stance, Value: c.Value,
                            Statement: c.Type == "StatementMade" ? "a statement" : null,
                            TargetClaimId: c.Target is { } t ? input.IdOf(t) : null, Reason: c.Target is null ? null : "disputed"),
                        c.Claimant, source: SourceOf(c.Source));
                    input.Claim(i, c, id, builder.Clock);
                    break;
                case PlannedRetraction r:
                    builder.Retract(input.IdOf(r.Target), SourceOf(r.Source));
                    input.Retraction(r, builder.Clock);
                    break;
                case PlannedRuling r:
                    builder.Rule(input.IdOf(r.Target), Enum.Parse<Verdict>(r.Verdict, ignoreCase: true), World.RuledAt[r.RuledAt]);
                    input.Ruling(r, World.RuledAt[r.RuledAt], builder.Clock);
                    break;
            }

            recorded.Add(builder.Clock);
        }

        return (builder, input, recorded);
    }

    private static List<string> Compare(OracleInput input, DateOnly? validAt, DateOnly? reportedAt, DateTimeOffset? recordedAt, DateOnly today, JsonNode status, JsonNode timeline)
    {
        var oracle = new ViewOracle(input.Events, validAt, reportedAt, recordedAt, today);
        var expected = oracle.Status();
        var entries = oracle.Timeline();
        Coverage.Tally(expected, entries);
        return [.. ViewCheck.Status(expected, status), .. ViewCheck.Timeline(entries, timeline)];
    }

    private static List<string> CheckPure(History history)
    {
        var plan = World.Plan(history);
        var (builder, input, recorded) = Build(plan);
        var diffs = new List<string>();
        foreach (var read in history.Reads.Prepend(new ClockRead(null, null, null)))
        {
            var validAt = read.ValidAt is null ? (DateOnly?)null : DateOnly.ParseExact(read.ValidAt, "yyyy-MM-dd", CultureInfo.InvariantCulture);
            var reportedAt = read.ReportedAt is null ? (DateOnly?)null : DateOnly.ParseExact(read.ReportedAt, "yyyy-MM-dd", CultureInfo.InvariantCulture);
            DateTimeOffset? recordedAt = read.RecordedAfter is { } n && recorded.Count > 0 ? recorded[Math.Min(n, recorded.Count) - 1] : null;
            var reportedBy = reportedAt is { } r ? new ReportedBy(r, null) : null;
            var events = builder.Events.Where(e => recordedAt is not { } at || e.Timestamp <= at);

            // Without validAt "now" is the day of recordedAt when only that is given; the service is left to work that out.
            var today = validAt ?? (recordedAt is { } rec ? DateOnly.FromDateTime(rec.UtcDateTime) : Today);
            var replayed = PersonDossier.Replay(events, reportedBy);
            var dossiers = new List<(string How, PersonDossier Dossier)> { ("replay", replayed) };
            if (recordedAt is null && reportedBy is not null)
            {
                // A read of now assembles the stored documents, cut to what had been published.
                var whole = PersonDossier.Replay(events);
                dossiers.Add(("assembled", PersonDossier.Assemble(whole.Person, whole.Claims, reportedBy)));
            }

            foreach (var (how, dossier) in dossiers)
            {
                var status = JsonSerializer.SerializeToNode(CurrentStatus.From(dossier, validAt, recordedAt, recordedAt is null ? Today : null), ApiJson)!;
                var timeline = JsonSerializer.SerializeToNode(CareerTimeline.From(dossier, validAt, recordedAt), ApiJson)!;
                diffs.AddRange(Compare(input, validAt, reportedAt, recordedAt, today, status, timeline).Select(d => $"[{read} {how}] {d}"));
            }
        }

        return diffs;
    }

    /// <summary>ORACLE_SURVEY=1 lists the kinds of difference found.</summary>
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, History>? Survey =
        Environment.GetEnvironmentVariable("ORACLE_SURVEY") == "1" ? new(StringComparer.Ordinal) : null;

    private static Step S(StepKind kind, int subject = 0, string? validTime = null, int variant = 0, int target = 0, int source = 0, int claimant = 0, string? scheduledEnd = null) =>
        new(kind, subject, source, claimant, validTime, scheduledEnd, variant, target, 0);

    private static readonly History[] RareHistories =
    [
        // A party membership in two consecutive stints (2001/2002, then 2003/2004), read in the second.
        new([S(StepKind.PartyJoined, validTime: "2001/2002"), S(StepKind.PartyJoined, validTime: "2003/2004", source: 1)],
            [new ClockRead("2003-06-30", null, null), new ClockRead("2002-06-30", null, null)]),
        // An office left and taken again, read in the second stint and between the two; its end disputed and upheld.
        new([S(StepKind.OfficeTaken, validTime: "2001/2002-06"), S(StepKind.OfficeLeft, validTime: "2002-06-30", variant: 2),
             S(StepKind.OfficeTaken, validTime: "2004-01", source: 1), S(StepKind.ClaimDisputed, target: 1, claimant: 2),
             S(StepKind.ClaimRuled, target: 3, variant: 0)],
            [new ClockRead("2003-01-01", null, null), new ClockRead("2005-06-30", null, null), new ClockRead("2003-01-01", null, 4)]),
        // Two stints; the second's claim disputed and the dispute upheld: the first stands on its own.
        new([S(StepKind.OfficeTaken, validTime: "2001/2002"), S(StepKind.OfficeTaken, validTime: "2004/2005", source: 1),
             S(StepKind.ClaimDisputed, target: 1, claimant: 2), S(StepKind.ClaimRuled, target: 2, variant: 0)],
            [new ClockRead("2004-06-30", null, null), new ClockRead("2001-06-30", null, null), new ClockRead("2004-06-30", null, 3)]),
        // A party joined, left and joined again, read in each stint and between them.
        new([S(StepKind.PartyJoined, validTime: "2001-03"), S(StepKind.PartyLeft, validTime: "2002-06-30", source: 1),
             S(StepKind.PartyJoined, validTime: "2004-01", source: 2)],
            [new ClockRead("2001-06-30", null, null), new ClockRead("2003-01-01", null, null), new ClockRead("2005-06-30", null, null)]),
    ];

    [Fact]
    public void A_resignation_contested_then_ruled_true_reads_confirmed_and_the_oracle_agrees()
    {
        // Senator since 2001; a resignation tendered in 2002 and denied; the tendering claim is ruled true.
        var history = new History(
            [S(StepKind.OfficeTaken, validTime: "2001"), S(StepKind.ResignationTendered, validTime: "2002-05"),
             S(StepKind.ResignationDenied, validTime: "2002-06", claimant: 2), S(StepKind.ClaimRuled, target: 1, variant: 0)],
            [new ClockRead("2002-12-31", null, null), new ClockRead(null, "2003-06-01", null), new ClockRead(null, null, 3)]);
        var (_, input, _) = Build(World.Plan(history));
        new ViewOracle(input.Events, null, null, null, Today).Status().StatusLines.ShouldBe(["Senator — resignation tendered (confirmed)"]);
        // Before the ruling was made (2004-01-15) the sources left it contested.
        new ViewOracle(input.Events, null, new DateOnly(2003, 6, 1), null, Today).Status().StatusLines.ShouldBe(["Senator — resignation tendered (contested)"]);
        CheckPure(history).ShouldBeEmpty();
    }


    [Fact]
    public void Status_contradictions_and_timeline_follow_the_readme_rules_on_hundreds_of_generated_histories()
    {
        var watch = Stopwatch.StartNew();
        var histories = 0;
        // Situations too rare for a few hundred random histories, checked the same way every run.
        foreach (var rare in RareHistories) CheckPure(rare).ShouldBeEmpty(rare.ToString());
        World.Histories(1, int.TryParse(Environment.GetEnvironmentVariable("ORACLE_STEPS"), out var steps) ? steps : 22, 5).Sample(history =>
        {
            Interlocked.Increment(ref histories);
            List<string> diffs;
            try
            {
                diffs = CheckPure(history);
            }
            catch (Exception e) when (Survey is not null)
            {
                diffs = [$"] threw {e.GetType().Name} {e.StackTrace?.Split('\n')[0].Trim()}"];
            }

            if (Survey is not null)
            {
                // Local survey mode: list every kind of disagreement instead of stopping at the first.
                foreach (var d in diffs) Survey.TryAdd(System.Text.RegularExpressions.Regex.Replace(d[(d.IndexOf(']', StringComparison.Ordinal) + 1)..], "[0-9a-f]{8}|[0-9]{4}(-[0-9]{2}){0,2}|\\[[^\\]]*\\]", "#"), history);
                return;
            }

            if (diffs.Count > 0) throw new ShouldAssertException($"the views disagree with the README's rules:\n  {string.Join("\n  ", diffs.Take(12))}");
        }, iter: int.TryParse(Environment.GetEnvironmentVariable("ORACLE_HISTORIES"), out var n) ? n : 600, threads: 1, print: h => "\n" + h,
            seed: Environment.GetEnvironmentVariable("CsCheck_Seed") is { Length: > 0 } chosen ? chosen : CiSeed);
        foreach (var (kind, example) in Survey ?? []) TestContext.Current.TestOutputHelper?.WriteLine($"SURVEY {kind}\n{example}");
        TestContext.Current.TestOutputHelper?.WriteLine($"{histories} histories in {watch.Elapsed.TotalSeconds:F1}s; {Coverage.Report()}");

        // The histories must reach every rule the oracle states, or passing says little.
        Coverage.Missing().ShouldBeEmpty($"situations the generated histories never reached ({Coverage.Report()})");
    }
}

/// <summary>
/// Generated histories appended through the real HTTP API (fixed seeds, so CI is reproducible) and read back over
/// HTTP at combinations of validAt, reportedAt and recordedAt, compared with the same oracle.
/// </summary>
public sealed class GeneratedHistoryApiTests(AppFixture app) : ApiTest(app)
{
    private const string Quote = "The record says so.";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public static TheoryData<int> Seeds => [.. Enumerable.Range(1, 24)];

    private static JsonObject Claimant(string name) => new() { ["name"] = name, ["anonymous"] = false };

    private async Task<JsonNode> SendAsync(string url, JsonObject body, HttpStatusCode expected = HttpStatusCode.Created)
    {
        using var response = await Http.PostAsync(url, new StringContent(body.ToJsonString(), System.Text.Encoding.UTF8, "application/json"), Ct);
        var text = await response.Content.ReadAsStringAsync(Ct);
        response.StatusCode.ShouldBe(expected, $"POST {url} {body.ToJsonString()}: {text}");
        return JsonNode.Parse(text)!;
    }

    private async Task<JsonNode> GetAsync(string url)
    {
        using var response = await Http.GetAsync(url, Ct);
        var text = await response.Content.ReadAsStringAsync(Ct);
        response.StatusCode.ShouldBe(HttpStatusCode.OK, $"GET {url}: {text}");
        return JsonNode.Parse(text)!;
    }

    private static DateTimeOffset RecordedAt(JsonNode entry) =>
        DateTimeOffset.Parse(entry["recordedAt"]!.GetValue<string>(), CultureInfo.InvariantCulture);

    [Theory]
    [MemberData(nameof(Seeds))]
    public async Task Views_read_over_http_at_all_three_clocks_follow_the_readme_rules(int seed)
    {
        var history = World.Histories(1, 18, 5).Generate(new PCG(7, (ulong)seed), null, out _);
        var plan = World.Plan(history);
        var person = $"generated-{seed}";
        await SendAsync("/api/people", new JsonObject { ["id"] = person, ["name"] = $"Generated Person {seed}", ["aliases"] = new JsonArray() });
        var sources = new List<string>();
        for (var i = 0; i < World.Published.Length; i++)
        {
            var source = await SendAsync("/api/sources", new JsonObject
            {
                ["url"] = $"https://example.org/generated/{seed}/{i}",
                ["publisher"] = World.PublisherOf(i),
                ["title"] = $"Article {i}",
                ["author"] = "Staff",
                ["publishedAt"] = World.Published[i].ToString("yyyy-MM-ddTHH:mm:sszzz", CultureInfo.InvariantCulture),
                ["text"] = $"Article {i} of seed {seed}. {Quote}",
            });
            sources.Add(source["id"]!.GetValue<string>());
        }

        var input = new OracleInput();
        var recorded = new List<DateTimeOffset>();
        for (var i = 0; i < plan.Count; i++)
        {
            switch (plan[i])
            {
                case PlannedClaim c:
                    var body = new JsonObject
                    {
                        ["type"] = c.Type, ["sourceId"] = sources[c.Source], ["claimant"] = Claimant(c.Claimant), ["quote"] = Quote,
                    };
                    void Set(string field, string? value)
                    {
                        if (value is not null) body[field] = value;
                    }

                    Set("validTime", c.ValidTime);
                    Set("office", c.Office);
                    Set("organization", c.Organization);
                    Set("scheduledEnd", c.ScheduledEnd);
                    Set("cause", c.Cause);
                    Set("party", c.Party);
                    Set("role", c.Role);
                    Set("predicate", c.Predicate);
                    Set("object", c.Object);
                    Set("stance", c.Stance);
                    Set("value", c.Value);
                    if (c.Type == "StatementMade") Set("statement", "a statement");
                    if (c.Target is { } t)
                    {
                        body["targetClaimId"] = input.IdOf(t).ToString();
                        body["reason"] = "disputed";
                    }

                    var appended = await SendAsync($"/api/people/{person}/claims", body);
                    input.Claim(i, c, appended["claimId"]!.GetValue<Guid>(), RecordedAt(appended));
                    recorded.Add(RecordedAt(appended));
                    break;
                case PlannedRetraction r:
                    var retraction = await SendAsync($"/api/people/{person}/claims", new JsonObject
                    {
                        ["type"] = "ClaimRetracted", ["targetClaimId"] = input.IdOf(r.Target).ToString(), ["reason"] = "withdrawn",
                        ["sourceId"] = sources[r.Source], ["claimant"] = Claimant("Editor"), ["quote"] = Quote,
                    });
                    input.Retraction(r, RecordedAt(retraction));
                    recorded.Add(RecordedAt(retraction));
                    break;
                case PlannedRuling r:
                    // Over HTTP a ruling is made when it is posted.
                    var ruling = await SendAsync($"/api/claims/{input.IdOf(r.Target)}/rulings", new JsonObject
                    {
                        ["verdict"] = r.Verdict, ["rationale"] = "checked", ["reviewer"] = "Fact Desk",
                    });
                    input.Ruling(r, RecordedAt(ruling), RecordedAt(ruling));
                    recorded.Add(RecordedAt(ruling));
                    break;
            }
        }

        var diffs = new List<string>();
        var now = DateOnly.FromDateTime(DateTime.UtcNow);
        foreach (var read in history.Reads.Prepend(new ClockRead(null, null, null)))
        {
            var validAt = read.ValidAt is null ? (DateOnly?)null : DateOnly.ParseExact(read.ValidAt, "yyyy-MM-dd", CultureInfo.InvariantCulture);
            var reportedAt = read.ReportedAt is null ? (DateOnly?)null : DateOnly.ParseExact(read.ReportedAt, "yyyy-MM-dd", CultureInfo.InvariantCulture);
            DateTimeOffset? recordedAt = read.RecordedAfter is { } n && recorded.Count > 0 ? recorded[Math.Min(n, recorded.Count) - 1] : null;
            var query = string.Join("&", new[]
            {
                read.ValidAt is null ? null : $"validAt={read.ValidAt}",
                read.ReportedAt is null ? null : $"reportedAt={read.ReportedAt}",
                recordedAt is null ? null : $"recordedAt={Uri.EscapeDataString(recordedAt.Value.ToString("O", CultureInfo.InvariantCulture))}",
            }.Where(p => p is not null));
            var suffix = query.Length == 0 ? "" : "?" + query;
            var status = await GetAsync($"/api/people/{person}{suffix}");
            var timeline = await GetAsync($"/api/people/{person}/timeline{suffix}");
            var today = validAt ?? (recordedAt is { } rec ? DateOnly.FromDateTime(rec.UtcDateTime) : now);
            var oracle = new ViewOracle(input.Events, validAt, reportedAt, recordedAt, today);
            diffs.AddRange(ViewCheck.Status(oracle.Status(), status).Concat(ViewCheck.Timeline(oracle.Timeline(), timeline)).Select(d => $"[{read}] {d}"));

            if (validAt is null && recordedAt is null)
            {
                // The cross-person list: every contested proposition of this person, newest first.
                var list = await GetAsync($"/api/contradictions?state=all&person={person}" + (read.ReportedAt is null ? "" : $"&reportedAt={read.ReportedAt}"));
                var listed = new List<string>();
                ViewCheck.Contradictions(listed, "/api/contradictions", oracle.Contradictions(), (list["items"] ?? list["contradictions"])!.AsArray());
                diffs.AddRange(listed.Select(d => $"[{read}] {d}"));
            }
        }

        diffs.ShouldBeEmpty($"seed {seed}:\n{history}");
    }
}


/// <summary>
/// The minimal histories on which the service and the README's rules (as the oracle reads them) once disagreed,
/// shrunk from the generated properties; each was a bug in the service, now fixed.
/// </summary>
public sealed class GeneratedHistoryDisagreementTests
{
    private const string Senate = StreamBuilder.Senate;

    [Fact]
    public void A_stated_cause_is_how_the_office_ended_even_when_an_interval_end_without_cause_was_recorded_first()
    {
        // "How it ended ... endCause" : one source gives the tenure 2001-06/2001, another says he left in 2001-06 for
        // another cause. A cause is stated, so the end is not "unstated".
        var b = new StreamBuilder();
        b.OfficeTaken("Senator", Senate, "2001-06/2001");
        var left = b.OfficeLeft("Senator", Senate, "2001-06", cause: LeaveCause.Dismissed);
        var status = b.Status();
        status.FormerOffices.ShouldHaveSingleItem().EndCause.ShouldBe(EndCause.Dismissed);
        status.FormerOffices[0].EndedBy.ShouldContain(left);
        status.StatusLine.ShouldBe("Former Senator (dismissed 2001-06)");
    }

    [Fact]
    public void A_dispute_dated_before_the_claim_it_disputes_does_not_break_the_status_between_the_two_dates()
    {
        // Read on 2005-01-01, the first counted claim of the office is the dispute (dated 2003), which has no office
        // fields; the service throws NullReferenceException (HTTP 500 on GET /api/people/{id}?validAt=2005-01-01).
        var b = new StreamBuilder();
        var taken = b.OfficeTaken("Senator", Senate, "2006");
        b.Dispute(taken, claimant: "Spokesman", validTime: "2003");
        b.OfficeHeld("Senator", Senate, "2004");
        var status = Should.NotThrow(() => b.Status(new DateOnly(2005, 1, 1)));
        var office = status.Offices.ShouldHaveSingleItem();
        office.Office.ShouldBe("Senator");
        office.SinceAtLatest.ToString().ShouldBe("2004");
        office.Contested.ShouldBeTrue();
        status.OpenContradictions.ShouldBe(1);
    }

    [Fact]
    public void A_dispute_published_before_the_claim_it_disputes_does_not_break_the_status_reported_between_the_two()
    {
        // The same crash on the reportedAt clock: the disputed claim's source was published later than the dispute's.
        var late = StreamBuilder.Source with { Id = "src-0000000000000009", PublishedAt = new DateTimeOffset(2008, 9, 30, 12, 0, 0, TimeSpan.Zero) };
        var early = StreamBuilder.Source with { Id = "src-0000000000000008", PublishedAt = new DateTimeOffset(2003, 6, 1, 12, 0, 0, TimeSpan.Zero) };
        var b = new StreamBuilder();
        var taken = b.Request(new AppendClaimRequest("OfficeTaken", ValidTime: "2004", Office: "Mayor", Organization: "Karachi Metropolitan Corporation"), source: late);
        b.Request(new AppendClaimRequest("ClaimDisputed", TargetClaimId: taken, Reason: "disputed"), "Spokesman", source: early);
        b.Request(new AppendClaimRequest("OfficeTaken", ValidTime: "2004", Office: "Mayor", Organization: "Karachi Metropolitan Corporation"), "Reporter B", source: early);
        var dossier = PersonDossier.Replay(b.Events, new ReportedBy(new DateOnly(2005, 1, 1), null));
        var status = Should.NotThrow(() => CurrentStatus.From(dossier));
        status.Offices.ShouldHaveSingleItem().Contested.ShouldBeTrue();
    }

    [Fact]
    public void Every_claim_that_gives_the_scheduled_end_that_ended_a_term_is_listed_in_endedBy()
    {
        // "endedBy lists the claims that say so": both sources say the term was due to end in 2003.
        var b = new StreamBuilder();
        var first = b.OfficeTaken("Senator", Senate, "2001", claimant: "Reporter A", scheduledEnd: "2003");
        var second = b.OfficeTaken("Senator", Senate, "2001", claimant: "Reporter B", scheduledEnd: "2003");
        var former = b.Status().FormerOffices.ShouldHaveSingleItem();
        former.EndCause.ShouldBe(EndCause.TermEnded);
        former.EndedBy.ShouldBe([first, second], ignoreOrder: true);
    }

    [Fact]
    public void The_end_of_a_tenure_does_not_depend_on_the_order_its_ends_were_recorded()
    {
        // Two ends with the same last day ("2004-01" and "2004-01-31"): the service takes whichever came first.
        // The README says only "the earliest of the ends"; whichever it means, recording order must not decide.
        static string? Until(bool monthFirst)
        {
            var b = new StreamBuilder();
            b.OfficeTaken("Senator", Senate, "2001");
            if (monthFirst) b.OfficeLeft("Senator", Senate, "2004-01", cause: LeaveCause.TermEnded);
            b.OfficeLeft("Senator", Senate, "2004-01-31", cause: LeaveCause.TermEnded);
            if (!monthFirst) b.OfficeLeft("Senator", Senate, "2004-01", cause: LeaveCause.TermEnded);
            return b.Status().FormerOffices.ShouldHaveSingleItem().Until?.ToString();
        }

        Until(monthFirst: true).ShouldBe(Until(monthFirst: false));
    }
}
