using System.Net;
using Shouldly;
using Timeline.Tests.Infrastructure;
using Xunit;

namespace Timeline.Tests.Record;

public sealed class RegisterSourceTests(AppFixture app) : RecordApiTest(app)
{
    [Fact]
    public async Task registering_a_source_is_201_with_its_id_and_it_can_be_read_back()
    {
        using var response = await Post("/api/sources", RecordApi.Source());

        response.StatusCode.ShouldBe(HttpStatusCode.Created, await TextAsync(response));
        var id = (await Body(response)).GetProperty("id").GetString();
        id.ShouldNotBeNullOrWhiteSpace();
        response.Headers.Location.ShouldNotBeNull().OriginalString.ShouldBe($"/api/sources/{id}");
        using var read = await Get($"/api/sources/{id}");
        read.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await Body(read)).GetProperty("text").GetString().ShouldBe(RecordApi.ArticleText);
    }

    [Fact]
    public async Task registering_the_same_url_and_text_again_is_200_with_the_same_id()
    {
        var id = await GivenSourceAsync();

        using var again = await Post("/api/sources", RecordApi.Source());

        again.StatusCode.ShouldBe(HttpStatusCode.OK, await TextAsync(again));
        (await Body(again)).GetProperty("id").GetString().ShouldBe(id);
    }

    [Fact]
    public async Task registering_the_same_url_with_another_text_is_409_and_keeps_the_first_text()
    {
        var id = await GivenSourceAsync();

        using var other = await Post("/api/sources", RecordApi.Source(text: RecordApi.ArticleText + "An added paragraph."));

        var problem = await ShouldBeProblemAsync(other, HttpStatusCode.Conflict);
        problem.GetProperty("detail").GetString()!.ShouldContain(id);
        using var read = await Get($"/api/sources/{id}");
        (await Body(read)).GetProperty("text").GetString().ShouldBe(RecordApi.ArticleText);
    }

    [Fact]
    public async Task a_source_published_in_the_future_is_422_naming_publishedAt_and_stores_nothing()
    {
        foreach (var publishedAt in new[] { "2999-01-01T00:00:00Z", DateTimeOffset.UtcNow.AddDays(2).ToString("O", System.Globalization.CultureInfo.InvariantCulture) })
        {
            using var response = await Post("/api/sources", RecordApi.Source().With("publishedAt", publishedAt));

            var problem = await ShouldBeProblemAsync(response, (HttpStatusCode)422);
            FieldErrors(problem, "publishedAt").ShouldContain(m => m.Contains("future"), publishedAt);
        }

        // A dateline a few hours ahead of the server's clock is within the skew allowed; 201, so nothing was stored before.
        using var ahead = await Post("/api/sources", RecordApi.Source().With("publishedAt", DateTimeOffset.UtcNow.AddHours(12).ToString("O", System.Globalization.CultureInfo.InvariantCulture)));
        ahead.StatusCode.ShouldBe(HttpStatusCode.Created, await TextAsync(ahead));
    }

    [Theory]
    [InlineData("url")]
    [InlineData("publisher")]
    [InlineData("title")]
    [InlineData("publishedAt")]
    [InlineData("text")]
    public async Task registering_a_source_without_a_required_field_is_422_naming_it_and_stores_nothing(string field)
    {
        using var response = await Post("/api/sources", RecordApi.Source().Without(field));

        var problem = await ShouldBeProblemAsync(response, (HttpStatusCode)422);
        FieldErrors(problem, field);
        using var retry = await Post("/api/sources", RecordApi.Source());
        retry.StatusCode.ShouldBe(HttpStatusCode.Created, "the refused source was stored after all");
    }
}
