using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Shouldly;
using Timeline.Tests.Infrastructure;
using Xunit;

namespace Timeline.Tests.Record;

/// <summary>The record's second pass over real HTTP: the reported clock, claimants who are people, reversals, HEAD and strict queries.</summary>
public sealed class SecondPassApiTests(AppFixture app) : RecordApiTest(app)
{
    private const string Jamal = "nasir-jamal";
    private const string LaterUrl = "https://example.org/2013/12/03/mqm-denies";
    private const string LaterText = "MQM Deputy Convener Nasir Jamal now said Kamal's resignation was confirmed by the party.";

    private async Task<(string Early, string Later)> GivenTwoSourcesAsync()
    {
        var early = await GivenPersonAndSourceAsync();
        using var person = await Post("/api/people", RecordApi.Person(Jamal, "Nasir Jamal"));
        person.StatusCode.ShouldBe(HttpStatusCode.Created);
        var laterSource = RecordApi.Source(LaterUrl, LaterText).With("publishedAt", "2013-12-03T10:00:00+05:00");
        using var later = await Post("/api/sources", laterSource);
        later.StatusCode.ShouldBe(HttpStatusCode.Created, await TextAsync(later));
        return (early, (await Body(later)).GetProperty("id").GetString()!);
    }

    private static JsonObject ByJamal(JsonObject claim) =>
        claim.With("claimant", new JsonObject { ["name"] = "Nasir Jamal", ["role"] = "Deputy Convener", ["personId"] = Jamal });

    [Fact]
    public async Task reported_at_answers_what_the_sources_published_by_that_day_said()
    {
        var (early, later) = await GivenTwoSourcesAsync();
        await GivenClaimAsync(RecordApi.Claim(early));
        await GivenClaimAsync(RecordApi.Claim(early, quote: RecordApi.DeniedQuote).With("type", "ResignationDenied"));
        await GivenClaimAsync(RecordApi.Claim(later, quote: "Kamal's resignation was confirmed by the party").With("type", "ResignationAccepted").With("validTime", "2013-12"));

        var then = await Body(await Get($"/api/people/{PersonId}?reportedAt=2013-12-01"));
        then.GetProperty("reportedAt").GetString().ShouldBe("2013-12-01");
        then.GetProperty("openContradictions").GetInt32().ShouldBe(1);

        var now = await Body(await Get($"/api/people/{PersonId}"));
        now.GetProperty("openContradictions").GetInt32().ShouldBe(0, "the body's acceptance, published on 2013-12-03, settles it");

        var open = await Body(await Get($"/api/contradictions?person={PersonId}&reportedAt=2013-12-02"));
        open.GetProperty("count").GetInt32().ShouldBe(1);
        (await Body(await Get($"/api/contradictions?person={PersonId}"))).GetProperty("count").GetInt32().ShouldBe(0);

        var timeline = await Body(await Get($"/api/people/{PersonId}/timeline?reportedAt=2013-12-02"));
        timeline.GetProperty("entries").GetArrayLength().ShouldBe(2);
        (await Body(await Get($"/api/people/{PersonId}/timeline?reportedAt=2013-11-30"))).GetProperty("entries").GetArrayLength().ShouldBe(0);
    }

    [Fact]
    public async Task a_claimant_linked_to_a_person_lists_their_statements_and_their_reversal()
    {
        var (early, later) = await GivenTwoSourcesAsync();
        var denied = await GivenClaimAsync(ByJamal(RecordApi.Claim(early, quote: RecordApi.DeniedQuote).With("type", "ResignationDenied")));
        var confirmed = await GivenClaimAsync(ByJamal(RecordApi.Claim(later, quote: "Kamal's resignation was confirmed by the party")
            .With("type", "ResignationConfirmed").With("validTime", "2013-12")));

        var statements = await Body(await Get($"/api/people/{Jamal}/statements"));
        statements.GetProperty("items").EnumerateArray().Select(c => c.GetProperty("id").GetString())
            .ShouldBe([denied.GetProperty("id").GetString(), confirmed.GetProperty("id").GetString()]);
        (await Body(await Get($"/api/people/{PersonId}/statements"))).GetProperty("count").GetInt32().ShouldBe(0);

        var reversals = await Body(await Get($"/api/reversals?claimant={Jamal}"));
        var reversal = reversals.GetProperty("items").EnumerateArray().ShouldHaveSingleItem().GetProperty("reversal");
        reversal.GetProperty("before").GetProperty("attribution").GetProperty("quote").GetString().ShouldBe(RecordApi.DeniedQuote);
        reversal.GetProperty("after").GetProperty("attribution").GetProperty("source").GetProperty("url").GetString().ShouldBe(LaterUrl);
        (await Body(await Get("/api/reversals?claimant=someone-else"))).GetProperty("count").GetInt32().ShouldBe(0);

        var contradiction = (await Body(await Get($"/api/contradictions?person={PersonId}"))).GetProperty("items").EnumerateArray().ShouldHaveSingleItem();
        contradiction.GetProperty("reversals").GetArrayLength().ShouldBe(1);
    }

