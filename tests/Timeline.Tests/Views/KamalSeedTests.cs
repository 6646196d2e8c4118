using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Shouldly;
using Microsoft.Extensions.DependencyInjection;
using Timeline.Claims;
using Timeline.People;
using Timeline.Seeding;
using Timeline.Sources;
using Timeline.Tests.Infrastructure;
using Xunit;

namespace Timeline.Tests.Views;

/// <summary>The seeded Kamal case end to end over HTTP: status, contradictions, timeline, both clocks, events, claims.</summary>
public sealed class KamalSeedTests(AppFixture app) : ApiTest(app)
{
    private const string Kamal = "/api/people/mustafa-kamal";
    private const string ResignationKey = "mustafa-kamal/resigned-from/senate-of-pakistan";
    private const string SecretariatClaim = "c3a7bbe3-bfcb-4aae-b829-94c1777d695c";
    private const string NationUrl = "https://nation.com.pk/01-Dec-2013/mustafa-kamal-resigns-from-senate";
    private const string DenialQuote = "reports regarding resignation of Senator Mustafa Kamal were baseless and rumors";

    private static readonly string SourceId = SourceDocument.IdFor(new Uri(NationUrl));

    public override async ValueTask InitializeAsync()
    {
        await base.InitializeAsync();
        await App.SeedAsync();
    }

