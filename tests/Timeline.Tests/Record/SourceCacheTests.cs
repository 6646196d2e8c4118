using System.Net;
using Shouldly;
using Timeline.Sources;
using Timeline.Tests.Infrastructure;
using Xunit;

namespace Timeline.Tests.Record;

/// <summary>Sources are kept in memory for the checks of the claims citing them, within a budget, and read again once let go.</summary>
public sealed class SourceCacheTests(AppFixture app) : RecordApiTest(app)
{
    [Fact]
    public async Task the_sources_kept_stay_within_their_budget_and_one_let_go_still_checks_its_quotes()
    {
        using (var person = await Post("/api/people", RecordApi.Person(PersonId))) person.StatusCode.ShouldBe(HttpStatusCode.Created);
        // Three free texts of 40,000 characters: 160,000 bytes each as kept (the text and its folded copy, two bytes a
        // character), under a budget with room for two. The budget is shared with whatever else runs: only its bound is asserted.
        var text = RecordApi.ArticleText + new string(' ', 40_000 - RecordApi.ArticleText.Length);
        var budget = SourceCache.MaxWeight;
        SourceCache.MaxWeight = 400_000;
        try
        {
            var sources = new List<string>();
            for (var i = 0; i < 3; i++)
            {
                sources.Add(await GivenSourceAsync($"https://example.org/padded/{i}", text));
                using var appended = await AppendAsync(RecordApi.Claim(sources[^1]));
                appended.StatusCode.ShouldBe(HttpStatusCode.Created, await TextAsync(appended));
                SourceCache.WeightOf(App.Store).ShouldBeLessThanOrEqualTo(SourceCache.MaxWeight);
            }

            // The first was let go to keep the last: it is read again, and its text still decides.
            using (var again = await AppendAsync(RecordApi.Claim(sources[0])))
            {
                again.StatusCode.ShouldBe(HttpStatusCode.Created, await TextAsync(again));
            }

            using var misquoted = await AppendAsync(RecordApi.Claim(sources[0], quote: "words the article never printed"));
            await ShouldBeProblemAsync(misquoted, HttpStatusCode.UnprocessableEntity);
            SourceCache.WeightOf(App.Store).ShouldBeLessThanOrEqualTo(SourceCache.MaxWeight);
        }
        finally
        {
            SourceCache.MaxWeight = budget;
        }
    }
}