    [Fact]
    public async Task an_unknown_claimant_person_is_refused_and_changes_nothing()
    {
        var source = await GivenPersonAndSourceAsync();
        var before = await StateAsync();

        using var response = await AppendAsync(ByJamal(RecordApi.Claim(source)));

        var problem = await ShouldBeProblemAsync(response, HttpStatusCode.UnprocessableEntity);
        FieldErrors(problem, "claimant.personId").ShouldHaveSingleItem().ShouldContain(Jamal);
        await NothingAppendedSinceAsync(before);
    }

    [Fact]
    public async Task every_get_answers_head_with_its_headers_and_no_body()
    {
        var source = await GivenPersonAndSourceAsync();
        await GivenClaimAsync(RecordApi.Claim(source));

        foreach (var url in new[] { $"/api/people/{PersonId}", $"/api/people/{PersonId}/timeline", "/api/contradictions", $"/api/claims?person={PersonId}" })
        {
            using var get = await Get(url);
            using var head = await Http.SendAsync(new HttpRequestMessage(HttpMethod.Head, url), Ct);
            head.StatusCode.ShouldBe(HttpStatusCode.OK, url);
            head.Headers.ETag.ShouldNotBeNull(url).ShouldBe(get.Headers.ETag);
            (await head.Content.ReadAsByteArrayAsync(Ct)).ShouldBeEmpty(url);
        }
    }

    [Fact]
    public async Task head_on_the_change_stream_answers_its_headers_and_ends()
    {
        using var bounded = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        bounded.CancelAfter(TimeSpan.FromSeconds(20));

        using var head = await Http.SendAsync(new HttpRequestMessage(HttpMethod.Head, "/api/changes/stream"), bounded.Token);

        head.StatusCode.ShouldBe(HttpStatusCode.OK);
        head.Content.Headers.ContentType.ShouldNotBeNull().MediaType.ShouldBe("text/event-stream");
        (await head.Content.ReadAsByteArrayAsync(bounded.Token)).ShouldBeEmpty();
    }

    [Theory]
    [InlineData("/api/people/mustafa-kamal?validat=2008-06-01", "validat")]
    [InlineData("/api/people/mustafa-kamal/timeline?recorded=2013-12-01", "recorded")]
    [InlineData("/api/contradictions?persn=mustafa-kamal", "persn")]
    [InlineData("/api/claims?after=1&sort=asc", "sort")]
    public async Task a_query_parameter_the_route_does_not_read_is_a_400(string url, string unknown)
    {
        await GivenPersonAndSourceAsync();

        using var response = await Get(url);

        var problem = await ShouldBeProblemAsync(response, HttpStatusCode.BadRequest);
        problem.GetProperty("detail").GetString().ShouldNotBeNull().ShouldContain($"'{unknown}'");
    }

    [Fact]
    public async Task the_openapi_document_gives_each_claim_type_its_own_body()
    {
        var document = await Body(await Get("/openapi/v1.json"));
        var schemas = document.GetProperty("components").GetProperty("schemas");

        var request = schemas.GetProperty("AppendClaimRequest");
        request.GetProperty("discriminator").GetProperty("propertyName").GetString().ShouldBe("type");
        var mapping = request.GetProperty("discriminator").GetProperty("mapping");
        foreach (var type in new[] { "OfficeTaken", "OfficeHeld", "OfficeLeft", "ResignationDenied", "StatementMade", "ClaimDisputed", "ClaimRetracted" })
        {
            mapping.TryGetProperty(type, out _).ShouldBeTrue(type);
        }

        request.GetProperty("oneOf").GetArrayLength().ShouldBe(mapping.EnumerateObject().Count());
        Required(schemas, "OfficeLeftBody").ShouldBe(["cause", "claimant", "office", "sourceId", "type", "validTime"]);
        Required(schemas, "PartyJoinedBody").ShouldBe(["claimant", "party", "sourceId", "type"]);
        // Either a quote (free-text source) or a record pointer (structured source).
        schemas.GetProperty("PartyJoinedBody").GetProperty("anyOf").EnumerateArray().Select(a => a.GetProperty("required")[0].GetString()).ShouldBe(["quote", "pointer"]);
        schemas.GetProperty("OfficeTakenBody").GetProperty("properties").TryGetProperty("scheduledEnd", out _).ShouldBeTrue();
        schemas.GetProperty("PartyJoinedBody").GetProperty("properties").TryGetProperty("office", out _).ShouldBeFalse();
    }

    private static string[] Required(JsonElement schemas, string name) =>
        [.. schemas.GetProperty(name).GetProperty("required").EnumerateArray().Select(e => e.GetString()!).Order(StringComparer.Ordinal)];
}
