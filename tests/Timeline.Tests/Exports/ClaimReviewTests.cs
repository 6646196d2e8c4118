using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Shouldly;
using Timeline.Tests.Infrastructure;
using Timeline.Tests.Record;
using Xunit;

namespace Timeline.Tests.Exports;

/// <summary>GET /api/claims/{id}/claimreview checked field by field against schema.org's ClaimReview shape.</summary>
public sealed class ClaimReviewTests(AppFixture app) : RecordApiTest(app)
{
    private const string EarlierUrl = "https://example.org/2013/11/30/mqm-denies";
    private const string EarlierPublished = "2013-11-30T10:15:00+05:00";
    private const string LaterPublished = "2013-12-01T02:39:59+05:00";
    private const string ReviewUrl = "https://factcheck.example/kamal-resignation";

    private async Task<(Guid ClaimId, string LaterSource, string EarlierSource)> GivenDenialReportedTwiceAsync()
    {
        var later = await GivenPersonAndSourceAsync();
        var earlierBody = RecordApi.Source(EarlierUrl, "MQM said " + RecordApi.DeniedQuote + ".")
            .With("title", "MQM denies Kamal resignation").With("publisher", "Dawn").With("publishedAt", EarlierPublished);
        using var earlierResponse = await Post("/api/sources", earlierBody);
        earlierResponse.StatusCode.ShouldBe(HttpStatusCode.Created, await TextAsync(earlierResponse));
        var earlier = (await Body(earlierResponse)).GetProperty("id").GetString()!;

        var denial = RecordApi.Claim(later, quote: RecordApi.DeniedQuote).With("type", "ResignationDenied");
        var claimId = (await GivenClaimAsync(denial)).GetProperty("id").GetGuid();
        await GivenClaimAsync(RecordApi.Claim(earlier, quote: RecordApi.DeniedQuote).With("type", "ResignationDenied"));
        // Another claimant's denial in the same source is another statement, not an appearance of this one.
        var other = RecordApi.Claim(later, quote: RecordApi.DeniedQuote).With("type", "ResignationDenied")
            .With("claimant", new System.Text.Json.Nodes.JsonObject { ["name"] = "Nasir Jamal", ["role"] = "Deputy Convener" });
        await GivenClaimAsync(other);
        return (claimId, later, earlier);
    }

