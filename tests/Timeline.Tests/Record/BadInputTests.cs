using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Shouldly;
using Timeline.Tests.Infrastructure;
using Xunit;

namespace Timeline.Tests.Record;

/// <summary>Each malformed or impossible claim is refused with problem+json and leaves the record as it was.</summary>
public sealed class BadInputTests(AppFixture app) : RecordApiTest(app)
{
    private async Task<(string SourceId, RecordState Before)> GivenARecordAsync()
    {
        var sourceId = await GivenPersonAndSourceAsync();
        await GivenClaimAsync(RecordApi.Claim(sourceId));
        return (sourceId, await StateAsync());
    }

    private async Task<System.Text.Json.JsonElement> ShouldBeRefusedAsync(JsonObject claim, HttpStatusCode status, RecordState before, string personId = PersonId)
    {
        using var response = await AppendAsync(claim, personId);
        var problem = await ShouldBeProblemAsync(response, status);
        await NothingAppendedSinceAsync(before, personId);
        return problem;
    }

    [Fact]
    public async Task a_claim_about_an_unknown_person_is_404_and_opens_no_stream()
    {
        var (sourceId, _) = await GivenARecordAsync();
        var before = await StateAsync("nobody-known");

        var problem = await ShouldBeRefusedAsync(RecordApi.Claim(sourceId), HttpStatusCode.NotFound, before, "nobody-known");

        problem.GetProperty("detail").GetString()!.ShouldContain("nobody-known");
    }

    [Fact]
    public async Task an_unknown_claim_type_is_422_and_appends_nothing()
    {
        var (sourceId, before) = await GivenARecordAsync();

        var problem = await ShouldBeRefusedAsync(RecordApi.Claim(sourceId).With("type", "ResignationImagined"), (HttpStatusCode)422, before);

        FieldErrors(problem, "type").ShouldContain(m => m.Contains("ResignationImagined"));
    }

    [Fact]
    public async Task an_impossible_date_is_422_and_appends_nothing()
    {
        var (sourceId, before) = await GivenARecordAsync();

        var problem = await ShouldBeRefusedAsync(RecordApi.Claim(sourceId).With("validTime", "2013-02-30"), (HttpStatusCode)422, before);

        FieldErrors(problem, "validTime").ShouldContain(m => m.Contains("2013-02-30"));
    }

    [Fact]
    public async Task a_reversed_interval_is_422_and_appends_nothing()
    {
        var (sourceId, before) = await GivenARecordAsync();

        var problem = await ShouldBeRefusedAsync(RecordApi.Claim(sourceId).With("validTime", "2010/2005"), (HttpStatusCode)422, before);

        FieldErrors(problem, "validTime").ShouldContain(m => m.Contains("2010/2005"));
    }

    private static JsonObject SenatorTaken(string sourceId, string validTime) =>
        RecordApi.Claim(sourceId, quote: "MQM Senator Syed Mustafa Kamal").With("type", "OfficeTaken").With("validTime", validTime);

    [Fact]
    public async Task a_term_due_to_end_before_it_began_is_422_naming_scheduledEnd_and_appends_nothing()
    {
        var (sourceId, before) = await GivenARecordAsync();

        var problem = await ShouldBeRefusedAsync(SenatorTaken(sourceId, "2013").With("scheduledEnd", "1990"), (HttpStatusCode)422, before);
        var open = await ShouldBeRefusedAsync(SenatorTaken(sourceId, "2013-06/").With("scheduledEnd", "2013-05-31"), (HttpStatusCode)422, before);

        FieldErrors(problem, "scheduledEnd").ShouldContain(m => m.Contains("1990") && m.Contains("2013"));
        FieldErrors(open, "scheduledEnd");
        // Due to end in the year it began: the end's last day is not before the start's first, so it stands.
        await GivenClaimAsync(SenatorTaken(sourceId, "2013-06").With("scheduledEnd", "2013"));
    }

    [Fact]
    public async Task a_number_sent_as_a_string_is_400_malformed_json_naming_the_field_and_appends_nothing()
    {
        var (sourceId, before) = await GivenARecordAsync();

        using var response = await AppendAsync(SenatorTaken(sourceId, "2013").With("term", "3"));

        var problem = await ShouldBeProblemAsync(response, HttpStatusCode.BadRequest);
        problem.GetProperty("type").GetString().ShouldEndWith("/malformed-json");
        problem.GetProperty("detail").GetString()!.ShouldContain("$.term");
        await NothingAppendedSinceAsync(before);
        (await GivenClaimAsync(SenatorTaken(sourceId, "2013").With("term", 3))).GetProperty("version").GetInt64().ShouldBe(before.Stream!.Count + 1);
        // Query strings are text by nature: their numbers are read as before.
        using var page = await Get($"/api/people/{PersonId}/events?after=1&limit=1");
        page.StatusCode.ShouldBe(HttpStatusCode.OK, await TextAsync(page));
    }

