using System.Net.Http.Json;
using System.Security.Cryptography;
using Shouldly;
using Xunit;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Timeline.Browser;

public sealed class DashboardTests(PageFixture fixture)
{
    [Fact]
    public async Task a_claim_appended_through_the_api_appears_on_the_open_dashboard_without_a_reload()
    {
        var page = await fixture.OpenAsync("/contradictions");
        await Expect(page.Locator("#feed-state")).ToHaveTextAsync("live");
        await Expect(page.Locator("article.contest[data-proposition='mustafa-kamal/resigned-from/senate-of-pakistan']")).ToBeVisibleAsync();
        // A marker on this document: a reload would lose it.
        await page.EvaluateAsync("() => { window.sameDocument = true; }");

        var person = $"browser-test-{RandomNumberGenerator.GetHexString(6, lowercase: true)}";
        const string asserted = "the mayor has resigned from the council";
        const string denied = "the mayor has not resigned and will stay";
        using var http = fixture.Service.CreateClient();
        (await http.PostAsJsonAsync("/api/people", new { id = person, name = "Test Mayor", aliases = Array.Empty<string>() }, Cancel)).EnsureSuccessStatusCode();
        var source = await http.PostAsJsonAsync("/api/sources", new
        {
            url = $"https://example.org/{person}",
            publisher = "The Test Gazette",
            title = "Mayor resigns, or not",
            author = "Desk",
            publishedAt = "2024-05-02T09:00:00+00:00",
            text = $"Aides said {asserted}. His spokesman said {denied}.",
        }, Cancel);
        source.EnsureSuccessStatusCode();
        var sourceId = (await source.Content.ReadFromJsonAsync<Registered>(Cancel))!.Id;

        await AppendAsync(http, person, "ResignationTendered", sourceId, "Aides", asserted);
        await AppendAsync(http, person, "ResignationDenied", sourceId, "Spokesman", denied);

        var panel = page.Locator($"article.contest[data-proposition='{person}/resigned-from/city-council']");
        await Expect(panel.Locator("section.side.asserts blockquote")).ToHaveTextAsync([$"“{asserted}”"]);
        await Expect(panel.Locator("section.side.denies blockquote")).ToHaveTextAsync([$"“{denied}”"]);
        await Expect(panel.GetByRole(AriaRole.Link, new() { Name = person })).ToBeVisibleAsync();
        await Expect(page.Locator("#open-count")).ToHaveTextAsync("3");
        (await page.EvaluateAsync<bool>("() => window.sameDocument === true")).ShouldBeTrue("the dashboard reloaded instead of updating in place");

        await Screenshots.SaveAsync(page, nameof(a_claim_appended_through_the_api_appears_on_the_open_dashboard_without_a_reload));
    }

    private static async Task AppendAsync(HttpClient http, string person, string type, string sourceId, string claimant, string quote)
    {
        var response = await http.PostAsJsonAsync($"/api/people/{person}/claims", new
        {
            type,
            validTime = "2024-05",
            sourceId,
            claimant = new { name = claimant, role = "Staff", anonymous = false },
            quote,
            office = "Mayor",
            organization = "City Council",
        }, Cancel);
        response.IsSuccessStatusCode.ShouldBeTrue(await response.Content.ReadAsStringAsync(Cancel));
    }

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    private sealed record Registered(string Id);
}
