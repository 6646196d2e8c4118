using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Shouldly;
using Timeline.Tests.Infrastructure;
using Timeline.Tests.Record;
using Xunit;

namespace Timeline.Tests.Interop;

public sealed class PopoloImportTests(AppFixture app) : RecordApiTest(app)
{
    public const string Series = "https://everypolitician.example/nauru/parliament/ep-popolo-v1.0.json";
    private const string FirstPublished = "2019-01-15T00:00:00Z";
    private const string NewerPublished = "2019-06-01T00:00:00Z";

    private async Task<JsonElement> ImportAsync(JsonObject file, string publishedAt = FirstPublished, HttpStatusCode expected = HttpStatusCode.OK)
    {
        using var response = await ImportRawAsync(file.ToJsonString(), $"source={Uri.EscapeDataString(Series)}&publishedAt={Uri.EscapeDataString(publishedAt)}");
        response.StatusCode.ShouldBe(expected, await TextAsync(response));
        return await Body(response);
    }

    private Task<HttpResponseMessage> ImportRawAsync(string body, string query) =>
        PostRaw($"/api/imports/popolo?{query}", new StringContent(body, Encoding.UTF8, "application/json"));

    private async Task<JsonObject> ExportAsync(string query = "")
    {
        using var response = await Get($"/api/exports/popolo{query}");
        response.StatusCode.ShouldBe(HttpStatusCode.OK, await TextAsync(response));
        return (JsonObject)JsonNode.Parse(await TextAsync(response))!;
    }

    private static readonly string[] BrokenOnPurpose = ["/persons/3", "/memberships/5", "/memberships/6", "/memberships/7", "/organizations/0"];

    private static int Count(JsonElement report, string field) => report.GetProperty(field).GetInt32();

    private static List<string> RejectedPointers(JsonElement report) =>
        [.. report.GetProperty("rejected").EnumerateArray().Select(r => r.GetProperty("pointer").GetString()!)];

    [Fact]
    public async Task importing_the_nauru_file_registers_its_people_and_states_every_membership()
    {
        var file = PopoloOracle.Nauru();
        var report = await ImportAsync(file);

        RejectedPointers(report).ShouldBeEmpty();
        Count(report, "peopleRegistered").ShouldBe(PopoloOracle.Array(file, "persons").Count);
        Count(report, "claimsAppended").ShouldBe(PopoloOracle.Claims(file));
        var kinds = report.GetProperty("records").EnumerateArray().ToDictionary(k => k.GetProperty("kind").GetString()!, k => k.GetProperty("read").GetInt32());
        kinds["persons"].ShouldBe(PopoloOracle.Array(file, "persons").Count);
        kinds["memberships"].ShouldBe(PopoloOracle.Array(file, "memberships").Count);
        kinds["organizations"].ShouldBe(PopoloOracle.Array(file, "organizations").Count);

        var export = await ExportAsync();
        PopoloOracle.Array(export, "persons").Count.ShouldBe(PopoloOracle.Array(file, "persons").Count);
        PopoloOracle.Array(export, "persons").Select(p => PopoloOracle.Text(p, "name")).Order(StringComparer.Ordinal)
            .ShouldBe(PopoloOracle.Array(file, "persons").Select(p => PopoloOracle.Text(p, "name")).Order(StringComparer.Ordinal));
        PopoloOracle.Array(export, "organizations").Count(o => PopoloOracle.Text(o, "classification") == "party").ShouldBe(PopoloOracle.Parties(file));
        PopoloOracle.Array(export, "memberships").Count.ShouldBe(PopoloOracle.Array(file, "memberships").Count);
    }

    [Fact]
    public async Task exporting_what_an_import_brought_in_gives_back_its_memberships()
    {
        var file = PopoloOracle.Nauru();
        await ImportAsync(file);

        PopoloOracle.ExportedSeats(await ExportAsync()).ShouldBe(PopoloOracle.Seats(file));

        // Held on a day: only the seats whose dates cover it.
        var day = "2014-01-01";
        var held = PopoloOracle.Seats(file).Where(s => string.CompareOrdinal(s.Start, day) <= 0 && (s.End is null || string.CompareOrdinal(day, s.End) <= 0)).ToList();
        held.ShouldNotBeEmpty();
        PopoloOracle.ExportedSeats(await ExportAsync($"?validAt={day}")).ShouldBe(held);
    }