    [Fact]
    public async Task a_claim_without_a_source_id_is_422_and_appends_nothing()
    {
        var (sourceId, before) = await GivenARecordAsync();

        var problem = await ShouldBeRefusedAsync(RecordApi.Claim(sourceId).Without("sourceId"), (HttpStatusCode)422, before);

        FieldErrors(problem, "sourceId");
    }

    [Fact]
    public async Task a_claim_citing_an_unregistered_source_is_422_and_appends_nothing()
    {
        var (_, before) = await GivenARecordAsync();

        var problem = await ShouldBeRefusedAsync(RecordApi.Claim("src-0000000000000000"), (HttpStatusCode)422, before);

        FieldErrors(problem, "sourceId").ShouldContain(m => m.Contains("src-0000000000000000"));
    }

    [Fact]
    public async Task a_quote_that_is_not_in_the_source_is_422_saying_so_and_appends_nothing()
    {
        var (sourceId, before) = await GivenARecordAsync();

        var problem = await ShouldBeRefusedAsync(
            RecordApi.Claim(sourceId, quote: "Mustafa Kamal has withdrawn his resignation"), (HttpStatusCode)422, before);

        problem.GetProperty("type").GetString().ShouldEndWith("quote-not-in-source");
        problem.GetProperty("title").GetString()!.ToLowerInvariant().ShouldContain("quote");
        problem.GetProperty("detail").GetString()!.ShouldContain(sourceId);
    }

    [Fact]
    public async Task a_claim_without_a_quote_is_422_and_appends_nothing()
    {
        var (sourceId, before) = await GivenARecordAsync();

        var problem = await ShouldBeRefusedAsync(RecordApi.Claim(sourceId).Without("quote"), (HttpStatusCode)422, before);

        FieldErrors(problem, "quote");
    }

    [Fact]
    public async Task a_malformed_json_body_is_400_and_appends_nothing()
    {
        var (sourceId, before) = await GivenARecordAsync();
        var truncated = RecordApi.Claim(sourceId).ToJsonString()[..40];

        using var response = await PostRaw($"/api/people/{PersonId}/claims", new StringContent(truncated, Encoding.UTF8, "application/json"));

        await ShouldBeProblemAsync(response, HttpStatusCode.BadRequest);
        await NothingAppendedSinceAsync(before);
    }

    [Theory]
    [InlineData("/api/claims/not-a-guid")]
    [InlineData("/api/no-such-thing")]
    public async Task a_path_no_route_matches_is_a_404_problem_naming_the_path(string path)
    {
        using var response = await Get(path);

        var problem = await ShouldBeProblemAsync(response, HttpStatusCode.NotFound);
        problem.GetProperty("type").GetString().ShouldEndWith("/not-found");
        problem.GetProperty("detail").GetString()!.ShouldContain(path);
    }

    [Fact]
    public async Task a_misspelt_field_is_400_naming_it_and_appends_nothing()
    {
        var (sourceId, before) = await GivenARecordAsync();
        var claim = RecordApi.Claim(sourceId).With("scheduled_end", "2015-03");

        using var response = await AppendAsync(claim);

        var problem = await ShouldBeProblemAsync(response, HttpStatusCode.BadRequest);
        problem.GetProperty("type").GetString().ShouldEndWith("/malformed-json");
        problem.GetProperty("detail").GetString()!.ShouldContain("'scheduled_end'");
        await NothingAppendedSinceAsync(before);
    }

    [Fact]
    public async Task a_field_sent_twice_is_400_and_appends_nothing()
    {
        var (sourceId, before) = await GivenARecordAsync();
        var json = RecordApi.Claim(sourceId).ToJsonString();
        var twice = json.Insert(1, "\"office\":\"Mayor\",");

        using var response = await PostRaw($"/api/people/{PersonId}/claims", new StringContent(twice, Encoding.UTF8, "application/json"));

        var problem = await ShouldBeProblemAsync(response, HttpStatusCode.BadRequest);
        problem.GetProperty("detail").GetString()!.ShouldContain("'office' is sent more than once");
        await NothingAppendedSinceAsync(before);
    }