    [Fact]
    public async Task a_ruled_claim_is_a_schema_org_claim_review_in_json_ld_field_by_field()
    {
        var (claimId, _, _) = await GivenDenialReportedTwiceAsync();
        using var ruled = await Post($"/api/claims/{claimId}/rulings", RecordApi.Ruling("false").With("reviewUrl", ReviewUrl));
        ruled.StatusCode.ShouldBe(HttpStatusCode.Created, await TextAsync(ruled));
        var ruledAt = await RuledAtAsync(claimId, 0);

        using var response = await Get($"/api/claims/{claimId}/claimreview");

        var text = await TextAsync(response);
        response.StatusCode.ShouldBe(HttpStatusCode.OK, text);
        response.Content.Headers.ContentType!.MediaType.ShouldBe("application/ld+json");
        var review = JsonDocument.Parse(text).RootElement;
        review.GetProperty("@context").GetString().ShouldBe("https://schema.org");
        review.GetProperty("@type").GetString().ShouldBe("ClaimReview");
        var id = new Uri(review.GetProperty("@id").GetString()!);
        id.IsAbsoluteUri.ShouldBeTrue();
        id.AbsolutePath.ShouldBe($"/api/claims/{claimId}/claimreview");
        review.GetProperty("url").GetString().ShouldBe(ReviewUrl);
        review.GetProperty("claimReviewed").GetString().ShouldBe(RecordApi.DeniedQuote);
        review.GetProperty("reviewBody").GetString().ShouldBe("The Senate Secretariat confirmed the resignation.");
        review.GetProperty("datePublished").GetString().ShouldBe(ruledAt.ToString("yyyy-MM-dd"));

        var author = review.GetProperty("author");
        author.GetProperty("@type").GetString().ShouldBe("Organization");
        author.GetProperty("name").GetString().ShouldBe("Fact Desk");

        var rating = review.GetProperty("reviewRating");
        rating.GetProperty("@type").GetString().ShouldBe("Rating");
        rating.GetProperty("ratingValue").GetInt32().ShouldBe(1);
        rating.GetProperty("worstRating").GetInt32().ShouldBe(1);
        rating.GetProperty("bestRating").GetInt32().ShouldBe(5);
        rating.GetProperty("alternateName").GetString().ShouldBe("False");

        var item = review.GetProperty("itemReviewed");
        item.GetProperty("@type").GetString().ShouldBe("Claim");
        new Uri(item.GetProperty("@id").GetString()!).AbsolutePath.ShouldBe($"/api/claims/{claimId}");
        item.GetProperty("@id").GetString().ShouldNotBe(review.GetProperty("@id").GetString());
        var claimant = item.GetProperty("author");
        claimant.GetProperty("@type").GetString().ShouldBe("Person");
        claimant.GetProperty("name").GetString().ShouldBe("Our Staff Reporter");
        claimant.GetProperty("jobTitle").GetString().ShouldBe("Reporter");
        claimant.GetProperty("affiliation").GetProperty("@type").GetString().ShouldBe("Organization");
        claimant.GetProperty("affiliation").GetProperty("name").GetString().ShouldBe("The Nation");
        DateTimeOffset.Parse(item.GetProperty("datePublished").GetString()!).ShouldBe(DateTimeOffset.Parse(EarlierPublished));

        // Both sources that report this claimant's denial, earliest first; the other claimant's is not among them.
        var appearances = item.GetProperty("appearance").EnumerateArray().ToList();
        appearances.Count.ShouldBe(2);
        appearances.Select(a => a.GetProperty("@type").GetString()).ShouldAllBe(t => t == "CreativeWork");
        appearances.Select(a => a.GetProperty("url").GetString()).ShouldBe([EarlierUrl, RecordApi.ArticleUrl]);
        appearances.Select(a => a.GetProperty("headline").GetString()).ShouldBe(["MQM denies Kamal resignation", "Mustafa Kamal resigns from Senate"]);
        appearances.Select(a => DateTimeOffset.Parse(a.GetProperty("datePublished").GetString()!))
            .ShouldBe([DateTimeOffset.Parse(EarlierPublished), DateTimeOffset.Parse(LaterPublished)]);
        appearances.Select(a => a.GetProperty("publisher").GetProperty("name").GetString()).ShouldBe(["Dawn", "The Nation"]);
        var first = item.GetProperty("firstAppearance");
        first.GetProperty("@type").GetString().ShouldBe("CreativeWork");
        first.GetProperty("url").GetString().ShouldBe(EarlierUrl);
        first.GetProperty("headline").GetString().ShouldBe("MQM denies Kamal resignation");
    }

    [Fact]
    public async Task each_claim_has_its_own_id_and_a_later_ruling_supersedes_an_earlier_one()
    {
        var (claimId, later, _) = await GivenDenialReportedTwiceAsync();
        var tendered = (await GivenClaimAsync(RecordApi.Claim(later))).GetProperty("id").GetGuid();
        (await Post($"/api/claims/{claimId}/rulings", RecordApi.Ruling("unproven"))).StatusCode.ShouldBe(HttpStatusCode.Created);
        (await Post($"/api/claims/{claimId}/rulings", RecordApi.Ruling("misleading"))).StatusCode.ShouldBe(HttpStatusCode.Created);
        (await Post($"/api/claims/{tendered}/rulings", RecordApi.Ruling("true"))).StatusCode.ShouldBe(HttpStatusCode.Created);

        var denial = await ReviewAsync(claimId);
        var tender = await ReviewAsync(tendered);

        denial.GetProperty("reviewRating").GetProperty("alternateName").GetString().ShouldBe("Misleading");
        denial.GetProperty("reviewRating").GetProperty("ratingValue").GetInt32().ShouldBe(2);
        tender.GetProperty("reviewRating").GetProperty("alternateName").GetString().ShouldBe("True");
        tender.GetProperty("reviewRating").GetProperty("ratingValue").GetInt32().ShouldBe(5);
        tender.GetProperty("claimReviewed").GetString().ShouldBe(RecordApi.TenderedQuote);
        tender.GetProperty("@id").GetString().ShouldNotBe(denial.GetProperty("@id").GetString());
        // No review URL given: the review's url is its own address.
        tender.GetProperty("url").GetString().ShouldBe(tender.GetProperty("@id").GetString());
        tender.GetProperty("itemReviewed").GetProperty("appearance").GetArrayLength().ShouldBe(1);
    }

