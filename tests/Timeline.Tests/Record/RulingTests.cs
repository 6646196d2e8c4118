using System.Net;
using System.Text.Json.Nodes;
using Shouldly;
using Timeline.Tests.Infrastructure;
using Xunit;

namespace Timeline.Tests.Record;

public sealed class RulingTests(AppFixture app) : RecordApiTest(app)
{
    [Fact]
    public async Task ruling_on_a_claim_is_201_with_version_and_sequence_and_is_appended_to_the_persons_stream()
    {
        var sourceId = await GivenPersonAndSourceAsync();
        var claim = await GivenClaimAsync(RecordApi.Claim(sourceId, quote: RecordApi.DeniedQuote).With("type", "ResignationDenied"));
        var claimId = claim.GetProperty("id").GetGuid();

        using var response = await Post($"/api/claims/{claimId}/rulings", RecordApi.Ruling("false"));

        response.StatusCode.ShouldBe(HttpStatusCode.Created, await TextAsync(response));
        var body = await Body(response);
        var rulingId = body.GetProperty("id").GetGuid();
        body.GetProperty("version").GetInt64().ShouldBe(3);
        body.GetProperty("sequence").GetInt64().ShouldBeGreaterThan(claim.GetProperty("sequence").GetInt64());
        var ruled = (await EventsAsync())[^1];
        ruled.Version.ShouldBe(3);
        ruled.EntryId.ShouldBe(rulingId);
        ruled.Data.GetProperty("claimId").GetGuid().ShouldBe(claimId);
        ruled.Data.GetProperty("verdict").GetString().ShouldBe("false");
        var listed = (await ClaimsAboutAsync()).ShouldHaveSingleItem();
        listed.GetProperty("rulings").EnumerateArray().ShouldHaveSingleItem().GetProperty("rulingId").GetGuid().ShouldBe(rulingId);
    }

    [Fact]
    public async Task a_dispute_of_the_day_an_office_was_left_contests_that_end_and_upheld_leaves_the_office_held()
    {
        const string Text = "Mustafa Kamal became Mayor of Karachi in 2005. He was dismissed as mayor on 5 May 2009. " +
            "The council says Mustafa Kamal was never dismissed and is still mayor.";
        await GivenPersonAndSourceAsync();
        var sourceId = await GivenSourceAsync("https://example.org/karachi-mayor", Text);
        JsonObject Said(string type, string quote) => RecordApi.Mayor(sourceId, type, quote);
        await GivenClaimAsync(Said("OfficeTaken", "Mustafa Kamal became Mayor of Karachi in 2005.").With("validTime", "2005"));
        var left = (await GivenClaimAsync(Said("OfficeLeft", "He was dismissed as mayor on 5 May 2009.").With("validTime", "2009-05-05").With("cause", "dismissed")))
            .GetProperty("id").GetGuid();
        var dispute = (await GivenClaimAsync(new JsonObject
        {
            ["type"] = "ClaimDisputed", ["targetClaimId"] = left.ToString(), ["sourceId"] = sourceId,
            ["quote"] = "The council says Mustafa Kamal was never dismissed and is still mayor.",
            ["claimant"] = new JsonObject { ["name"] = "Karachi Metropolitan Corporation" },
        })).GetProperty("id").GetGuid();

        async Task<JsonObject> StatusAsync()
        {
            using var response = await Get($"/api/people/{PersonId}?validAt=2010-01-01");
            return (JsonObject)JsonNode.Parse(await TextAsync(response))!;
        }

        // Contested: the end against its dispute; the office itself is not denied.
        var contested = await StatusAsync();
        contested["statusLine"]!.GetValue<string>().ShouldBe("Former Mayor (dismissed 2009-05-05)");
        contested["formerOffices"]![0]!["contested"]!.GetValue<bool>().ShouldBeTrue();
        using (var claim = await Get($"/api/claims/{dispute}"))
        {
            (await Body(claim)).GetProperty("disputedEnd").GetString().ShouldBe("2009-05-05");
        }

        using (var ruled = await Post($"/api/claims/{dispute}/rulings", RecordApi.Ruling("true")))
        {
            ruled.StatusCode.ShouldBe(HttpStatusCode.Created, await TextAsync(ruled));
        }

        var upheld = await StatusAsync();
        upheld["statusLine"]!.GetValue<string>().ShouldBe("Mayor", "the fact-checker upheld that he was never dismissed: he is still mayor");
        upheld["offices"]![0]!["since"]!.GetValue<string>().ShouldBe("2005");
        upheld["openContradictions"]!.GetValue<int>().ShouldBe(0);
    }

    [Fact]
    public async Task ruling_on_an_unknown_claim_is_404_and_appends_nothing()
    {
        var sourceId = await GivenPersonAndSourceAsync();
        await GivenClaimAsync(RecordApi.Claim(sourceId));
        var before = await StateAsync();

        using var response = await Post($"/api/claims/{Guid.NewGuid()}/rulings", RecordApi.Ruling());

        await ShouldBeProblemAsync(response, HttpStatusCode.NotFound);
        await NothingAppendedSinceAsync(before);
    }

    [Theory]
    [InlineData("maybe")]
    [InlineData("1")]
    [InlineData("")]
    public async Task ruling_with_a_verdict_that_is_not_one_of_the_four_is_422_and_appends_nothing(string verdict)
    {
        var sourceId = await GivenPersonAndSourceAsync();
        var claimId = (await GivenClaimAsync(RecordApi.Claim(sourceId))).GetProperty("id").GetGuid();
        var before = await StateAsync();

        using var response = await Post($"/api/claims/{claimId}/rulings", RecordApi.Ruling(verdict));

        var problem = await ShouldBeProblemAsync(response, (HttpStatusCode)422);
        FieldErrors(problem, "verdict");
        await NothingAppendedSinceAsync(before);
    }

    [Fact]
    public async Task the_location_of_a_ruling_leads_to_a_resource_that_exists()
    {
        var sourceId = await GivenPersonAndSourceAsync();
        var claimId = (await GivenClaimAsync(RecordApi.Claim(sourceId))).GetProperty("id").GetGuid();
        using var response = await Post($"/api/claims/{claimId}/rulings", RecordApi.Ruling());
        response.StatusCode.ShouldBe(HttpStatusCode.Created, await TextAsync(response));
        var location = response.Headers.Location.ShouldNotBeNull();

        using var read = await Get(location.OriginalString);

        read.StatusCode.ShouldBe(HttpStatusCode.OK, $"201 Location {location} of the ruling: {await TextAsync(read)}");
    }
}