    [Fact]
    public async Task the_same_person_across_terms_is_one_person_and_a_death_ends_open_memberships()
    {
        var file = PopoloOracle.Nauru();
        await ImportAsync(file);
        var export = await ExportAsync();

        var names = PopoloOracle.Array(file, "persons").Select(p => PopoloOracle.Text(p, "name")!).ToList();
        PopoloOracle.Array(export, "persons").Select(p => PopoloOracle.Text(p, "name")!).Distinct().Count().ShouldBe(names.Distinct().Count());
        var dead = PopoloOracle.Array(file, "persons").Single(p => PopoloOracle.Text(p, "death_date") is not null);
        var seats = PopoloOracle.ExportedSeats(export).Where(s => s.Person == PopoloOracle.Text(dead, "name")).ToList();
        seats.Count.ShouldBeGreaterThan(1, "the file gives this person seats in several terms");
        seats.ShouldAllBe(s => s.End != null, "a death date ends every open membership");
        seats.Max(s => s.End).ShouldBe(PopoloOracle.Text(dead, "death_date"));
    }

    [Fact]
    public async Task re_importing_the_same_file_appends_nothing()
    {
        var file = PopoloOracle.Nauru();
        await ImportAsync(file);
        var events = await AllEventsAsync();

        var again = await ImportAsync(file);

        Count(again, "claimsAppended").ShouldBe(0);
        Count(again, "peopleRegistered").ShouldBe(0);
        Count(again, "claimsAlreadyThere").ShouldBe(PopoloOracle.Claims(file));
        (await AllEventsAsync()).ShouldBe(events);
    }

    [Fact]
    public async Task a_newer_version_appends_what_changed_and_marks_a_membership_it_no_longer_states()
    {
        var file = PopoloOracle.Nauru();
        var first = await ImportAsync(file);
        var events = await AllEventsAsync();

        var newer = (JsonObject)file.DeepClone();
        var memberships = PopoloOracle.Array(newer, "memberships");
        var removed = PopoloOracle.Seats(file).ToList();
        var dropped = (JsonObject)memberships[0]!;
        memberships.RemoveAt(0);
        var added = new JsonObject
        {
            ["person_id"] = PopoloOracle.Text(dropped, "person_id"),
            ["organization_id"] = PopoloOracle.Text(dropped, "organization_id"),
            ["on_behalf_of_id"] = "party/nauru_first",
            ["role"] = "member",
            ["start_date"] = "2019-08-27",
        };
        memberships.Add(added);
        var report = await ImportAsync(newer, NewerPublished);

        report.GetProperty("sourceId").GetString().ShouldNotBe(first.GetProperty("sourceId").GetString(), "a new content hash is a new version");
        Count(report, "claimsAppended").ShouldBe(2, "the new seat and the party it is held for");
        // The first membership is held for "party/unknown", which states no party: only its seat was claimed.
        var droppedClaims = PopoloOracle.Text(dropped, "on_behalf_of_id") is { } party
            && !PopoloOracle.Unknown(PopoloOracle.Array(file, "organizations").First(o => PopoloOracle.Text(o, "id") == party)) ? 2 : 1;
        Count(report, "claimsNoLongerStated").ShouldBe(droppedClaims, "the dropped seat and any party it was held for");
        (await AllEventsAsync()).ShouldBe(events + 2 + droppedClaims);

        var now = PopoloOracle.ExportedSeats(await ExportAsync());
        now.ShouldBe(PopoloOracle.Seats(newer));
        // As reported before the newer version was published, the record still shows the first version's seats.
        PopoloOracle.ExportedSeats(await ExportAsync("?reportedAt=2019-03-01")).ShouldBe(PopoloOracle.Seats(file));

        // The dropped claims stay on record, marked with when the source stated them.
        var personName = PopoloOracle.Text(PopoloOracle.Array(file, "persons").Single(p => PopoloOracle.Text(p, "id") == PopoloOracle.Text(dropped, "person_id")), "name")!;
        var personId = PopoloOracle.Array(await ExportAsync(), "persons").Select(p => p!).Single(p => PopoloOracle.Text(p, "name") == personName)["id"]!.GetValue<string>();
        var marked = (await ClaimsAboutAsync(personId)).Where(c => c.TryGetProperty("noLongerStated", out var n) && n.ValueKind == JsonValueKind.Object).ToList();
        marked.Count.ShouldBe(droppedClaims);
        foreach (var claim in marked)
        {
            var notice = claim.GetProperty("noLongerStated");
            notice.GetProperty("firstSeen").GetDateTimeOffset().ShouldBe(DateTimeOffset.Parse(FirstPublished, System.Globalization.CultureInfo.InvariantCulture));
            notice.GetProperty("lastSeen").GetDateTimeOffset().ShouldBe(DateTimeOffset.Parse(FirstPublished, System.Globalization.CultureInfo.InvariantCulture));
            notice.GetProperty("newerSourceId").GetString().ShouldBe(report.GetProperty("sourceId").GetString());
        }

        // Running the newer version again changes nothing more.
        var again = await ImportAsync(newer, NewerPublished);
        Count(again, "claimsAppended").ShouldBe(0);
        Count(again, "claimsNoLongerStated").ShouldBe(0);
        (await AllEventsAsync()).ShouldBe(events + 2 + droppedClaims);
        removed.ShouldNotBeEmpty();
    }

