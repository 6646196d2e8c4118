using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.Playwright;
using Shouldly;
using Xunit;
using static Microsoft.Playwright.Assertions;

namespace Timeline.Browser;

public sealed class PersonPageTests(PageFixture fixture)
{
    private const string Resignation = "mustafa-kamal/resigned-from/senate-of-pakistan";
    private const string TenderedQuote = "Senator Syed Mustafa Kamal has tendered his resignation to chairman Senate";
    private const string ConfirmedQuote = "Senate Secretariat has confirmed that Mustafa Kamal has tendered his resignation from the seat over personal issues";
    private const string DeniedQuote = "reports regarding resignation of Senator Mustafa Kamal were baseless and rumors";

    [Fact]
    public async Task the_seeded_kamal_page_shows_the_contested_resignation_with_both_sides_and_their_quotes()
    {
        var page = await fixture.OpenAsync("/people/mustafa-kamal");

        await Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("Syed Mustafa Kamal");
        await Expect(page.Locator("#status-line")).ToHaveTextAsync("Senator — resignation tendered (contested)");
        var panel = page.Locator($"article.contest[data-proposition='{Resignation}']");
        await Expect(panel.GetByRole(AriaRole.Heading, new() { Level = 3 })).ToContainTextAsync("resigned from Senate of Pakistan");
        await Expect(panel.Locator(".badge.open").First).ToHaveTextAsync("open");

        var asserting = panel.Locator("section.side.asserts");
        var denying = panel.Locator("section.side.denies");
        await Expect(asserting.Locator("h4")).ToContainTextAsync("Asserting");
        await Expect(asserting.Locator("blockquote")).ToHaveTextAsync([$"“{TenderedQuote}”", $"“{ConfirmedQuote}”"]);
        await Expect(asserting).ToContainTextAsync("Senate Secretariat");
        await Expect(denying.Locator("h4")).ToContainTextAsync("Denying");
        await Expect(denying.Locator("blockquote")).ToHaveTextAsync([$"“{DeniedQuote}”"]);
        await Expect(denying).ToContainTextAsync("Nasir Jamal, Deputy Convener");
        await Expect(denying).ToContainTextAsync("The Nation, published 2013-12-01");

        // Each claim links to its source, where the quoted passage is highlighted.
        await denying.GetByRole(AriaRole.Link, new() { Name = "Mustafa Kamal resigns from Senate" }).ClickAsync();
        await Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/sources/src-[0-9a-f]+#claim-"));
        await Expect(page.Locator("mark.quote.current")).ToContainTextAsync(DeniedQuote);

        await Screenshots.SaveAsync(page, nameof(the_seeded_kamal_page_shows_the_contested_resignation_with_both_sides_and_their_quotes));
    }

    [Fact]
    public async Task moving_as_recorded_on_to_before_the_seed_was_recorded_shows_no_offices_and_no_claims()
    {
        var page = await fixture.OpenAsync("/people/mustafa-kamal");
        await Expect(page.Locator("#claims tbody tr").First).ToBeVisibleAsync();
        (await page.Locator("#tenures li").CountAsync()).ShouldBeGreaterThan(0);

        await page.GetByLabel("As recorded on").FillAsync("2000-01-01T00:00");
        await page.GetByRole(AriaRole.Button, new() { Name = "Show" }).ClickAsync();

        await Expect(page.Locator("#message")).ToContainTextAsync("Nothing about “mustafa-kamal” was on record at 2000-01-01T00:00:00.000Z");
        await Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex(@"\?recordedAt=2000-01-01T00%3A00%3A00\.000Z$"));
        await Expect(page.Locator("#status-line")).ToBeEmptyAsync();
        await Expect(page.Locator("#tenures li")).ToHaveCountAsync(0);
        await Expect(page.Locator("#claims tr")).ToHaveCountAsync(0);
        await Expect(page.Locator("article.contest")).ToHaveCountAsync(0);

