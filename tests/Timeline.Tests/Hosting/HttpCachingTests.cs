using System.Net;
using System.Text.Json;
using Shouldly;
using Timeline.Tests.Infrastructure;
using Timeline.Tests.Record;
using Xunit;

namespace Timeline.Tests.Hosting;

/// <summary>Cache-Control on every view, strong tags only for If-Match, and read-your-writes with atLeast.</summary>
public sealed class HttpCachingTests(AppFixture app) : RecordApiTest(app)
{
    [Fact]
    public async Task every_get_route_in_the_contract_says_how_it_may_be_cached()
    {
        var sourceId = await GivenPersonAndSourceAsync();
        var claimId = (await GivenClaimAsync(RecordApi.Claim(sourceId))).GetProperty("claimId").GetString()!;
        // Ruled, so that its ClaimReview exists too.
        using var ruled = await Post($"/api/claims/{claimId}/rulings", RecordApi.Ruling());
        ruled.StatusCode.ShouldBe(HttpStatusCode.Created, await TextAsync(ruled));
        using var openApi = await Get("/openapi/v1.json");
        var paths = (await Body(openApi)).GetProperty("paths").EnumerateObject()
            .Where(p => p.Value.TryGetProperty("get", out _))
            .Select(p => p.Name)
            .ToList();
        paths.ShouldContain("/api/changes");

        foreach (var path in paths.Where(p => p != "/api/changes/stream"))
        {
            var url = path.Replace("{claimId}", claimId, StringComparison.Ordinal)
                .Replace("/api/sources/{id}", $"/api/sources/{sourceId}", StringComparison.Ordinal)
                .Replace("{id}", PersonId, StringComparison.Ordinal);
            using var response = await Get(url);
            response.StatusCode.ShouldBe(HttpStatusCode.OK, url);
            var cacheControl = response.Headers.CacheControl;
            cacheControl.ShouldNotBeNull(url);
            (cacheControl.NoCache || cacheControl.NoStore).ShouldBeTrue($"{url}: {cacheControl}");
            if (cacheControl.NoCache) response.Headers.ETag.ShouldNotBeNull($"{url} must be revalidated with an ETag");
        }

        using var stream = await Http.GetAsync("/api/changes/stream", HttpCompletionOption.ResponseHeadersRead, Ct);
        stream.Headers.CacheControl!.NoStore.ShouldBeTrue();
    }

    [Fact]
    public async Task if_none_match_compares_weakly_so_a_weakened_tag_a_list_holding_it_or_a_star_is_answered_304()
    {
        var sourceId = await GivenPersonAndSourceAsync();
        await GivenClaimAsync(RecordApi.Claim(sourceId));
        var urls = new[]
        {
            $"/api/people/{PersonId}", $"/api/people/{PersonId}?validAt=2013-12-01", $"/api/people/{PersonId}/timeline",
            $"/api/people/{PersonId}/events", $"/api/people/{PersonId}/timeline.csv", $"/api/sources/{sourceId}", "/api/contradictions",
        };

        foreach (var url in urls)
        {
            using var first = await Get(url);
            first.StatusCode.ShouldBe(HttpStatusCode.OK, url);
            var etag = first.Headers.ETag.ShouldNotBeNull(url);
            etag.IsWeak.ShouldBeFalse(url);
            var tag = etag.Tag;

            // As a compressing proxy (nginx with gzip) hands it on, alone, in a list, or as a second header field.
            foreach (var fields in new string[][] { [$"W/{tag}"], [$"\"other\", W/{tag}"], [$"W/\"other\",{tag}"], ["*"], ["\"other\"", $"W/{tag}"] })
            {
                using var notModified = await ConditionalGetAsync(url, fields);
                notModified.StatusCode.ShouldBe(HttpStatusCode.NotModified, $"{url} If-None-Match: {string.Join(" | ", fields)}");
                (await notModified.Content.ReadAsByteArrayAsync(Ct)).ShouldBeEmpty();
                notModified.Headers.ETag!.Tag.ShouldBe(tag);
            }

            foreach (var other in new[] { "W/\"other\"", tag.Insert(1, "x"), $"W/{tag.Insert(1, "x")}" })
            {
                using var full = await ConditionalGetAsync(url, [other]);
                full.StatusCode.ShouldBe(HttpStatusCode.OK, $"{url} If-None-Match: {other}");
            }
        }
    }

    private Task<HttpResponseMessage> ConditionalGetAsync(string url, string[] ifNoneMatch)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, url);
        request.Headers.TryAddWithoutValidation("If-None-Match", ifNoneMatch).ShouldBeTrue();
        return Http.SendAsync(request, Ct);
    }

    [Fact]
    public async Task a_weak_tag_in_if_match_fails_the_precondition_and_appends_nothing()
    {
        var sourceId = await GivenPersonAndSourceAsync();
        var before = await StateAsync();

        using var response = await AppendAsync(RecordApi.Claim(sourceId), ifMatch: "W/\"1\"");

        var problem = await ShouldBeProblemAsync(response, HttpStatusCode.PreconditionFailed);
        problem.GetProperty("type").GetString()!.ShouldEndWith("/weak-if-match");
        await NothingAppendedSinceAsync(before);
    }

    [Fact]
    public async Task at_least_on_any_view_waits_for_the_views_to_include_a_write_and_says_so()
    {
        var sourceId = await GivenPersonAndSourceAsync();
        var sequence = (await GivenClaimAsync(RecordApi.Claim(sourceId))).GetProperty("sequence").GetInt64();

        foreach (var url in new[] { $"/api/people/{PersonId}", "/api/contradictions", $"/api/changes?person={PersonId}" })
        {
            using var reached = await Get($"{url}{(url.Contains('?', StringComparison.Ordinal) ? '&' : '?')}atLeast={sequence}");
            reached.StatusCode.ShouldBe(HttpStatusCode.OK, url);
            reached.Headers.GetValues("Timeline-Consistency").ShouldBe(["reached"], url);
        }

        var changes = JsonDocument.Parse(await (await Get($"/api/changes?atLeast={sequence}")).Content.ReadAsStringAsync(Ct)).RootElement;
        changes.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("id").GetInt64()).ShouldContain(sequence);

        // A sequence nobody has written yet: the read waits its bound, then answers and says it is behind.
        using var behind = await Get($"/api/people/{PersonId}?atLeast={sequence + 1_000}");
        behind.StatusCode.ShouldBe(HttpStatusCode.OK);
        behind.Headers.GetValues("Timeline-Consistency").ShouldBe(["behind"]);

        using var malformed = await Get($"/api/people/{PersonId}?atLeast=soon");
        await ShouldBeProblemAsync(malformed, HttpStatusCode.BadRequest);
    }
}