    [Theory]
    [InlineData("/api/people", "{\"id\":\"jane-doe\",\"name\":5}", "$.name")]
    [InlineData("/api/sources", "{\"url\":\"https://example.org/a\",\"publisher\":\"P\",\"title\":\"T\",\"publishedAt\":\"2020-02-30\",\"text\":\"t\"}", "$.publishedAt")]
    public async Task a_value_of_the_wrong_type_is_400_naming_the_field_not_the_servers_types(string route, string json, string path)
    {
        var (_, before) = await GivenARecordAsync();

        using var response = await PostRaw(route, new StringContent(json, Encoding.UTF8, "application/json"));

        var problem = await ShouldBeProblemAsync(response, HttpStatusCode.BadRequest);
        problem.GetProperty("type").GetString().ShouldEndWith("/malformed-json");
        var detail = problem.GetProperty("detail").GetString()!;
        detail.ShouldContain(path);
        detail.ShouldNotContain("Timeline.");
        await NothingAppendedSinceAsync(before);
    }

    [Theory]
    [InlineData("null")]
    [InlineData("[]")]
    [InlineData("\"a claim\"")]
    [InlineData("42")]
    [InlineData("{\"type\":\"ResignationTendered\",\"claimant\":\"The Nation\"}")]
    [InlineData("{\"type\":\"ResignationTendered\",\"validTime\":2013}")]
    [InlineData("{\"type\":\"ResignationTendered\",\"claimId\":\"not-a-guid\"}")]
    public async Task a_body_that_is_not_a_claim_object_is_a_4xx_problem_and_appends_nothing(string json)
    {
        var (_, before) = await GivenARecordAsync();

        using var response = await PostRaw($"/api/people/{PersonId}/claims", new StringContent(json, Encoding.UTF8, "application/json"));

        ((int)response.StatusCode).ShouldBeInRange(400, 499, await TextAsync(response));
        response.Content.Headers.ContentType.ShouldNotBeNull().MediaType.ShouldBe(RecordApi.ProblemJson);
        await NothingAppendedSinceAsync(before);
    }

    [Theory]
    [InlineData("/api/people")]
    [InlineData("/api/sources")]
    [InlineData("/api/claims/{claim}/rulings")]
    public async Task a_json_null_body_on_the_other_writes_is_a_4xx_problem_and_appends_nothing(string route)
    {
        await GivenARecordAsync();
        var claimId = (await EventsAsync())[^1].EntryId;
        var before = await StateAsync();

        using var response = await PostRaw(route.Replace("{claim}", claimId.ToString()), new StringContent("null", Encoding.UTF8, "application/json"));

        ((int)response.StatusCode).ShouldBeInRange(400, 499, await TextAsync(response));
        response.Content.Headers.ContentType.ShouldNotBeNull().MediaType.ShouldBe(RecordApi.ProblemJson);
        await NothingAppendedSinceAsync(before);
    }

    [Fact]
    public async Task a_text_plain_body_is_415_and_appends_nothing()
    {
        var (sourceId, before) = await GivenARecordAsync();

        using var response = await PostRaw($"/api/people/{PersonId}/claims", new StringContent(RecordApi.Claim(sourceId).ToJsonString(), Encoding.UTF8, "text/plain"));

        await ShouldBeProblemAsync(response, HttpStatusCode.UnsupportedMediaType);
        await NothingAppendedSinceAsync(before);
    }

    [Fact]
    public async Task a_body_over_the_size_limit_is_413_and_appends_nothing()
    {
        var (sourceId, before) = await GivenARecordAsync();
        var padded = RecordApi.Claim(sourceId).With("statement", new string('x', 1_200_000)).ToJsonString();
        Encoding.UTF8.GetByteCount(padded).ShouldBeGreaterThan(1_048_576);

        using var response = await PostRaw($"/api/people/{PersonId}/claims", new StringContent(padded, Encoding.UTF8, "application/json"));

        var problem = await ShouldBeProblemAsync(response, HttpStatusCode.RequestEntityTooLarge);
        problem.GetProperty("detail").GetString()!.ShouldContain("1048576");
        await NothingAppendedSinceAsync(before);
    }

    [Fact]
    public async Task a_person_id_in_the_route_that_is_not_a_slug_is_400_and_appends_nothing()
    {
        var (sourceId, before) = await GivenARecordAsync();

        using var response = await AppendAsync(RecordApi.Claim(sourceId), personId: "Mustafa_Kamal");

        var problem = await ShouldBeProblemAsync(response, HttpStatusCode.BadRequest);
        problem.GetProperty("detail").GetString()!.ShouldContain("Mustafa_Kamal");
        await NothingAppendedSinceAsync(before);
    }

