using System.Net;
using System.Text.Json.Nodes;
using Shouldly;
using Timeline.Tests.Infrastructure;
using Xunit;

namespace Timeline.Tests.Record;

public sealed class AppendClaimTests(AppFixture app) : RecordApiTest(app)
{
    [Fact]
    public async Task appending_a_claim_is_201_with_its_id_version_and_sequence_and_it_is_on_record()
    {
        var sourceId = await GivenPersonAndSourceAsync();
        var registered = (await EventsAsync()).ShouldHaveSingleItem();

        using var response = await AppendAsync(RecordApi.Claim(sourceId));

        response.StatusCode.ShouldBe(HttpStatusCode.Created, await TextAsync(response));
        var body = await Body(response);
        var claimId = body.GetProperty("id").GetGuid();
        claimId.ShouldNotBe(Guid.Empty);
        body.GetProperty("version").GetInt64().ShouldBe(registered.Version + 1);
        var sequence = body.GetProperty("sequence").GetInt64();
        sequence.ShouldBeGreaterThan(registered.Sequence);
        response.Headers.Location.ShouldNotBeNull().OriginalString.ShouldBe($"/api/claims/{claimId}");

        var stream = await EventsAsync();
        stream.Count.ShouldBe(2);
        var appended = stream[^1];
        appended.Version.ShouldBe(2);
        appended.Sequence.ShouldBe(sequence);
        appended.EntryId.ShouldBe(claimId);
        var attribution = appended.Data.GetProperty("claim").GetProperty("attribution");
        attribution.GetProperty("source").GetProperty("id").GetString().ShouldBe(sourceId);
        attribution.GetProperty("quote").GetString().ShouldBe(RecordApi.TenderedQuote);

        var listed = (await ClaimsAboutAsync()).ShouldHaveSingleItem();
        listed.GetProperty("id").GetGuid().ShouldBe(claimId);
        listed.GetProperty("type").GetString().ShouldBe("ResignationTendered");
        listed.GetProperty("version").GetInt64().ShouldBe(2);
        listed.GetProperty("sequence").GetInt64().ShouldBe(sequence);
    }

    [Fact]
    public async Task a_second_claim_gets_the_next_version_and_a_later_sequence()
    {
        var sourceId = await GivenPersonAndSourceAsync();
        var first = await GivenClaimAsync(RecordApi.Claim(sourceId));

        var second = await GivenClaimAsync(RecordApi.Claim(sourceId, quote: RecordApi.ConfirmedQuote).With("type", "ResignationConfirmed"));

        second.GetProperty("version").GetInt64().ShouldBe(first.GetProperty("version").GetInt64() + 1);
        second.GetProperty("sequence").GetInt64().ShouldBeGreaterThan(first.GetProperty("sequence").GetInt64());
        (await EventsAsync()).Select(e => e.Version).ShouldBe([1, 2, 3]);
    }

    [Fact]
    public async Task retrying_a_claim_id_with_the_same_content_answers_the_same_and_appends_once()
    {
        var sourceId = await GivenPersonAndSourceAsync();
        var claimId = Guid.NewGuid();
        using var first = await AppendAsync(RecordApi.Claim(sourceId, claimId));
        first.StatusCode.ShouldBe(HttpStatusCode.Created, await TextAsync(first));
        var firstBody = await TextAsync(first);

        using var retry = await AppendAsync(RecordApi.Claim(sourceId, claimId));

        retry.StatusCode.ShouldBe(HttpStatusCode.Created, await TextAsync(retry));
        (await TextAsync(retry)).ShouldBe(firstBody);
        var stream = await EventsAsync();
        stream.Count(e => e.EntryId == claimId).ShouldBe(1);
        stream.Count.ShouldBe(2);
    }