    [Fact]
    public async Task a_claimant_linked_to_a_registered_person_is_the_claims_author_by_that_persons_url()
    {
        var sourceId = await GivenPersonAndSourceAsync();
        using var registered = await Post("/api/people", RecordApi.Person("nasir-jamal", "Nasir Jamal"));
        registered.StatusCode.ShouldBe(HttpStatusCode.Created, await TextAsync(registered));
        var denial = RecordApi.Claim(sourceId, quote: RecordApi.DeniedQuote).With("type", "ResignationDenied")
            .With("claimant", new System.Text.Json.Nodes.JsonObject { ["name"] = "Nasir Jamal", ["role"] = "MQM Deputy Convener", ["personId"] = "nasir-jamal" });
        var claimId = (await GivenClaimAsync(denial)).GetProperty("id").GetGuid();
        (await Post($"/api/claims/{claimId}/rulings", RecordApi.Ruling("false"))).StatusCode.ShouldBe(HttpStatusCode.Created);

        var author = (await ReviewAsync(claimId)).GetProperty("itemReviewed").GetProperty("author");

        author.GetProperty("@type").GetString().ShouldBe("Person");
        new Uri(author.GetProperty("@id").GetString()!).AbsolutePath.ShouldBe("/api/people/nasir-jamal");
        author.GetProperty("name").GetString().ShouldBe("Nasir Jamal");
        author.GetProperty("jobTitle").GetString().ShouldBe("MQM Deputy Convener");
        author.TryGetProperty("affiliation", out _).ShouldBeFalse("no affiliation was given");
    }

    [Fact]
    public async Task a_claim_with_no_ruling_is_a_404_not_ruled_problem_and_an_unknown_claim_a_404()
    {
        var sourceId = await GivenPersonAndSourceAsync();
        var claimId = (await GivenClaimAsync(RecordApi.Claim(sourceId))).GetProperty("id").GetGuid();

        using var unruled = await Get($"/api/claims/{claimId}/claimreview");
        using var unknown = await Get($"/api/claims/{Guid.NewGuid()}/claimreview");

        var problem = await ShouldBeProblemAsync(unruled, HttpStatusCode.NotFound);
        problem.GetProperty("type").GetString()!.ShouldEndWith("/not-ruled");
        problem.GetProperty("detail").GetString()!.ShouldContain(claimId.ToString());
        var missing = await ShouldBeProblemAsync(unknown, HttpStatusCode.NotFound);
        missing.GetProperty("type").GetString()!.ShouldEndWith("/not-found");
    }

    [Fact]
    public async Task a_claim_review_has_an_etag_and_a_matching_poll_is_304_until_a_new_ruling()
    {
        var sourceId = await GivenPersonAndSourceAsync();
        var claimId = (await GivenClaimAsync(RecordApi.Claim(sourceId))).GetProperty("id").GetGuid();
        (await Post($"/api/claims/{claimId}/rulings", RecordApi.Ruling("false"))).StatusCode.ShouldBe(HttpStatusCode.Created);
        using var first = await Get($"/api/claims/{claimId}/claimreview");
        var etag = first.Headers.ETag.ShouldNotBeNull();

        using var again = new HttpRequestMessage(HttpMethod.Get, $"/api/claims/{claimId}/claimreview");
        again.Headers.IfNoneMatch.Add(etag);
        using var notModified = await Http.SendAsync(again, Ct);
        (await Post($"/api/claims/{claimId}/rulings", RecordApi.Ruling("true"))).StatusCode.ShouldBe(HttpStatusCode.Created);
        using var afterRuling = new HttpRequestMessage(HttpMethod.Get, $"/api/claims/{claimId}/claimreview");
        afterRuling.Headers.IfNoneMatch.Add(etag);
        using var changed = await Http.SendAsync(afterRuling, Ct);

        notModified.StatusCode.ShouldBe(HttpStatusCode.NotModified);
        changed.StatusCode.ShouldBe(HttpStatusCode.OK);
        JsonDocument.Parse(await TextAsync(changed)).RootElement.GetProperty("reviewRating").GetProperty("alternateName").GetString().ShouldBe("True");
    }

    private async Task<JsonElement> ReviewAsync(Guid claimId)
    {
        using var response = await Get($"/api/claims/{claimId}/claimreview");
        var text = await TextAsync(response);
        response.StatusCode.ShouldBe(HttpStatusCode.OK, text);
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    private async Task<DateTimeOffset> RuledAtAsync(Guid claimId, int index)
    {
        using var response = await Get($"/api/claims/{claimId}");
        var claim = await Body(response);
        return claim.GetProperty("rulings")[index].GetProperty("ruledAt").GetDateTimeOffset();
    }
}
