using System.Net;
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