    private async Task<JsonElement> GetOk(string url)
    {
        var response = await Http.GetAsync(url, Ct);
        var text = await response.Content.ReadAsStringAsync(Ct);
        response.StatusCode.ShouldBe(HttpStatusCode.OK, $"GET {url}: {text}");
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    private async Task<List<JsonElement>> Events(string query = "") =>
        [.. (await GetOk($"{Kamal}/events{query}")).GetProperty("events").EnumerateArray()];

    /// <summary>The claims of the seed manifest (person, claim), read from seeds/ so the counts follow the file.</summary>
    private List<(string Person, JsonElement Claim)> SeedClaims()
    {
        var directory = App.Host.Services.GetRequiredService<Seeder>().FindSeedsDirectory().ShouldNotBeNull();
        var manifest = JsonDocument.Parse(File.ReadAllText(Path.Combine(directory, "000_e8145cde6a7dd80f.json"))).RootElement;
        return [.. manifest.GetProperty("claims").EnumerateArray().Select(c => (c.GetProperty("person").GetString()!, c.GetProperty("claim").Clone()))];
    }

    private int KamalClaimCount => SeedClaims().Count(c => c.Person == "mustafa-kamal");

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static string At(DateTimeOffset t) => Uri.EscapeDataString(t.ToString("O", System.Globalization.CultureInfo.InvariantCulture));

    private static IEnumerable<string> Strings(JsonElement array, Func<JsonElement, JsonElement> select) =>
        array.EnumerateArray().Select(x => select(x).GetString()!);

    [Fact]
    public async Task kamal_reads_as_a_senator_whose_resignation_is_contested()
    {
        var status = await GetOk(Kamal);

        status.GetProperty("statusLine").GetString().ShouldBe("Senator — resignation tendered (contested)");
        status.GetProperty("name").GetString().ShouldBe("Syed Mustafa Kamal");
        status.GetProperty("openContradictions").GetInt32().ShouldBeGreaterThanOrEqualTo(1);
        status.GetProperty("version").GetInt64().ShouldBe(KamalClaimCount + 1);
        var senator = status.GetProperty("offices").EnumerateArray().Single(o => o.GetProperty("office").GetString() == "Senator");
        // The article calls him Senator in 2013-11 and gives no start: the record must not invent one.
        senator.GetProperty("since").ValueKind.ShouldBe(JsonValueKind.Null);
        senator.GetProperty("sinceAtLatest").GetString().ShouldBe("2013-11");
        senator.GetProperty("pending").GetString().ShouldBe("resignation tendered (contested)");
        Strings(status.GetProperty("formerOffices"), o => o.GetProperty("office"))
            .ShouldBe(["Mayor of Karachi", "Information Technology Minister of Sindh"]);
        Strings(status.GetProperty("parties"), p => p.GetProperty("party")).ShouldBe(["Muttahida Qaumi Movement"]);
    }

    [Fact]
    public async Task both_sides_of_the_resignation_are_one_call_away_with_full_attribution()
    {
        var status = await GetOk(Kamal);
        var contradiction = status.GetProperty("contradictions").EnumerateArray().Single(c => c.GetProperty("id").GetString() == ResignationKey);

        contradiction.GetProperty("state").GetString().ShouldBe("open");
        contradiction.GetProperty("kind").GetString().ShouldBe("assertionDenied");
        var sides = contradiction.GetProperty("sides").EnumerateArray().ToList();
        var asserting = sides.Single(s => s.GetProperty("stance").GetString() == "asserts");
        var denying = sides.Single(s => s.GetProperty("stance").GetString() == "denies");

        Strings(asserting.GetProperty("claims"), c => c.GetProperty("attribution").GetProperty("claimant").GetProperty("name"))
            .ShouldContain("Senate Secretariat");

        var denial = denying.GetProperty("claims").EnumerateArray().ShouldHaveSingleItem();
        var attribution = denial.GetProperty("attribution");
        attribution.GetProperty("claimant").GetProperty("name").GetString().ShouldBe("Nasir Jamal");
        attribution.GetProperty("claimant").GetProperty("role").GetString().ShouldBe("Deputy Convener");
        attribution.GetProperty("source").GetProperty("publisher").GetString().ShouldBe("The Nation");
        attribution.GetProperty("quote").GetString().ShouldBe(DenialQuote);
        attribution.GetProperty("source").GetProperty("publishedAt").GetDateTimeOffset()
            .ShouldBe(new DateTimeOffset(2013, 12, 1, 2, 39, 59, TimeSpan.FromHours(5)));
        attribution.GetProperty("source").GetProperty("publishedAt").GetString().ShouldBe("2013-12-01T02:39:59+05:00");
        var recordedAt = denial.GetProperty("recordedAt").GetDateTimeOffset();
        recordedAt.ShouldBeGreaterThan(DateTimeOffset.UtcNow.AddHours(-1));
        recordedAt.ShouldBeLessThanOrEqualTo(DateTimeOffset.UtcNow.AddMinutes(1));
    }

    [Fact]
    public async Task the_contradictions_list_shows_the_resignation_open_newest_first_and_a_ruling_moves_it_to_resolved()
    {
        var open = await GetOk("/api/contradictions?person=mustafa-kamal");
        var items = open.GetProperty("items").EnumerateArray().ToList();
        items.Select(i => i.GetProperty("id").GetString()).ShouldContain(ResignationKey);
        items.ShouldAllBe(i => i.GetProperty("state").GetString() == "open" && i.GetProperty("personId").GetString() == "mustafa-kamal");
        items.Select(i => i.GetProperty("contestedSince").GetDateTimeOffset()).ShouldBeInOrder(SortDirection.Descending);
        open.GetProperty("count").GetInt32().ShouldBe(items.Count);
        var openBefore = (await GetOk(Kamal)).GetProperty("openContradictions").GetInt32();
        openBefore.ShouldBe(items.Count);

        var ruling = await Post($"/api/claims/{SecretariatClaim}/rulings",
            new { verdict = "true", rationale = "The Senate Secretariat's own statement.", reviewer = "Fact Desk" });
        ruling.StatusCode.ShouldBe(HttpStatusCode.Created, await ruling.Content.ReadAsStringAsync(Ct));

        var stillOpen = await GetOk("/api/contradictions?person=mustafa-kamal&state=open");
        stillOpen.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("id").GetString()).ShouldNotContain(ResignationKey);
        var resolved = await GetOk("/api/contradictions?person=mustafa-kamal&state=resolved");
        var entry = resolved.GetProperty("items").EnumerateArray().Single(i => i.GetProperty("id").GetString() == ResignationKey);
        entry.GetProperty("state").GetString().ShouldBe("resolved");
        entry.GetProperty("standing").GetProperty("resolvedBy").GetString().ShouldBe(SecretariatClaim);
        var all = await GetOk("/api/contradictions?person=mustafa-kamal&state=all");
        all.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("id").GetString()).ShouldContain(ResignationKey);