    [Fact]
    public async Task reusing_a_claim_id_for_different_content_is_409_and_appends_nothing()
    {
        var sourceId = await GivenPersonAndSourceAsync();
        var claimId = Guid.NewGuid();
        await GivenClaimAsync(RecordApi.Claim(sourceId, claimId));
        var before = await StateAsync();

        using var other = await AppendAsync(RecordApi.Claim(sourceId, claimId, RecordApi.ConfirmedQuote).With("type", "ResignationConfirmed"));

        var problem = await ShouldBeProblemAsync(other, HttpStatusCode.Conflict);
        problem.GetProperty("detail").GetString()!.ShouldContain(claimId.ToString());
        await NothingAppendedSinceAsync(before);
        (await EventsAsync())[^1].Data.GetProperty("claim").GetProperty("attribution").GetProperty("quote").GetString().ShouldBe(RecordApi.TenderedQuote);
    }

    [Fact]
    public async Task reusing_a_claim_id_of_another_person_is_409_and_appends_nothing()
    {
        var sourceId = await GivenPersonAndSourceAsync();
        using (var other = await Post("/api/people", RecordApi.Person("nasir-jamal", "Nasir Jamal"))) other.StatusCode.ShouldBe(HttpStatusCode.Created);
        var claimId = Guid.NewGuid();
        await GivenClaimAsync(RecordApi.Claim(sourceId, claimId));
        var before = await StateAsync("nasir-jamal");

        using var response = await AppendAsync(RecordApi.Claim(sourceId, claimId), personId: "nasir-jamal");

        await ShouldBeProblemAsync(response, HttpStatusCode.Conflict);
        await NothingAppendedSinceAsync(before, "nasir-jamal");
    }

    [Fact]
    public async Task the_location_of_a_retraction_leads_to_a_resource_that_exists()
    {
        var sourceId = await GivenPersonAndSourceAsync();
        var target = (await GivenClaimAsync(RecordApi.Claim(sourceId))).GetProperty("id").GetGuid();
        var retraction = RecordApi.Claim(sourceId).With("type", "ClaimRetracted").With("targetClaimId", target.ToString())
            .With("reason", "The reporter withdrew the story.");
        using var response = await AppendAsync(retraction);
        response.StatusCode.ShouldBe(HttpStatusCode.Created, await TextAsync(response));
        var location = response.Headers.Location.ShouldNotBeNull();

        using var read = await Get(location.OriginalString);

        read.StatusCode.ShouldBe(HttpStatusCode.OK, $"201 Location {location} of the retraction: {await TextAsync(read)}");
    }

    [Fact]
    public async Task retracting_an_already_retracted_claim_is_409_and_appends_nothing()
    {
        var sourceId = await GivenPersonAndSourceAsync();
        var target = (await GivenClaimAsync(RecordApi.Claim(sourceId))).GetProperty("id").GetGuid();
        var retraction = RecordApi.Claim(sourceId).With("type", "ClaimRetracted").With("targetClaimId", target.ToString())
            .With("reason", "The reporter withdrew the story.");
        await GivenClaimAsync(retraction);
        var before = await StateAsync();

        using var again = await AppendAsync(retraction);

        await ShouldBeProblemAsync(again, HttpStatusCode.Conflict);
        await NothingAppendedSinceAsync(before);
    }

    private const string RivalText = "ISLAMABAD - Engineer Nasir Jamal said on Tuesday: I take back what I said about the Senator. Our editor said the report of the resignation was wrong.\n";

    private async Task<string> GivenRivalSourceAsync()
    {
        using var source = await Post("/api/sources", RecordApi.Source("https://example.org/rival/2013/12/03", RivalText)
            .With("publisher", "Rival Daily").With("publishedAt", "2013-12-03T09:00:00+05:00"));
        source.StatusCode.ShouldBe(HttpStatusCode.Created, await TextAsync(source));
        return (await Body(source)).GetProperty("id").GetString()!;
    }

