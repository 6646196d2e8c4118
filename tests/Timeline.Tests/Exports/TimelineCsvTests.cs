using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Shouldly;
using Timeline.Tests.Infrastructure;
using Timeline.Tests.Record;
using Xunit;

namespace Timeline.Tests.Exports;

/// <summary>GET /api/people/{id}/timeline.csv read back with an RFC 4180 reader and held against the JSON timeline.</summary>
public sealed class TimelineCsvTests(AppFixture app) : RecordApiTest(app)
{
    private const string HostileQuote = "=HYPERLINK(\"https://evil.example/?a=1,b=2\";\"click\")";
    private const string MultilineQuote = "He said:\nI resign, \"for personal reasons\"";
    private const string HostileText = "Reported: " + HostileQuote + " end.\n" + MultilineQuote + "\n";

    private static readonly string[] Columns =
    [
        "validTime", "precision", "type", "predicate", "object", "stance", "value",
        "contestState", "propositionHolds", "retracted", "ruling",
        "claimant", "claimantRole", "claimantAffiliation", "quote",
        "publisher", "sourceTitle", "sourceUrl", "publishedAt",
        "claimId", "version", "sequence", "recordedAt", "recordedBy",
        "decisiveVerdict", "noLongerStated", "afterDeath", "cause", "term", "scheduledEnd", "disputedEnd",
    ];

    private async Task GivenACareerWithAHostileSourceAsync()
    {
        var article = await GivenPersonAndSourceAsync();
        using var registered = await Post("/api/sources", RecordApi.Source("https://evil.example/article", HostileText).With("publishedAt", "2013-11-15T09:00:00Z"));
        registered.StatusCode.ShouldBe(HttpStatusCode.Created, await TextAsync(registered));
        var hostile = (await Body(registered)).GetProperty("id").GetString()!;
        await GivenClaimAsync(RecordApi.Claim(article).With("validTime", "2013-11-30"));
        var denied = (await GivenClaimAsync(RecordApi.Claim(article, quote: RecordApi.DeniedQuote).With("type", "ResignationDenied"))).GetProperty("id").GetGuid();
        (await Post($"/api/claims/{denied}/rulings", RecordApi.Ruling("false"))).StatusCode.ShouldBe(HttpStatusCode.Created);
        await GivenClaimAsync(RecordApi.Claim(hostile, quote: HostileQuote)
            .With("type", "OfficeTaken").With("validTime", "2005").With("office", "Mayor of Karachi").With("organization", "City District Government Karachi")
            .With("claimant", new JsonObject { ["name"] = "@attacker", ["role"] = "-2+3", ["affiliation"] = "+Cmd|' /C calc'!A0" }));
        await GivenClaimAsync(RecordApi.Claim(hostile, quote: MultilineQuote).With("type", "StatementMade").Without("validTime")
            .With("predicate", "said").With("object", "resignation, reasons").With("stance", "asserts").With("statement", "He resigned for personal reasons"));
    }

    [Fact]
    public async Task the_csv_timeline_has_the_json_timelines_rows_in_order_as_rfc_4180_with_a_header()
    {
        await GivenACareerWithAHostileSourceAsync();

        using var response = await Get($"/api/people/{PersonId}/timeline.csv");
        var text = await TextAsync(response);

        response.StatusCode.ShouldBe(HttpStatusCode.OK, text);
        response.Content.Headers.ContentType!.ToString().ShouldBe("text/csv; charset=utf-8");
        response.Headers.ETag.ShouldNotBeNull();
        var records = Rfc4180.Read(text);
        records[0].ShouldBe(Columns);
        records.Skip(1).ShouldAllBe(r => r.Count == Columns.Length);
        await ShouldMatchJsonTimelineAsync(records, "");
    }