    [Fact]
    public async Task the_views_follow_a_corrected_version_and_read_before_it_the_version_then_published()
    {
        // The first version gives Fay the whole term and Dan a Senate seat; the corrected one ends Fay's seat early and drops Dan's.
        static JsonObject Seat(string person, string organization, string start, string? end = null)
        {
            var seat = new JsonObject { ["person_id"] = person, ["organization_id"] = organization, ["role"] = "member", ["start_date"] = start };
            if (end is not null) seat["end_date"] = end;
            return seat;
        }

        static JsonObject File(params JsonObject[] seats) => new()
        {
            ["persons"] = new JsonArray(new JsonObject { ["id"] = "p-fay", ["name"] = "Fay Noor" }, new JsonObject { ["id"] = "p-dan", ["name"] = "Dan Oyelaran" }),
            ["organizations"] = new JsonArray(
                new JsonObject { ["id"] = "assembly", ["name"] = "National Assembly", ["classification"] = "legislature" },
                new JsonObject { ["id"] = "senate", ["name"] = "Senate", ["classification"] = "legislature" }),
            ["memberships"] = new JsonArray(seats),
        };

        await ImportAsync(File(Seat("p-fay", "assembly", "2015-01-10", "2019-01-09"), Seat("p-dan", "senate", "2016-03-01")));
        await ImportAsync(File(Seat("p-fay", "assembly", "2015-01-10", "2017-03-15")), NewerPublished);

        async Task<JsonObject> StatusAsync(string url)
        {
            using var response = await Get(url);
            response.StatusCode.ShouldBe(HttpStatusCode.OK);
            return (JsonObject)JsonNode.Parse(await response.Content.ReadAsStringAsync(Ct))!;
        }

        var fay = await StatusAsync("/api/people/fay-noor?validAt=2018-01-01");
        fay["statusLine"]!.GetValue<string>().ShouldBe("Former Member (until 2017-03-15)");
        fay["openContradictions"]!.GetValue<int>().ShouldBe(0, "the corrected file replaces what the same file said before; it does not contradict it");
        (await StatusAsync("/api/people/dan-oyelaran"))["statusLine"]!.GetValue<string>().ShouldBe("No office on record");

        // As the sources stood before the correction was published, the first version's seats are what they said.
        (await StatusAsync("/api/people/fay-noor?validAt=2018-01-01&reportedAt=2019-03-01"))["statusLine"]!.GetValue<string>().ShouldBe("Member");
        (await StatusAsync("/api/people/dan-oyelaran?reportedAt=2019-03-01"))["statusLine"]!.GetValue<string>().ShouldBe("Member");

        // A third version puts Dan's seat back: it counts again from then, and the export has it again.
        var v3 = await ImportAsync(File(Seat("p-fay", "assembly", "2015-01-10", "2017-03-15"), Seat("p-dan", "senate", "2016-03-01")), "2019-09-01T00:00:00Z");
        Count(v3, "claimsStatedAgain").ShouldBe(1);
        Count(v3, "claimsAppended").ShouldBe(0, "the seat is the same claim, already on record");
        (await StatusAsync("/api/people/dan-oyelaran"))["statusLine"]!.GetValue<string>().ShouldBe("Member");
        (await StatusAsync("/api/people/dan-oyelaran?reportedAt=2019-07-01"))["statusLine"]!.GetValue<string>().ShouldBe("No office on record",
            "between the version that dropped it and the one that restored it, the seat was not stated");
        PopoloOracle.Array(await ExportAsync(), "memberships").Select(m => PopoloOracle.Text(m, "person_id")).ShouldContain("dan-oyelaran");
        Count(await ImportAsync(File(Seat("p-fay", "assembly", "2015-01-10", "2017-03-15"), Seat("p-dan", "senate", "2016-03-01")), "2019-09-01T00:00:00Z"),
            "claimsStatedAgain").ShouldBe(0, "run again, it changes nothing");
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task a_newer_version_that_adds_a_namesake_keeps_the_person_on_record_and_tells_the_newcomer_apart(bool firstStoredWithoutIds)
    {
        static JsonObject Person(string id, string name) => new() { ["id"] = id, ["name"] = name };
        static JsonObject Seat(string person, int term) => new() { ["person_id"] = person, ["organization_id"] = "assembly", ["legislative_period_id"] = $"term/{term}", ["role"] = "member" };
        var first = new JsonObject
        {
            ["persons"] = new JsonArray(Person("ep-1", "Ana Lima"), Person("ep-2", "Rui Costa")),
            ["organizations"] = new JsonArray(new JsonObject { ["id"] = "assembly", ["name"] = "National Assembly", ["classification"] = "legislature" }),
            ["events"] = new JsonArray([.. Enumerable.Range(1, 2).Select(t => (JsonNode)new JsonObject
            {
                ["id"] = $"term/{t}", ["name"] = $"Term {t}", ["classification"] = "legislative period", ["start_date"] = $"201{t}-01-01", ["end_date"] = $"201{t}-12-31",
            })]),
            ["memberships"] = new JsonArray(Seat("ep-1", 1), Seat("ep-2", 1)),
        };
        var v1 = await ImportAsync(first);
        Count(v1, "peopleRegistered").ShouldBe(2);
        (await PersonIdsAsync(v1))["ep-1"].ShouldBe("ana-lima");
        if (firstStoredWithoutIds)
        {
            // As a version imported before the ids were kept with it: they come from its own file.
            await using var connection = new Npgsql.NpgsqlConnection(App.ConnectionString);
            await connection.OpenAsync(Ct);
            await using var strip = new Npgsql.NpgsqlCommand("update timeline.mt_doc_sourcedocument set data = data - 'personIds' where id = $1", connection);
            strip.Parameters.Add(new Npgsql.NpgsqlParameter { Value = v1.GetProperty("sourceId").GetString()! });
            (await strip.ExecuteNonQueryAsync(Ct)).ShouldBe(1);
        }


        // The next version adds another Ana Lima: the one on record stays who she was, the newcomer gets an id of her own.
        var second = (JsonObject)first.DeepClone();
        PopoloOracle.Array(second, "persons").Add(Person("ep-3", "Ana Lima"));
        PopoloOracle.Array(second, "memberships").Add(Seat("ep-3", 2));
        var v2 = await ImportAsync(second, NewerPublished);

        Count(v2, "peopleRegistered").ShouldBe(1);
        Count(v2, "claimsAppended").ShouldBe(1, "only the newcomer's seat is new");
        Count(v2, "claimsNoLongerStated").ShouldBe(0);
        var ids = await PersonIdsAsync(v2);
        ids["ep-1"].ShouldBe("ana-lima");
        (await PersonIdsAsync(v1))["ep-1"].ShouldBe("ana-lima", "the first version lists the ids it gave (worked out once from its own file when it did not)");
        ids["ep-2"].ShouldBe("rui-costa");
        ids["ep-3"].ShouldStartWith("ana-lima-");
        using (var original = await Get("/api/people/ana-lima")) original.StatusCode.ShouldBe(HttpStatusCode.OK);
        using (var newcomer = await Get($"/api/people/{ids["ep-3"]}")) newcomer.StatusCode.ShouldBe(HttpStatusCode.OK);

        // A version without the first Ana Lima: the newcomer keeps her id, and only the first one's seat is no longer stated.
        var third = (JsonObject)second.DeepClone();
        PopoloOracle.Array(third, "persons").RemoveAt(0);
        PopoloOracle.Array(third, "memberships").RemoveAt(0);
        var v3 = await ImportAsync(third, "2019-09-01T00:00:00Z");

        Count(v3, "peopleRegistered").ShouldBe(0);
        Count(v3, "claimsAppended").ShouldBe(0);
        Count(v3, "claimsNoLongerStated").ShouldBe(1);
        (await PersonIdsAsync(v3))["ep-3"].ShouldBe(ids["ep-3"]);
    }

    [Fact]
    public async Task two_new_versions_imported_at_once_never_give_one_id_to_two_namesakes()
    {
        // Each version has a Zoe Park of its own (another Popolo id): whichever is stored first keeps the plain id.
        JsonObject Version(string popoloId) => new()
        {
            ["persons"] = new JsonArray(new JsonObject { ["id"] = popoloId, ["name"] = "Zoe Park" }),
            ["organizations"] = new JsonArray(new JsonObject { ["id"] = "assembly", ["name"] = "National Assembly", ["classification"] = "legislature" }),
            ["memberships"] = new JsonArray(new JsonObject { ["person_id"] = popoloId, ["organization_id"] = "assembly", ["start_date"] = "2014-01-01", ["role"] = "member" }),
        };

        var reports = await Task.WhenAll(
            ImportAsync(Version("ep-7"), FirstPublished),
            ImportAsync(Version("ep-8"), NewerPublished));

        var seven = (await PersonIdsAsync(reports[0]))["ep-7"];
        var eight = (await PersonIdsAsync(reports[1]))["ep-8"];
        seven.ShouldNotBe(eight, "two Popolo persons became one person");
        new[] { seven, eight }.Count(p => p == "zoe-park").ShouldBe(1);
        Count(reports[0], "peopleRegistered").ShouldBe(1);
        Count(reports[1], "peopleRegistered").ShouldBe(1);
    }

    private async Task<Dictionary<string, string>> PersonIdsAsync(JsonElement report)
    {
        using var response = await Get($"/api/sources/{report.GetProperty("sourceId").GetString()}");
        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        return (await Body(response)).GetProperty("personIds").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString()!);
    }