        var status = await GetOk(Kamal);
        status.GetProperty("statusLine").GetString().ShouldBe("Senator — resignation tendered (confirmed)");
        status.GetProperty("openContradictions").GetInt32().ShouldBe(openBefore - 1);
    }

    [Fact]
    public async Task the_contradictions_list_filters_by_person()
    {
        var others = await GetOk("/api/contradictions?person=anis-qaimkhani&state=all");
        others.GetProperty("items").GetArrayLength().ShouldBe(0);
        var everyone = await GetOk("/api/contradictions");
        everyone.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("id").GetString()).ShouldContain(ResignationKey);
    }

    [Fact]
    public async Task anis_qaimkhani_reads_as_a_former_deputy_convener()
    {
        var status = await GetOk("/api/people/anis-qaimkhani");

        status.GetProperty("statusLine").GetString().ShouldBe("Former Deputy Convener of the Co-ordination Committee, Muttahida Qaumi Movement");
        status.GetProperty("partyRoles").GetArrayLength().ShouldBe(0);
        Strings(status.GetProperty("formerPartyRoles"), r => r.GetProperty("role")).ShouldBe(["Deputy Convener of the Co-ordination Committee"]);
    }

    [Fact]
    public async Task on_2008_06_01_he_was_mayor_of_karachi()
    {
        var status = await GetOk($"{Kamal}?validAt=2008-06-01");

        var mayor = status.GetProperty("offices").EnumerateArray().ShouldHaveSingleItem();
        mayor.GetProperty("office").GetString().ShouldBe("Mayor of Karachi");
        mayor.GetProperty("approximate").GetBoolean().ShouldBeFalse();
        status.GetProperty("statusLine").GetString().ShouldBe("Mayor of Karachi");
        status.GetProperty("validAt").GetString().ShouldBe("2008-06-01");
        status.GetProperty("openContradictions").GetInt32().ShouldBe(0);
    }

    [Fact]
    public async Task on_2004_01_01_he_was_the_sindh_it_minister()
    {
        var status = await GetOk($"{Kamal}?validAt=2004-01-01");

        Strings(status.GetProperty("offices"), o => o.GetProperty("office")).ShouldBe(["Information Technology Minister of Sindh"]);
        status.GetProperty("statusLine").GetString().ShouldBe("Information Technology Minister of Sindh");
    }

    [Fact]
    public async Task the_record_before_the_seed_knows_no_kamal()
    {
        var first = (await Events()).First().GetProperty("recordedAt").GetDateTimeOffset();

        var response = await Http.GetAsync($"{Kamal}?recordedAt={At(first.AddSeconds(-1))}", Ct);
        response.StatusCode.ShouldBe(HttpStatusCode.NotFound);
        response.Content.Headers.ContentType.ShouldNotBeNull().MediaType.ShouldBe("application/problem+json");
        (await Http.GetAsync($"{Kamal}/timeline?recordedAt=2000-01-01T00:00:00Z", Ct)).StatusCode.ShouldBe(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task the_record_between_two_appends_holds_only_the_earlier_claims()
    {
        var events = await Events();
        var tendered = events.Single(e =>
            e.GetProperty("data").TryGetProperty("claim", out var claim) && claim.GetProperty("claimId").GetString() == "475c2975-7c09-4ef8-83b4-2a4f3a6800f5");
        var version = tendered.GetProperty("version").GetInt64();
        var next = events.Single(e => e.GetProperty("version").GetInt64() == version + 1);
        var t0 = tendered.GetProperty("recordedAt").GetDateTimeOffset();
        var t1 = next.GetProperty("recordedAt").GetDateTimeOffset();
        t1.ShouldBeGreaterThan(t0);
        var between = t0 + (t1 - t0) / 2;

        var status = await GetOk($"{Kamal}?recordedAt={At(between)}");
        status.GetProperty("version").GetInt64().ShouldBe(version);
        status.GetProperty("statusLine").GetString().ShouldBe("Senator — resignation tendered");
        status.GetProperty("openContradictions").GetInt32().ShouldBe(0);
        status.GetProperty("recordedAt").GetDateTimeOffset().ShouldBe(between);

        var timeline = await GetOk($"{Kamal}/timeline?recordedAt={At(between)}");
        timeline.GetProperty("entries").GetArrayLength().ShouldBe((int)version - 1);
        timeline.GetProperty("entries").EnumerateArray().ShouldAllBe(e => e.GetProperty("claim").GetProperty("version").GetInt64() <= version);

        // Both clocks: what the record said then about 2008.
        var then2008 = await GetOk($"{Kamal}?recordedAt={At(between)}&validAt=2008-06-01");
        then2008.GetProperty("statusLine").GetString().ShouldBe("Mayor of Karachi");
    }

    [Fact]
    public async Task the_timeline_is_in_valid_time_order_with_undated_claims_last()
    {
        var timeline = await GetOk($"{Kamal}/timeline");
        var entries = timeline.GetProperty("entries").EnumerateArray().ToList();

        entries.Count.ShouldBe(KamalClaimCount);
        var times = entries.Select(e => e.GetProperty("validTime").ValueKind == JsonValueKind.Null ? null : e.GetProperty("validTime").GetString()).ToList();
        var dated = times.TakeWhile(t => t is not null).ToList();
        times.Skip(dated.Count).ShouldAllBe(t => t == null);
        dated.Select(t => ValidTimeOf(t!).From).ShouldBeInOrder(SortDirection.Ascending);
        dated[0].ShouldBe("2003/2005");
        dated[1].ShouldBe("2005/2010");
        dated[2].ShouldBe("2013-08/2013-11");

        var denial = entries.Single(e => e.GetProperty("claim").GetProperty("id").GetString() == "13a26266-3e84-422b-be15-010bce188be0");
        denial.GetProperty("contestState").GetString().ShouldBe("open");
        denial.GetProperty("retracted").GetBoolean().ShouldBeFalse();
        denial.GetProperty("claim").GetProperty("attribution").GetProperty("source").GetProperty("publisher").GetString().ShouldBe("The Nation");
    }

    private static ValidTime ValidTimeOf(string text) =>
        ValidTime.TryParse(text, out var time, out var error) ? time! : throw new FormatException(error);

    [Fact]
    public async Task the_events_after_a_version_replay_the_rest_of_the_stream_with_recorded_times_and_sequences()
    {
        var page = await GetOk($"{Kamal}/events?after=3");
        page.GetProperty("after").GetInt64().ShouldBe(3);
        var events = page.GetProperty("events").EnumerateArray().ToList();

        events.Select(e => e.GetProperty("version").GetInt64()).ShouldBe(Enumerable.Range(4, KamalClaimCount - 2).Select(v => (long)v));
        events.Select(e => e.GetProperty("sequence").GetInt64()).ShouldBeInOrder(SortDirection.Ascending);
        events.Select(e => e.GetProperty("sequence").GetInt64()).Distinct().Count().ShouldBe(events.Count);
        events.Select(e => e.GetProperty("recordedAt").GetDateTimeOffset()).ShouldBeInOrder(SortDirection.Ascending);
        events.ShouldAllBe(e => e.GetProperty("data").ValueKind == JsonValueKind.Object);
        page.GetProperty("next").ValueKind.ShouldBe(JsonValueKind.Null);

        var all = await Events();
        all.Count.ShouldBe(KamalClaimCount + 1);
        all.Skip(3).Select(e => e.GetProperty("sequence").GetInt64()).ShouldBe(events.Select(e => e.GetProperty("sequence").GetInt64()));

        var paged = await GetOk($"{Kamal}/events?after=3&limit=5");
        paged.GetProperty("events").EnumerateArray().Select(e => e.GetProperty("version").GetInt64()).ShouldBe([4L, 5, 6, 7, 8]);
        paged.GetProperty("next").GetInt64().ShouldBe(8);
        (await GetOk($"{Kamal}/events?after={KamalClaimCount + 1}")).GetProperty("events").GetArrayLength().ShouldBe(0);
    }

    [Fact]
    public async Task a_non_numeric_cursor_is_refused_not_ignored()
    {
        var response = await Http.GetAsync($"{Kamal}/events?after=abc", Ct);
        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task claims_filter_by_claimant_source_and_person()
    {
        var byJamal = await GetOk("/api/claims?claimant=Nasir%20Jamal");
        var jamal = byJamal.GetProperty("items").EnumerateArray().ShouldHaveSingleItem();
        jamal.GetProperty("attribution").GetProperty("claimant").GetProperty("name").GetString().ShouldBe("Nasir Jamal");
        jamal.GetProperty("type").GetString().ShouldBe(nameof(ResignationDenied));

        var bySource = await GetOk($"/api/claims?source={SourceId}");
        var items = bySource.GetProperty("items").EnumerateArray().ToList();
        items.Count.ShouldBe(SeedClaims().Count);
        items.ShouldAllBe(i => i.GetProperty("sourceId").GetString() == SourceId);
        items.Select(i => i.GetProperty("sequence").GetInt64()).ShouldBeInOrder(SortDirection.Ascending);

        (await GetOk("/api/claims?source=src-0000000000000000")).GetProperty("items").GetArrayLength().ShouldBe(0);

        var kamalAnonymous = await GetOk("/api/claims?person=mustafa-kamal&claimant=anonymous%20source");
        var anonymous = kamalAnonymous.GetProperty("items").EnumerateArray().ToList();
        anonymous.Count.ShouldBe(SeedClaims().Count(c =>
            c.Person == "mustafa-kamal" && c.Claim.GetProperty("claimant").GetProperty("name").GetString() == "anonymous source"));
        anonymous.Count.ShouldBeGreaterThan(0);
        anonymous.ShouldAllBe(i => i.GetProperty("personId").GetString() == "mustafa-kamal");

        (await GetOk("/api/claims?person=mustafa-kamal")).GetProperty("items").GetArrayLength().ShouldBe(KamalClaimCount);
    }

    [Fact]
    public async Task claims_page_on_with_the_sequence_cursor_without_gaps_or_repeats()
    {
        var all = (await GetOk("/api/claims?person=mustafa-kamal")).GetProperty("items").EnumerateArray().Select(c => c.GetProperty("id").GetGuid()).ToList();
        all.Count.ShouldBe(KamalClaimCount);

        var paged = new List<Guid>();
        long? next = null;
        for (var page = 0; page < 10; page++)
        {
            var body = await GetOk($"/api/claims?person=mustafa-kamal&limit=5{(next is null ? "" : $"&after={next}")}");
            paged.AddRange(body.GetProperty("items").EnumerateArray().Select(c => c.GetProperty("id").GetGuid()));
            var cursor = body.GetProperty("next");
            if (cursor.ValueKind == JsonValueKind.Null) break;
            next = cursor.GetInt64();
        }

        paged.ShouldBe(all);
    }

    [Fact]
    public async Task an_unchanged_status_is_not_sent_again_and_a_new_append_changes_the_etag()
    {
        var first = await Http.GetAsync(Kamal, Ct);
        first.StatusCode.ShouldBe(HttpStatusCode.OK);
        var etag = first.Headers.ETag.ShouldNotBeNull();

        var again = new HttpRequestMessage(HttpMethod.Get, Kamal);
        again.Headers.IfNoneMatch.Add(etag);
        var notModified = await Http.SendAsync(again, Ct);
        notModified.StatusCode.ShouldBe(HttpStatusCode.NotModified);
        (await notModified.Content.ReadAsByteArrayAsync(Ct)).ShouldBeEmpty();

        var appended = await Post($"{Kamal}/claims", new
        {
            type = "StatementMade",
            sourceId = SourceId,
            claimant = new { name = "Agencies" },
            quote = "Kamal had been inactive in the party for the last four months",
            statement = "Kamal was inactive.",
            predicate = "was-inactive",
            @object = "Muttahida Qaumi Movement",
        });
        appended.StatusCode.ShouldBe(HttpStatusCode.Created, await appended.Content.ReadAsStringAsync(Ct));

        var afterAppend = new HttpRequestMessage(HttpMethod.Get, Kamal);
        afterAppend.Headers.IfNoneMatch.Add(etag);
        var changed = await Http.SendAsync(afterAppend, Ct);
        changed.StatusCode.ShouldBe(HttpStatusCode.OK);
        changed.Headers.ETag.ShouldNotBeNull().Tag.ShouldNotBe(etag.Tag);
        (await Body(changed)).GetProperty("version").GetInt64().ShouldBe(KamalClaimCount + 2);
    }

    [Fact]
    public async Task the_etag_of_a_past_recorded_time_does_not_change_with_new_appends()
    {
        var at = (await Events()).Last().GetProperty("recordedAt").GetDateTimeOffset();
        var url = $"{Kamal}?recordedAt={At(at)}";
        var first = await Http.GetAsync(url, Ct);
        var etag = first.Headers.ETag.ShouldNotBeNull();

        var ruling = await Post($"/api/claims/{SecretariatClaim}/rulings", new { verdict = "true", rationale = "r", reviewer = "x" });
        ruling.StatusCode.ShouldBe(HttpStatusCode.Created);

        var request = new HttpRequestMessage(HttpMethod.Get, url);
        request.Headers.IfNoneMatch.Add(etag);
        (await Http.SendAsync(request, Ct)).StatusCode.ShouldBe(HttpStatusCode.NotModified);
    }

    [Theory]
    [InlineData("validAt=2008-13-01")]
    [InlineData("validAt=2013-02-29")]
    [InlineData("validAt=2008")]
    [InlineData("recordedAt=yesterday")]
    public async Task bad_clocks_are_refused_with_a_problem(string query)
    {
        foreach (var path in new[] { Kamal, $"{Kamal}/timeline" })
        {
            var response = await Http.GetAsync($"{path}?{query}", Ct);
            response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
            response.Content.Headers.ContentType.ShouldNotBeNull().MediaType.ShouldBe("application/problem+json");
            var problem = await Body(response);
            problem.GetProperty("status").GetInt32().ShouldBe(400);
            problem.GetProperty("detail").GetString().ShouldNotBeNullOrWhiteSpace();
        }
    }

    [Fact]
    public async Task an_unknown_person_is_a_problem_not_an_empty_view()
    {
        var response = await Http.GetAsync("/api/people/nobody-here", Ct);
        response.StatusCode.ShouldBe(HttpStatusCode.NotFound);
        response.Content.Headers.ContentType.ShouldNotBeNull().MediaType.ShouldBe("application/problem+json");
        (await Http.GetAsync("/api/people/nobody-here/timeline", Ct)).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await Http.GetAsync("/api/people/nobody-here/events", Ct)).StatusCode.ShouldBe(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task the_seeded_views_equal_a_replay_of_the_stored_stream()
    {
        await using var session = App.Store.QuerySession();
        var events = await session.Events.FetchStreamAsync("mustafa-kamal", token: Ct);
        var dossier = PersonDossier.Replay(events);

        foreach (var (url, expected) in new (string, object)[]
                 {
                     (Kamal, CurrentStatus.From(dossier)),
                     ($"{Kamal}?validAt=2008-06-01", CurrentStatus.From(dossier, new DateOnly(2008, 6, 1))),
                     ($"{Kamal}/timeline", CareerTimeline.From(dossier)),
                 })
        {
            var actual = System.Text.Json.Nodes.JsonNode.Parse(await (await Http.GetAsync(url, Ct)).Content.ReadAsStringAsync(Ct));
            ViewJson.FirstDifference(ViewJson.Serialize(App, expected), actual).ShouldBeNull($"GET {url}");
        }
    }
}