    [Fact]
    public async Task a_retraction_by_another_publisher_about_someone_elses_claim_is_422_and_appends_nothing()
    {
        var sourceId = await GivenPersonAndSourceAsync();
        var rival = await GivenRivalSourceAsync();
        var target = (await GivenClaimAsync(RecordApi.Claim(sourceId))).GetProperty("id").GetGuid();
        var before = await StateAsync();

        using var response = await AppendAsync(new JsonObject
        {
            ["type"] = "ClaimRetracted", ["targetClaimId"] = target.ToString(), ["reason"] = "We say it is wrong.", ["sourceId"] = rival,
            ["claimant"] = new JsonObject { ["name"] = "Rival Editor" }, ["quote"] = "the report of the resignation was wrong",
        });

        var problem = await ShouldBeProblemAsync(response, HttpStatusCode.UnprocessableEntity);
        problem.GetRawText().ShouldContain("The Nation");
        problem.GetRawText().ShouldContain("ClaimDisputed");
        await NothingAppendedSinceAsync(before);
    }

    [Fact]
    public async Task the_claimant_takes_back_a_statement_in_another_publishers_source()
    {
        var sourceId = await GivenPersonAndSourceAsync();
        var rival = await GivenRivalSourceAsync();
        var denial = RecordApi.Claim(sourceId, quote: RecordApi.DeniedQuote).With("type", "ResignationDenied")
            .With("claimant", new JsonObject { ["name"] = "Engineer Nasir Jamal", ["role"] = "Deputy Convener", ["affiliation"] = "MQM" });
        var target = (await GivenClaimAsync(denial)).GetProperty("id").GetGuid();

        using var response = await AppendAsync(new JsonObject
        {
            ["type"] = "ClaimRetracted", ["targetClaimId"] = target.ToString(), ["reason"] = "He took it back.", ["sourceId"] = rival,
            ["claimant"] = new JsonObject { ["name"] = "Engineer Nasir Jamal" }, ["quote"] = "I take back what I said about the Senator",
        });

        response.StatusCode.ShouldBe(HttpStatusCode.Created, await TextAsync(response));
        using var claim = await Get($"/api/claims/{target}");
        (await Body(claim)).GetProperty("isRetracted").GetBoolean().ShouldBeTrue("the claim page and contest view show it as retracted");
    }

    [Fact]
    public async Task an_anonymous_retraction_from_another_publisher_does_not_pass_for_an_anonymous_claimant()
    {
        var sourceId = await GivenPersonAndSourceAsync();
        var rival = await GivenRivalSourceAsync();
        var anonymous = new JsonObject { ["anonymous"] = true };
        var target = (await GivenClaimAsync(RecordApi.Claim(sourceId).With("claimant", anonymous.DeepClone()))).GetProperty("id").GetGuid();
        var before = await StateAsync();

        using var response = await AppendAsync(new JsonObject
        {
            ["type"] = "ClaimRetracted", ["targetClaimId"] = target.ToString(), ["reason"] = "Not true.", ["sourceId"] = rival,
            ["claimant"] = anonymous.DeepClone(), ["quote"] = "the report of the resignation was wrong",
        });

        await ShouldBeProblemAsync(response, HttpStatusCode.UnprocessableEntity);
        await NothingAppendedSinceAsync(before);
    }

    [Fact]
    public async Task a_correction_from_the_same_publisher_spelt_differently_is_accepted()
    {
        var sourceId = await GivenPersonAndSourceAsync();
        using var correction = await Post("/api/sources", RecordApi.Source("https://example.org/2013/12/03/correction", RecordApi.ArticleText)
            .With("publisher", "THE  NATION.").With("publishedAt", "2013-12-03T09:00:00+05:00"));
        correction.StatusCode.ShouldBe(HttpStatusCode.Created, await TextAsync(correction));
        var correctionId = (await Body(correction)).GetProperty("id").GetString()!;
        var target = (await GivenClaimAsync(RecordApi.Claim(sourceId))).GetProperty("id").GetGuid();

        using var response = await AppendAsync(RecordApi.Claim(correctionId).With("type", "ClaimRetracted").With("targetClaimId", target.ToString())
            .With("claimant", new JsonObject { ["name"] = "The Editor" }).With("reason", "The story was withdrawn."));

        response.StatusCode.ShouldBe(HttpStatusCode.Created, await TextAsync(response));
    }
}