    [Fact]
    public async Task records_that_break_the_spec_are_reported_by_pointer_and_the_rest_imports()
    {
        var file = PopoloOracle.Nauru();
        var broken = (JsonObject)file.DeepClone();
        var persons = PopoloOracle.Array(broken, "persons");
        var memberships = PopoloOracle.Array(broken, "memberships");
        ((JsonObject)persons[3]!).Remove("name");
        memberships[5]!["person_id"] = "no-such-person";
        memberships[6]!["start_date"] = "2013-13-45";
        memberships[7] = "not a record";
        ((JsonObject)PopoloOracle.Array(broken, "organizations")[0]!)["name"] = 42;

        var report = await ImportAsync(broken);

        var rejected = RejectedPointers(report);
        rejected.ShouldContain("/persons/3");
        rejected.ShouldContain("/memberships/5");
        rejected.ShouldContain("/memberships/6");
        rejected.ShouldContain("/memberships/7");
        rejected.ShouldContain("/organizations/0");
        // What hangs on a rejected record is rejected too: the memberships of the nameless person and in the broken party.
        var brokenPerson = PopoloOracle.Text(PopoloOracle.Array(file, "persons")[3], "id");
        var brokenParty = PopoloOracle.Text(PopoloOracle.Array(file, "organizations")[0], "id");
        var hanging = memberships.Select((m, i) => (m, i))
            .Where(x => x.i is not (5 or 6 or 7) && (PopoloOracle.Text(x.m, "person_id") == brokenPerson || PopoloOracle.Text(x.m, "on_behalf_of_id") == brokenParty))
            .Select(x => $"/memberships/{x.i}").ToList();
        rejected.Order(StringComparer.Ordinal).ShouldBe(BrokenOnPurpose.Concat(hanging).Order(StringComparer.Ordinal));

        Count(report, "peopleRegistered").ShouldBe(PopoloOracle.Array(file, "persons").Count - 1);
        var exported = PopoloOracle.Array(await ExportAsync(), "memberships").Count;
        exported.ShouldBe(PopoloOracle.Array(file, "memberships").Count - 3 - hanging.Count);
    }