    [Fact]
    public async Task the_csv_says_how_an_office_was_left_its_term_and_scheduled_end()
    {
        var article = await GivenPersonAndSourceAsync();
        var taken = (await GivenClaimAsync(RecordApi.Claim(article).With("type", "OfficeTaken").With("validTime", "2005").With("office", "Nazim")
            .With("organization", "City District Government Karachi").With("term", 1).With("scheduledEnd", "2009"))).GetProperty("id").GetGuid();
        var left = (await GivenClaimAsync(RecordApi.Claim(article).With("type", "OfficeLeft").With("validTime", "2009-02").With("office", "Nazim")
            .With("organization", "City District Government Karachi").With("cause", "resigned"))).GetProperty("id").GetGuid();

        using var response = await Get($"/api/people/{PersonId}/timeline.csv");
        var records = Rfc4180.Read(await TextAsync(response));
        List<string> Row(Guid id) => records.Single(r => r[Array.IndexOf(Columns, "claimId")] == id.ToString());
        string Cell(Guid id, string column) => Row(id)[Array.IndexOf(Columns, column)];
        (Cell(taken, "term"), Cell(taken, "scheduledEnd"), Cell(taken, "cause")).ShouldBe(("1", "2009", ""));
        (Cell(left, "cause"), Cell(left, "term"), Cell(left, "disputedEnd")).ShouldBe(("resigned", "", ""));
    }

    [Theory]
    [InlineData("validAt=2006-01-01")]
    [InlineData("reportedAt=2013-11-20")]
    public async Task the_csv_timeline_takes_the_same_clocks_as_the_json_timeline(string query)
    {
        await GivenACareerWithAHostileSourceAsync();
        using var all = await Get($"/api/people/{PersonId}/timeline.csv");
        var allRows = Rfc4180.Read(await TextAsync(all)).Count - 1;

        using var response = await Get($"/api/people/{PersonId}/timeline.csv?{query}");
        var text = await TextAsync(response);

        response.StatusCode.ShouldBe(HttpStatusCode.OK, text);
        var records = Rfc4180.Read(text);
        (records.Count - 1).ShouldBeLessThan(allRows, "the clock should leave some claims out");
        await ShouldMatchJsonTimelineAsync(records, "?" + query);
    }

    [Fact]
    public async Task the_csv_timeline_at_a_recorded_time_shows_the_record_as_it_stood()
    {
        var article = await GivenPersonAndSourceAsync();
        var first = (await GivenClaimAsync(RecordApi.Claim(article))).GetProperty("recordedAt").GetDateTimeOffset();
        await GivenClaimAsync(RecordApi.Claim(article, quote: RecordApi.DeniedQuote).With("type", "ResignationDenied"));
        var at = Uri.EscapeDataString(first.ToString("O"));

        using var response = await Get($"/api/people/{PersonId}/timeline.csv?recordedAt={at}");

        var records = Rfc4180.Read(await TextAsync(response));
        records.Count.ShouldBe(2);
        await ShouldMatchJsonTimelineAsync(records, $"?recordedAt={at}");
    }

    [Fact]
    public async Task cells_a_spreadsheet_would_run_as_formulas_get_a_leading_apostrophe_and_keep_their_text()
    {
        await GivenACareerWithAHostileSourceAsync();

        using var response = await Get($"/api/people/{PersonId}/timeline.csv");
        var records = Rfc4180.Read(await TextAsync(response));
        var row = records.Skip(1).Single(r => r[Column("type")] == "OfficeTaken");
        var statement = records.Skip(1).Single(r => r[Column("type")] == "StatementMade");

        row[Column("quote")].ShouldBe("'" + HostileQuote);
        row[Column("claimant")].ShouldBe("'@attacker");
        row[Column("claimantRole")].ShouldBe("'-2+3");
        row[Column("claimantAffiliation")].ShouldBe("'+Cmd|' /C calc'!A0");
        statement[Column("quote")].ShouldBe(MultilineQuote);
        statement[Column("object")].ShouldBe("resignation, reasons");
        // No cell of any row starts a formula.
        records.SelectMany(r => r).ShouldAllBe(cell => cell.Length == 0 || !"=+-@\t\r".Contains(cell[0]));
    }

    [Fact]
    public async Task an_unknown_person_is_404_and_a_bad_clock_or_unknown_parameter_is_400()
    {
        await GivenPersonAndSourceAsync();

        using var unknown = await Get("/api/people/nobody-here/timeline.csv");
        using var badClock = await Get($"/api/people/{PersonId}/timeline.csv?validAt=2013-13-01");
        using var misspelt = await Get($"/api/people/{PersonId}/timeline.csv?validat=2013-01-01");

        await ShouldBeProblemAsync(unknown, HttpStatusCode.NotFound);
        await ShouldBeProblemAsync(badClock, HttpStatusCode.BadRequest);
        await ShouldBeProblemAsync(misspelt, HttpStatusCode.BadRequest);
    }