    [Fact]
    public async Task a_retraction_without_a_reason_is_422_and_appends_nothing()
    {
        var sourceId = await GivenPersonAndSourceAsync();
        var target = (await GivenClaimAsync(RecordApi.Claim(sourceId))).GetProperty("id").GetGuid();
        var before = await StateAsync();
        var retraction = RecordApi.Claim(sourceId).With("type", "ClaimRetracted").With("targetClaimId", target.ToString());

        var problem = await ShouldBeRefusedAsync(retraction, (HttpStatusCode)422, before);

        FieldErrors(problem, "reason");
        using var valid = await AppendAsync(retraction.With("reason", "The reporter withdrew the story."));
        valid.StatusCode.ShouldBe(HttpStatusCode.Created, "the same retraction with a reason is accepted: " + await TextAsync(valid));
    }

    [Fact]
    public async Task a_dispute_of_an_unknown_claim_is_422_and_appends_nothing()
    {
        var (sourceId, before) = await GivenARecordAsync();
        var unknown = Guid.NewGuid();
        var dispute = RecordApi.Claim(sourceId, quote: RecordApi.DeniedQuote).With("type", "ClaimDisputed").With("targetClaimId", unknown.ToString());

        var problem = await ShouldBeRefusedAsync(dispute, (HttpStatusCode)422, before);

        FieldErrors(problem, "targetClaimId").ShouldContain(m => m.Contains(unknown.ToString()));
    }

    [Theory]
    [InlineData("/api/people")]
    [InlineData("/api/sources")]
    [InlineData("/api/people/{person}/claims")]
    [InlineData("/api/claims/{claim}/rulings")]
    public async Task a_query_parameter_a_write_does_not_read_is_400_naming_it_and_writes_nothing(string route)
    {
        var (sourceId, _) = await GivenARecordAsync();
        var claimId = (await EventsAsync())[^1].EntryId!.Value;
        var before = await StateAsync();
        var (path, body) = route switch
        {
            "/api/people" => (route, RecordApi.Person("x3", "X")),
            "/api/sources" => (route, RecordApi.Source("https://example.org/another")),
            "/api/people/{person}/claims" => ($"/api/people/{PersonId}/claims", RecordApi.Claim(sourceId)),
            _ => ($"/api/claims/{claimId}/rulings", RecordApi.Ruling()),
        };

        using var response = await PostRaw($"{path}?bogus=1", new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json"));

        var problem = await ShouldBeProblemAsync(response, HttpStatusCode.BadRequest);
        problem.GetProperty("type").GetString().ShouldEndWith("/unknown-query-parameter");
        problem.GetProperty("detail").GetString()!.ShouldContain("'bogus'");
        problem.GetProperty("detail").GetString()!.ShouldContain("no query parameters");
        problem.GetProperty("detail").GetString()!.ShouldContain("Nothing was changed");
        await NothingAppendedSinceAsync(before);
        using var x3 = await Get("/api/people/x3");
        x3.StatusCode.ShouldBe(HttpStatusCode.NotFound, "a refused registration registered the person");
        (await ClaimsAboutAsync()).Single().GetProperty("rulings").GetArrayLength().ShouldBe(0, "a refused ruling was recorded");
        using var another = await Get($"/api/sources/{Timeline.Sources.SourceDocument.IdFor(new Uri("https://example.org/another"))}");
        another.StatusCode.ShouldBe(HttpStatusCode.NotFound, "a refused registration stored the source");
    }

    [Fact]
    public async Task an_import_with_a_misspelled_published_at_is_400_naming_the_parameters_it_reads_and_imports_nothing()
    {
        var before = await AllEventsAsync();
        var query = $"source={Uri.EscapeDataString(Timeline.Tests.Interop.PopoloImportTests.Series)}&published-at=2019-01-01";

        using var response = await PostRaw($"/api/imports/popolo?{query}",
            new StringContent(Timeline.Tests.Interop.PopoloOracle.Nauru().ToJsonString(), Encoding.UTF8, "application/json"));

        var problem = await ShouldBeProblemAsync(response, HttpStatusCode.BadRequest);
        var detail = problem.GetProperty("detail").GetString()!;
        detail.ShouldContain("'published-at'");
        foreach (var known in new[] { "publishedAt", "publisher", "source", "title" }) detail.ShouldContain(known);
        problem.GetProperty("known").EnumerateArray().Select(k => k.GetString()).ShouldBe(["publishedAt", "publisher", "source", "title"]);
        (await AllEventsAsync()).ShouldBe(before, "a refused import appended events");
    }

    [Theory]
    [InlineData("/api/claims?person=NOPE")]
    [InlineData("/api/contradictions?person=Mustafa%20Kamal")]
    [InlineData("/api/reversals?person=a--b")]
    public async Task a_person_filter_that_is_no_person_id_is_a_problem_not_an_empty_list(string url)
    {
        using var response = await Get(url);
        var problem = await ShouldBeProblemAsync(response, HttpStatusCode.BadRequest);
        problem.GetProperty("detail").GetString()!.ShouldContain("is not a person id");
    }
}