    [Fact]
    public async Task the_openapi_document_describes_the_import_the_export_and_the_pointer()
    {
        using var response = await Get("/openapi/v1.json");
        var document = await Body(response);
        var paths = document.GetProperty("paths");
        var import = paths.GetProperty("/api/imports/popolo").GetProperty("post");
        import.GetProperty("requestBody").GetProperty("content").TryGetProperty("application/json", out _).ShouldBeTrue(import.ToString());
        import.GetProperty("responses").TryGetProperty("200", out _).ShouldBeTrue();
        paths.GetProperty("/api/exports/popolo").GetProperty("get").GetProperty("responses").TryGetProperty("200", out _).ShouldBeTrue();
        var officeTaken = document.GetProperty("components").GetProperty("schemas").EnumerateObject()
            .Single(s => s.Value.TryGetProperty("properties", out var p) && p.TryGetProperty("type", out var t) && t.TryGetProperty("enum", out var e) && e[0].GetString() == "OfficeTaken").Value;
        officeTaken.GetProperty("properties").TryGetProperty("pointer", out _).ShouldBeTrue();
        officeTaken.GetProperty("required").EnumerateArray().Select(r => r.GetString()).ShouldNotContain("quote", "a structured source's claim gives a pointer instead");
    }

    [Fact]
    public async Task a_file_larger_than_any_other_request_imports_over_http()
    {
        // 300 people sitting in 40 terms: a country's file, well over the 1 MiB every other request is held to.
        var file = new JsonObject
        {
            ["persons"] = new JsonArray([.. Enumerable.Range(0, 300).Select(i => (JsonNode)new JsonObject { ["id"] = $"p{i}", ["name"] = $"Member Number {i:D4} of the Assembly" })]),
            ["organizations"] = new JsonArray(new JsonObject { ["id"] = "assembly", ["name"] = "National Assembly", ["classification"] = "legislature" }),
            ["events"] = new JsonArray([.. Enumerable.Range(1, 40).Select(t => (JsonNode)new JsonObject
            {
                ["id"] = $"term/{t}", ["name"] = $"Term {t}", ["classification"] = "legislative period", ["start_date"] = $"{1940 + t:D4}-01-01", ["end_date"] = $"{1940 + t:D4}-12-31",
            })]),
            ["memberships"] = new JsonArray([.. from p in Enumerable.Range(0, 300) from t in Enumerable.Range(1, 40) select (JsonNode)new JsonObject
            {
                ["person_id"] = $"p{p}", ["organization_id"] = "assembly", ["legislative_period_id"] = $"term/{t}", ["role"] = "member",
            }]),
        };
        var body = file.ToJsonString();
        Encoding.UTF8.GetByteCount(body).ShouldBeGreaterThan(1_048_576);

        using var response = await ImportRawAsync(body, $"source={Uri.EscapeDataString("https://assembly.example/popolo.json")}");

        response.StatusCode.ShouldBe(HttpStatusCode.OK, await TextAsync(response));
        var report = await Body(response);
        RejectedPointers(report).ShouldBeEmpty();
        Count(report, "peopleRegistered").ShouldBe(300);
        Count(report, "claimsAppended").ShouldBe(PopoloOracle.Claims(file));
        PopoloOracle.Claims(file).ShouldBe(300 * 40);
    }

    [Fact]
    public async Task a_file_over_the_import_limit_is_413_naming_the_command_and_imports_nothing()
    {
        var events = await AllEventsAsync();
        var nauru = PopoloOracle.Nauru().ToJsonString();
        await using var host = await AppFixture.StartHostAsync(App.ConnectionString, new Dictionary<string, string> { ["Timeline:MaxImportBytes"] = "50000" });
        using var admin = AppFixture.ClientFor(host);
        Encoding.UTF8.GetByteCount(nauru).ShouldBeGreaterThan(50_000);

        using var response = await admin.PostAsync($"/api/imports/popolo?source={Uri.EscapeDataString(Series)}", new StringContent(nauru, Encoding.UTF8, "application/json"), Ct);

        var problem = await ShouldBeProblemAsync(response, HttpStatusCode.RequestEntityTooLarge);
        problem.GetProperty("detail").GetString()!.ShouldContain("50000");
        problem.GetProperty("detail").GetString()!.ShouldContain("import popolo FILE");

        // Sent without a length (chunked), it is cut off while it is read: the same answer.
        using var chunked = new StreamContent(new MemoryStream(Encoding.UTF8.GetBytes(nauru)));
        chunked.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/imports/popolo?source={Uri.EscapeDataString(Series)}") { Content = chunked };
        request.Headers.TransferEncodingChunked = true;
        using var cut = await admin.SendAsync(request, Ct);
        var cutProblem = await ShouldBeProblemAsync(cut, HttpStatusCode.RequestEntityTooLarge);
        cutProblem.GetProperty("detail").GetString()!.ShouldContain("import popolo FILE");
        (await AllEventsAsync()).ShouldBe(events);
    }

    [Fact]
    public async Task a_file_that_is_not_popolo_is_refused_and_changes_nothing()
    {
        var events = await AllEventsAsync();
        using var notJson = await ImportRawAsync("{\"persons\": [", $"source={Uri.EscapeDataString(Series)}");
        (await ShouldBeProblemAsync(notJson, HttpStatusCode.BadRequest)).ToString().ShouldNotBeEmpty();
        using var noPersons = await ImportRawAsync("{\"memberships\": []}", $"source={Uri.EscapeDataString(Series)}");
        await ShouldBeProblemAsync(noPersons, HttpStatusCode.UnprocessableEntity);
        using var noSource = await ImportRawAsync(PopoloOracle.Nauru().ToJsonString(), "publisher=x");
        await ShouldBeProblemAsync(noSource, HttpStatusCode.UnprocessableEntity);
        // A version cannot have been published in the future.
        using var future = await ImportRawAsync(PopoloOracle.Nauru().ToJsonString(), $"source={Uri.EscapeDataString(Series)}&publishedAt=2999-01-01T00:00:00Z");
        (await ShouldBeProblemAsync(future, HttpStatusCode.UnprocessableEntity)).GetProperty("detail").GetString()!.ShouldContain("in the future");
        // Not even by hours: a version dated tomorrow would make every import made today an older version.
        var tomorrow = DateTimeOffset.UtcNow.AddHours(12).ToString("O", System.Globalization.CultureInfo.InvariantCulture);
        using var soon = await ImportRawAsync(PopoloOracle.Nauru().ToJsonString(), $"source={Uri.EscapeDataString(Series)}&publishedAt={Uri.EscapeDataString(tomorrow)}");
        await ShouldBeProblemAsync(soon, HttpStatusCode.UnprocessableEntity);
        (await AllEventsAsync()).ShouldBe(events);
    }
}