    private static int Column(string name) => Array.IndexOf(Columns, name);

    /// <summary>Each CSV row against the JSON timeline entry at the same place, read with the same query.</summary>
    private async Task ShouldMatchJsonTimelineAsync(List<List<string>> records, string query)
    {
        using var json = await Get($"/api/people/{PersonId}/timeline{query}");
        var entries = (await Body(json)).GetProperty("entries").EnumerateArray().ToList();
        var rows = records.Skip(1).ToList();
        rows.Count.ShouldBe(entries.Count);
        entries.ShouldNotBeEmpty();
        for (var i = 0; i < rows.Count; i++)
        {
            var row = rows[i];
            var entry = entries[i];
            var claim = entry.GetProperty("claim");
            var attribution = claim.GetProperty("attribution");
            string Cell(string name) => row[Column(name)];

            Cell("claimId").ShouldBe(claim.GetProperty("id").GetString());
            Cell("type").ShouldBe(claim.GetProperty("type").GetString());
            Cell("validTime").ShouldBe(Text(entry.GetProperty("validTime")));
            Cell("precision").ShouldBe(Text(entry.GetProperty("precision")));
            Cell("predicate").ShouldBe(claim.GetProperty("proposition").GetProperty("predicate").GetString());
            Cell("object").ShouldBe(claim.GetProperty("proposition").GetProperty("object").GetString());
            Cell("stance").ShouldBe(claim.GetProperty("stance").GetString());
            Cell("contestState").ShouldBe(entry.GetProperty("contestState").GetString());
            Cell("propositionHolds").ShouldBe(Text(entry.GetProperty("propositionHolds")));
            Cell("retracted").ShouldBe(entry.GetProperty("retracted").GetBoolean() ? "true" : "false");
            Cell("ruling").ShouldBe(Text(entry.GetProperty("ruling")));
            Cell("decisiveVerdict").ShouldBe(Text(entry.GetProperty("decisiveVerdict")));
            Cell("noLongerStated").ShouldBe(entry.GetProperty("noLongerStated").GetBoolean() ? "true" : "false");
            Cell("afterDeath").ShouldBe(entry.GetProperty("afterDeath").GetBoolean() ? "true" : "false");
            Cell("cause").ShouldBe(claim.TryGetProperty("cause", out var cause) ? Text(cause) : "");
            Cell("term").ShouldBe(claim.TryGetProperty("term", out var term) && term.ValueKind == System.Text.Json.JsonValueKind.Number ? term.GetInt32().ToString(System.Globalization.CultureInfo.InvariantCulture) : "");
            Cell("scheduledEnd").ShouldBe(claim.TryGetProperty("scheduledEnd", out var scheduled) ? Text(scheduled) : "");
            Cell("disputedEnd").ShouldBe(claim.TryGetProperty("disputedEnd", out var disputed) ? Text(disputed) : "");
            Unguarded(Cell("quote")).ShouldBe(attribution.GetProperty("quote").GetString());
            Unguarded(Cell("claimant")).ShouldBe(attribution.GetProperty("claimant").GetProperty("name").GetString());
            Cell("publisher").ShouldBe(attribution.GetProperty("source").GetProperty("publisher").GetString());
            Cell("sourceUrl").ShouldBe(attribution.GetProperty("source").GetProperty("url").GetString());
            DateTimeOffset.Parse(Cell("publishedAt")).ShouldBe(attribution.GetProperty("source").GetProperty("publishedAt").GetDateTimeOffset());
            Cell("version").ShouldBe(claim.GetProperty("version").GetInt64().ToString());
            Cell("sequence").ShouldBe(claim.GetProperty("sequence").GetInt64().ToString());
            DateTimeOffset.Parse(Cell("recordedAt")).ShouldBe(claim.GetProperty("recordedAt").GetDateTimeOffset());
            Cell("recordedBy").ShouldBe(attribution.GetProperty("recordedBy").GetString());
        }
    }

    private static string Text(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.Null => "",
        JsonValueKind.True => "true",
        JsonValueKind.False => "false",
        _ => value.GetString()!,
    };

    /// <summary>The cell's text as stored: the guard's apostrophe removed where the text starts a formula.</summary>
    private static string Unguarded(string cell) => cell.Length > 1 && cell[0] == '\'' && "=+-@\t\r".Contains(cell[1]) ? cell[1..] : cell;
}
