using System.Net;
using System.Text.Json;
using Shouldly;
using Timeline.Tests.Infrastructure;
using Timeline.Tests.Record;
using Xunit;

namespace Timeline.Tests.Exports;

/// <summary>The exports as the published contract and HTTP caching show them.</summary>
public sealed class ExportsContractTests(AppFixture app) : RecordApiTest(app)
{
    [Theory]
    [InlineData("/api/claims/{claimId}/claimreview", "application/ld+json")]
    [InlineData("/api/people/{id}/timeline.csv", "text/csv")]
    public async Task the_openapi_document_publishes_each_export_with_its_media_type(string path, string mediaType)
    {
        using var response = await Get("/openapi/v1.json");
        var document = JsonDocument.Parse(await TextAsync(response)).RootElement;

        var operation = document.GetProperty("paths").GetProperty(path).GetProperty("get");
        operation.GetProperty("summary").GetString().ShouldNotBeNullOrWhiteSpace();
        operation.GetProperty("responses").GetProperty("200").GetProperty("content").TryGetProperty(mediaType, out _).ShouldBeTrue(operation.ToString());
        operation.GetProperty("responses").GetProperty("404").GetProperty("content").TryGetProperty(RecordApi.ProblemJson, out _).ShouldBeTrue();
    }

    [Fact]
    public async Task head_on_the_csv_timeline_answers_its_headers_without_a_body_and_a_matching_etag_is_304()
    {
        var sourceId = await GivenPersonAndSourceAsync();
        await GivenClaimAsync(RecordApi.Claim(sourceId));
        using var get = await Get($"/api/people/{PersonId}/timeline.csv");
        var etag = get.Headers.ETag.ShouldNotBeNull();

        using var head = await Http.SendAsync(new HttpRequestMessage(HttpMethod.Head, $"/api/people/{PersonId}/timeline.csv"), Ct);
        using var conditional = new HttpRequestMessage(HttpMethod.Get, $"/api/people/{PersonId}/timeline.csv");
        conditional.Headers.IfNoneMatch.Add(etag);
        using var notModified = await Http.SendAsync(conditional, Ct);
        await GivenClaimAsync(RecordApi.Claim(sourceId, quote: RecordApi.DeniedQuote).With("type", "ResignationDenied"));
        using var again = new HttpRequestMessage(HttpMethod.Get, $"/api/people/{PersonId}/timeline.csv");
        again.Headers.IfNoneMatch.Add(etag);
        using var changed = await Http.SendAsync(again, Ct);

        head.StatusCode.ShouldBe(HttpStatusCode.OK);
        head.Headers.ETag.ShouldBe(etag);
        (await head.Content.ReadAsByteArrayAsync(Ct)).ShouldBeEmpty();
        notModified.StatusCode.ShouldBe(HttpStatusCode.NotModified);
        changed.StatusCode.ShouldBe(HttpStatusCode.OK, "a new claim changes the CSV");
        Rfc4180.Read(await TextAsync(changed)).Count.ShouldBe(3);
    }
}