        // The URL is the state: opened afresh it shows the same empty record, and the field keeps the time.
        await page.ReloadAsync();
        await Expect(page.Locator("#message")).ToContainTextAsync("was on record at 2000-01-01");
        await Expect(page.GetByLabel("As recorded on")).ToHaveValueAsync("2000-01-01T00:00");
        await Expect(page.Locator("#claims tr")).ToHaveCountAsync(0);

        await Screenshots.SaveAsync(page, nameof(moving_as_recorded_on_to_before_the_seed_was_recorded_shows_no_offices_and_no_claims));
    }

    [Fact]
    public async Task tab_reaches_every_control_and_link_on_the_person_page()
    {
        var page = await fixture.OpenAsync("/people/mustafa-kamal");
        await Expect(page.Locator("article.contest").First).ToBeVisibleAsync();

        var controls = await page.EvaluateAsync<string[]>(
            "() => [...document.querySelectorAll('a[href], button, input')].filter(e => e.getClientRects().length > 0 || e.classList.contains('skip')).map(Describe)"
                .Replace("Describe", Describe, StringComparison.Ordinal));
        controls.ShouldContain("input#validAt");
        controls.ShouldContain("input#reportedAt");
        controls.ShouldContain("input#recordedAt");
        controls.ShouldContain("button:Show");
        controls.ShouldContain("button:Today");

        var reached = new HashSet<string>();
        // A date field takes a Tab per part (day, month, year, ...), so allow several presses per control.
        for (var press = 0; press < controls.Length * 8 && !controls.All(reached.Contains); press++)
        {
            await page.Keyboard.PressAsync("Tab");
            reached.Add(await page.EvaluateAsync<string>($"() => ({Describe})(document.activeElement)"));
        }

        controls.Where(c => !reached.Contains(c)).ShouldBeEmpty();
        await Screenshots.SaveAsync(page, nameof(tab_reaches_every_control_and_link_on_the_person_page));
    }

    [Fact]
    public async Task a_claim_its_source_no_longer_states_and_a_ruling_overtaken_later_read_as_such_in_the_claims_table()
    {
        var tag = RandomNumberGenerator.GetHexString(6, lowercase: true);
        var person = $"page-tester-{tag}";
        using var http = fixture.Service.CreateClient();
        // Two terms in the first version; the corrected second version keeps only the first.
        string Popolo(params string[] terms) => JsonSerializer.Serialize(new
        {
            persons = new[] { new { id = "p1", name = $"Page Tester {tag}" } },
            organizations = new[] { new { id = "assembly", name = "Test Assembly", classification = "legislature" } },
            memberships = terms.Select(t => new { person_id = "p1", organization_id = "assembly", role = "member", start_date = $"{t}-01-01", end_date = $"{t}-12-31" }),
        });
        foreach (var (text, published) in new[] { (Popolo("2001", "2006"), "2020-01-01T00:00:00Z"), (Popolo("2001"), "2021-01-01T00:00:00Z") })
        {
            using var body = new StringContent(text, System.Text.Encoding.UTF8, "application/json");
            using var imported = await http.PostAsync($"/api/imports/popolo?source=https://example.org/page-{tag}.json&publishedAt={published}", body, Cancel);
            imported.IsSuccessStatusCode.ShouldBeTrue(await imported.Content.ReadAsStringAsync(Cancel));
        }

        var claims = (await http.GetFromJsonAsync<JsonElement>($"/api/claims?person={person}", Cancel)).GetProperty("items").EnumerateArray().ToList();
        var kept = claims.Single(c => c.GetProperty("validTime").GetProperty("from").GetString() == "2001-01-01").GetProperty("id").GetGuid();
        var dropped = claims.Single(c => c.GetProperty("validTime").GetProperty("from").GetString() == "2006-01-01").GetProperty("id").GetGuid();
        foreach (var verdict in new[] { "true", "misleading" })
        {
            using var ruled = await http.PostAsJsonAsync($"/api/claims/{kept}/rulings", new { verdict, rationale = "Checked against the assembly's rolls.", reviewer = "Fact Desk" }, Cancel);
            ruled.IsSuccessStatusCode.ShouldBeTrue(await ruled.Content.ReadAsStringAsync(Cancel));
        }

        var page = await fixture.OpenAsync($"/people/{person}");
        await Expect(page.Locator($"#claim-{dropped} td").Last).ToHaveTextAsync("no longer stated");
        await Expect(page.Locator($"#claim-{kept} td").Last).ToHaveTextAsync("uncontested, ruled true (latest: misleading)");

        // Read as reported before the correction, the dropped term counts again.
        await page.GotoAsync($"/people/{person}?reportedAt=2020-06-01");
        await Expect(page.Locator($"#claim-{dropped} td").Last).ToHaveTextAsync("uncontested");
        await Screenshots.SaveAsync(page, nameof(a_claim_its_source_no_longer_states_and_a_ruling_overtaken_later_read_as_such_in_the_claims_table));
    }

    [Fact]
    public async Task an_office_held_twice_shows_both_terms_each_marked_with_its_own_disagreement()
    {
        var person = $"two-terms-{RandomNumberGenerator.GetHexString(6, lowercase: true)}";
        using var http = fixture.Service.CreateClient();
        (await http.PostAsJsonAsync("/api/people", new { id = person, name = "Two Terms", aliases = Array.Empty<string>() }, Cancel)).EnsureSuccessStatusCode();
        const string text = "A: took office. B: took office. C: left office.";
        using var source = await http.PostAsJsonAsync("/api/sources", new
        {
            url = $"https://example.org/{person}", publisher = "The Test Gazette", title = "Two terms", author = "Desk",
            publishedAt = "2016-05-02T09:00:00+00:00", text,
        }, Cancel);
        source.EnsureSuccessStatusCode();
        var sourceId = (await source.Content.ReadFromJsonAsync<JsonElement>(Cancel)).GetProperty("id").GetString()!;
        async Task AppendAsync(string type, string validTime, string claimant, string quote)
        {
            var claim = new System.Text.Json.Nodes.JsonObject
            {
                ["type"] = type, ["validTime"] = validTime, ["sourceId"] = sourceId, ["quote"] = quote, ["office"] = "Governor", ["organization"] = "Testland",
                ["claimant"] = new System.Text.Json.Nodes.JsonObject { ["name"] = claimant, ["anonymous"] = false },
            };
            if (type == "OfficeLeft") claim["cause"] = "resigned";
            using var response = await http.PostAsJsonAsync($"/api/people/{person}/claims", claim, Cancel);
            response.IsSuccessStatusCode.ShouldBeTrue(await response.Content.ReadAsStringAsync(Cancel));
        }

        // Two terms, the sources disagreeing on when each began.
        await AppendAsync("OfficeTaken", "2010", "Outlet A", "A: took office.");
        await AppendAsync("OfficeTaken", "2011", "Outlet B", "B: took office.");
        await AppendAsync("OfficeLeft", "2012-07-15", "Outlet C", "C: left office.");
        await AppendAsync("OfficeTaken", "2014", "Outlet A", "A: took office.");
        await AppendAsync("OfficeTaken", "2015", "Outlet B", "B: took office.");

        var page = await fixture.OpenAsync($"/people/{person}");
        var tenure = page.Locator("#tenures li").First;
        await Expect(tenure).ToContainTextAsync("sources disagree: start 2014 per Outlet A");
        await Expect(tenure).ToContainTextAsync("start 2015 per Outlet B");
        await Expect(tenure).Not.ToContainTextAsync("2010");
        await Expect(tenure).Not.ToContainTextAsync("2011");
        // The earlier term is a row and a bar of its own, with its own disagreement.
        await Expect(page.Locator("#tenures li")).ToHaveCountAsync(2);
        var earlier = page.Locator("#tenures li").Nth(1);
        await Expect(earlier).ToContainTextAsync("sources disagree: start 2010 per Outlet A");
        await Expect(earlier).ToContainTextAsync("start 2011 per Outlet B");
        await Expect(earlier).Not.ToContainTextAsync("2014");
        await Expect(page.Locator("#chart g.bar.office")).ToHaveCountAsync(2);
        await Screenshots.SaveAsync(page, nameof(an_office_held_twice_shows_both_terms_each_marked_with_its_own_disagreement));
    }

    [Fact]
    public async Task a_claim_dated_after_the_death_on_record_is_marked_and_the_membership_it_ended_is_shown()
    {
        var person = $"after-death-{RandomNumberGenerator.GetHexString(6, lowercase: true)}";
        using var http = fixture.Service.CreateClient();
        (await http.PostAsJsonAsync("/api/people", new { id = person, name = "After Death", aliases = Array.Empty<string>() }, Cancel)).EnsureSuccessStatusCode();
        const string text = "The registry records the death. The gazette names him governor. He joined the Green Party.";
        using var source = await http.PostAsJsonAsync("/api/sources", new
        {
            url = $"https://example.org/{person}", publisher = "The Test Gazette", title = "After death", author = "Desk",
            publishedAt = "2019-05-02T09:00:00+00:00", text,
        }, Cancel);
        source.EnsureSuccessStatusCode();
        var sourceId = (await source.Content.ReadFromJsonAsync<JsonElement>(Cancel)).GetProperty("id").GetString()!;
        async Task<string> AppendAsync(object claim)
        {
            using var response = await http.PostAsJsonAsync($"/api/people/{person}/claims", claim, Cancel);
            response.IsSuccessStatusCode.ShouldBeTrue(await response.Content.ReadAsStringAsync(Cancel));
            return (await response.Content.ReadFromJsonAsync<JsonElement>(Cancel)).GetProperty("id").GetString()!;
        }

        await AppendAsync(new
        {
            type = "PartyJoined", validTime = "2010", sourceId, quote = "He joined the Green Party.", party = "Green Party",
            claimant = new { name = "Gazette", anonymous = false },
        });
        var died = await AppendAsync(new
        {
            type = "StatementMade", validTime = "2018-05", sourceId, quote = "The registry records the death.", predicate = "died", @object = "death",
            statement = "died", claimant = new { name = "Registry", anonymous = false },
        });
        var later = await AppendAsync(new
        {
            type = "OfficeTaken", validTime = "2019-01-02", sourceId, quote = "The gazette names him governor.", office = "Governor", organization = "Testland",
            claimant = new { name = "Gazette", anonymous = false },
        });

        var page = await fixture.OpenAsync($"/people/{person}");
        await Expect(page.Locator($"#claim-{later}")).ToContainTextAsync("dated after the death on record");
        // Each row says what kind of claim it is, not only its proposition.
        await Expect(page.Locator($"#claim-{later}")).ToContainTextAsync("Office taken");
        await Expect(page.Locator($"#claim-{died}")).ToContainTextAsync("Statement made");
        await Expect(page.Locator($"#claim-{died}")).Not.ToContainTextAsync("dated after the death on record");
        // The membership the death ended is still part of the career: a row and a bar of its own.
        await Expect(page.Locator("#tenures li", new() { HasText = "Former member of Green Party" })).ToContainTextAsync("from 2010, until 2018-05");
        await Expect(page.Locator("#chart g.bar.party")).ToHaveCountAsync(1);
    }

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    // The same element gets the same name whether listed or focused.
    private const string Describe =
        "(e => e.tagName === 'INPUT' ? `input#${e.id}` : e.tagName === 'BUTTON' ? `button:${e.textContent.trim()}` : `a:${e.getAttribute('href')}:${[...document.querySelectorAll('a[href]')].indexOf(e)}`)";
}
