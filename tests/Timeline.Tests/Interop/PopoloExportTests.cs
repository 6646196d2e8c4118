using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Shouldly;
using Timeline.Tests.Infrastructure;
using Timeline.Tests.Record;
using Xunit;

namespace Timeline.Tests.Interop;

/// <summary>
/// The Popolo export says what the status view says: one membership per tenure, ended by what ends it in the view, every
/// office the view shows held, and roles and legislative periods as the record has them. Expected values are written here
/// from the README's rules, never taken from the code under test.
/// </summary>
public sealed class PopoloExportTests(AppFixture app) : RecordApiTest(app)
{
    private const string Series = "https://example.org/springfield.json";
    private const string Mirror = "https://mirror.example.org/springfield.json";
    private const string NewsText = "Jane Doe left the Springfield Assembly in January 2021. The Assembly accepted the resignation of Bob Roe on 30 June 2020.";

    /// <summary>Jane sits for the Green Party in the 21st Parliament (its dates); Bob holds the post "Member for Boe" from 2019-02-01.</summary>
    private static readonly string Springfield = """
        {
          "persons": [{ "id": "p-jane", "name": "Jane Doe" }, { "id": "p-bob", "name": "Bob Roe" }],
          "organizations": [
            { "id": "springfield", "name": "Springfield Assembly", "classification": "legislature" },
            { "id": "party/green", "name": "Green Party", "classification": "party" }
          ],
          "posts": [{ "id": "post/boe", "label": "Member for Boe", "organization_id": "springfield" }],
          "events": [{ "id": "term/21", "name": "21st Parliament", "classification": "legislative period", "start_date": "2019-01-15", "end_date": "2023-01-14" }],
          "memberships": [
            { "person_id": "p-jane", "organization_id": "springfield", "on_behalf_of_id": "party/green", "legislative_period_id": "term/21", "role": "member" },
            { "person_id": "p-bob", "post_id": "post/boe", "legislative_period_id": "term/21", "role": "member", "start_date": "2019-02-01" }
          ]
        }
        """;

    private async Task ImportAsync(string text, string series, string publishedAt)
    {
        using var response = await PostRaw($"/api/imports/popolo?source={Uri.EscapeDataString(series)}&publishedAt={Uri.EscapeDataString(publishedAt)}",
            new StringContent(text, Encoding.UTF8, "application/json"));
        response.StatusCode.ShouldBe(HttpStatusCode.OK, await TextAsync(response));
    }

    private async Task<(JsonObject Document, string Text)> ExportAsync(string query = "")
    {
        using var response = await Get($"/api/exports/popolo{query}");
        response.StatusCode.ShouldBe(HttpStatusCode.OK, await TextAsync(response));
        var text = await TextAsync(response);
        return ((JsonObject)JsonNode.Parse(text)!, text);
    }

    private async Task<JsonObject> StatusAsync(string url)
    {
        using var response = await Get(url);
        response.StatusCode.ShouldBe(HttpStatusCode.OK, await TextAsync(response));
        return (JsonObject)JsonNode.Parse(await TextAsync(response))!;
    }

    private static List<string> Memberships(JsonObject export, string? person = null) =>
        [.. PopoloOracle.Array(export, "memberships").Where(m => person is null || PopoloOracle.Text(m, "person_id") == person).Select(m => m!.ToJsonString())];

    private static string Membership(string person, string organization, string? party = null, string? period = null, string? role = null, string? start = null, string? end = null)
    {
        var m = new JsonObject { ["person_id"] = person, ["organization_id"] = organization };
        if (party is not null) m["on_behalf_of_id"] = party;
        if (period is not null) m["legislative_period_id"] = period;
        if (role is not null) m["role"] = role;
        if (start is not null) m["start_date"] = start;
        if (end is not null) m["end_date"] = end;
        return m.ToJsonString();
    }

    private static JsonObject Said(string sourceId, string type, string validTime, string quote) => new()
    {
        ["type"] = type,
        ["validTime"] = validTime,
        ["sourceId"] = sourceId,
        ["claimant"] = new JsonObject { ["name"] = "Springfield Gazette" },
        ["quote"] = quote,
        ["office"] = "Member",
        ["organization"] = "Springfield Assembly",
    };

    /// <summary>The file imported twice (two series state every seat), Jane's departure and Bob's accepted resignation reported.</summary>
    private async Task GivenSpringfieldAsync()
    {
        await ImportAsync(Springfield, Series, "2019-03-01T00:00:00Z");
        await ImportAsync(Springfield, Mirror, "2019-04-01T00:00:00Z");
        var news = await GivenSourceAsync("https://news.example.org/springfield", NewsText);
        await GivenClaimAsync(Said(news, "OfficeLeft", "2021-01", "Jane Doe left the Springfield Assembly in January 2021.").With("term", 21).With("cause", "resigned"), "jane-doe");
        await GivenClaimAsync(Said(news, "ResignationAccepted", "2020-06-30", "The Assembly accepted the resignation of Bob Roe on 30 June 2020."), "bob-roe");
    }

    [Fact]
    public async Task a_seat_held_for_everypoliticians_unknown_party_claims_no_party()
    {
        // EveryPolitician marks a party not known as "party/unknown" (the Nauru file has it for most members).
        const string file = """
            {
              "persons": [{ "id": "p-kai", "name": "Kai Tora" }, { "id": "p-lia", "name": "Lia Tora" }],
              "organizations": [
                { "id": "springfield", "name": "Springfield Assembly", "classification": "legislature" },
                { "id": "party/unknown", "name": "Unknown", "classification": "party" },
                { "id": "party/green", "name": "Green Party", "classification": "party" }
              ],
              "events": [{ "id": "term/21", "name": "21st Parliament", "classification": "legislative period", "start_date": "2019-01-15", "end_date": "2023-01-14" }],
              "memberships": [
                { "person_id": "p-kai", "organization_id": "springfield", "on_behalf_of_id": "party/unknown", "legislative_period_id": "term/21", "role": "member" },
                { "person_id": "p-lia", "organization_id": "springfield", "on_behalf_of_id": "party/green", "legislative_period_id": "term/21", "role": "member" },
                { "person_id": "p-lia", "organization_id": "party/unknown", "start_date": "2010-05-01" }
              ]
            }
            """;
        await ImportAsync(file, "https://example.org/unknown-party.json", "2021-06-01T00:00:00Z");

        var kai = await StatusAsync("/api/people/kai-tora?validAt=2020-01-01");
        kai["statusLine"]!.GetValue<string>().ShouldBe("Member");
        kai["parties"]!.AsArray().ShouldBeEmpty("\"Unknown\" is no party");
        var lia = await StatusAsync("/api/people/lia-tora?validAt=2020-01-01");
        lia["parties"]!.AsArray().Select(p => p!["party"]!.GetValue<string>()).ShouldBe(["Green Party"]);

        // Some files leave the classification out: the id says it all.
        await ImportAsync("""
            {
              "persons": [{ "id": "p-mo", "name": "Mo Tora" }],
              "organizations": [{ "id": "springfield", "name": "Springfield Assembly", "classification": "legislature" }, { "id": "party/unknown", "name": "Unknown" }],
              "memberships": [{ "person_id": "p-mo", "organization_id": "springfield", "on_behalf_of_id": "party/unknown", "role": "member", "start_date": "2019-01-15" }]
            }
            """, "https://example.org/unknown-party-unclassified.json", "2021-06-01T00:00:00Z");
        (await StatusAsync("/api/people/mo-tora"))["parties"]!.AsArray().ShouldBeEmpty();

        var (export, _) = await ExportAsync();
        PopoloOracle.Array(export, "organizations").Select(o => PopoloOracle.Text(o, "name")).ShouldNotContain("Unknown");
    }

    [Fact]
    public async Task a_member_who_died_in_office_reads_as_died_and_the_death_ends_the_party_too()
    {
        // Ann dies within the term; her party membership (a membership of the party, open) says nothing of it.
        const string file = """
            {
              "persons": [{ "id": "p-ann", "name": "Ann Lee", "death_date": "2021-03-09" }],
              "organizations": [
                { "id": "springfield", "name": "Springfield Assembly", "classification": "legislature" },
                { "id": "party/blue", "name": "Blue Party", "classification": "party" }
              ],
              "events": [{ "id": "term/21", "name": "21st Parliament", "classification": "legislative period", "start_date": "2019-01-15", "end_date": "2023-01-14" }],
              "memberships": [
                { "person_id": "p-ann", "organization_id": "springfield", "legislative_period_id": "term/21", "role": "member" },
                { "person_id": "p-ann", "organization_id": "party/blue", "start_date": "2010-05-01" }
              ]
            }
            """;
        await ImportAsync(file, "https://example.org/ann.json", "2021-06-01T00:00:00Z");

        var before = await StatusAsync("/api/people/ann-lee?validAt=2021-03-01");
        before["statusLine"]!.GetValue<string>().ShouldBe("Member");
        before["parties"]!.AsArray().Select(p => p!["party"]!.GetValue<string>()).ShouldBe(["Blue Party"]);

        var after = await StatusAsync("/api/people/ann-lee");
        after["statusLine"]!.GetValue<string>().ShouldBe("Former Member (died 2021-03-09)");
        var seat = after["formerOffices"]!.AsArray().ShouldHaveSingleItem()!;
        seat["endCause"]!.GetValue<string>().ShouldBe("died");
        seat["until"]!.GetValue<string>().ShouldBe("2021-03-09");
        after["parties"]!.AsArray().ShouldBeEmpty("a death ends the party membership as well");

        var (export, _) = await ExportAsync();
        PopoloOracle.Text(PopoloOracle.Array(export, "persons").Single(p => PopoloOracle.Text(p, "id") == "ann-lee"), "death_date").ShouldBe("2021-03-09");
        Memberships(export, "ann-lee").ShouldBe([
            Membership("ann-lee", "legislature/springfield-assembly", period: "term/21", role: "Member", start: "2019-01-15", end: "2021-03-09"),
            Membership("ann-lee", "party/blue-party", start: "2010-05-01", end: "2021-03-09"),
        ], ignoreOrder: true);
    }

    [Fact]
    public async Task a_tenure_stated_twice_and_ended_by_an_office_left_or_an_accepted_resignation_is_one_membership_with_that_end()
    {
        await GivenSpringfieldAsync();
        var (career, _) = await ExportAsync();

        // Jane: the term's start, ended by the OfficeLeft of 2021-01 (earlier than the term's end); once, not once per source.
        Memberships(career, "jane-doe").ShouldBe([
            Membership("jane-doe", "legislature/springfield-assembly", "party/green-party", "term/21", "Member", "2019-01-15", "2021-01")]);
        // Bob: the post's label as the role, ended by the Assembly's acceptance of his resignation.
        Memberships(career, "bob-roe").ShouldBe([
            Membership("bob-roe", "legislature/springfield-assembly", period: "term/21", role: "Member for Boe", start: "2019-02-01", end: "2020-06-30")]);
    }

    [Fact]
    public async Task on_a_valid_day_only_the_memberships_held_that_day_are_exported()
    {
        await GivenSpringfieldAsync();

        (await ExportAsync("?validAt=2022-01-01")).Document["memberships"]!.AsArray().ShouldBeEmpty("Jane left in 2021-01 and Bob's resignation was accepted in 2020");
        // On 2020-01-01 neither departure has happened yet, so (as in the status view that day) only the term's end is known.
        Memberships((await ExportAsync("?validAt=2020-01-01")).Document).ShouldBe([
            Membership("bob-roe", "legislature/springfield-assembly", period: "term/21", role: "Member for Boe", start: "2019-02-01", end: "2023-01-14"),
            Membership("jane-doe", "legislature/springfield-assembly", "party/green-party", "term/21", "Member", "2019-01-15", "2023-01-14")]);
        // The last day of January 2021 is still in Jane's month-precise end; Bob's ended in 2020.
        Memberships((await ExportAsync("?validAt=2021-01-31")).Document).ShouldBe([
            Membership("jane-doe", "legislature/springfield-assembly", "party/green-party", "term/21", "Member", "2019-01-15", "2021-01")]);
    }

    [Fact]
    public async Task a_legislative_period_keeps_the_name_and_dates_of_the_file_that_gave_it()
    {
        await GivenSpringfieldAsync();
        var (career, _) = await ExportAsync();

        PopoloOracle.Array(career, "events").Select(e => e!.ToJsonString()).ShouldBe([
            new JsonObject
            {
                ["id"] = "term/21", ["name"] = "21st Parliament", ["classification"] = "legislative period",
                ["start_date"] = "2019-01-15", ["end_date"] = "2023-01-14",
            }.ToJsonString()]);
    }

    [Fact]
    public async Task importing_the_export_again_gives_the_same_export()
    {
        await GivenSpringfieldAsync();
        var (first, text) = await ExportAsync();
        Memberships(first).Count.ShouldBe(2);

        await ImportAsync(text, "https://example.org/springfield-export.json", "2021-02-01T00:00:00Z");
        var (again, _) = await ExportAsync();

        Memberships(again).ShouldBe(Memberships(first));
        PopoloOracle.Array(again, "events").ToJsonString().ShouldBe(PopoloOracle.Array(first, "events").ToJsonString());
        PopoloOracle.Array(again, "persons").ToJsonString().ShouldBe(PopoloOracle.Array(first, "persons").ToJsonString());
    }

    [Fact]
    public async Task the_seed_exports_the_offices_the_status_view_shows_with_their_own_names()
    {
        await App.SeedAsync();
        var (career, _) = await ExportAsync();

        // Senator is observed (2013-11), never given a start: held, with no start_date to invent and no end on record.
        Memberships(career, "mustafa-kamal").ShouldBe([
            Membership("mustafa-kamal", "legislature/city-district-government-karachi", role: "Mayor of Karachi", start: "2005", end: "2010"),
            Membership("mustafa-kamal", "legislature/government-of-sindh", role: "Information Technology Minister of Sindh", start: "2003", end: "2005"),
            Membership("mustafa-kamal", "legislature/senate-of-pakistan", role: "Senator"),
            Membership("mustafa-kamal", "party/muttahida-qaumi-movement")]);

        // On 2008-06-01 he was Mayor of Karachi, as GET /api/people/mustafa-kamal?validAt=2008-06-01 says.
        Memberships((await ExportAsync("?validAt=2008-06-01")).Document, "mustafa-kamal").ShouldBe([
            Membership("mustafa-kamal", "legislature/city-district-government-karachi", role: "Mayor of Karachi", start: "2005", end: "2010")]);
    }

    /// <summary>Kim sits for the Green Party, then for the Blue Party, within one term: two memberships of the file.</summary>
    private static readonly string Switch = """
        {
          "persons": [{ "id": "p-kim", "name": "Kim Lee" }],
          "organizations": [
            { "id": "springfield", "name": "Springfield Assembly", "classification": "legislature" },
            { "id": "party/green", "name": "Green Party", "classification": "party" },
            { "id": "party/blue", "name": "Blue Party", "classification": "party" }
          ],
          "events": [{ "id": "term/21", "name": "21st Parliament", "classification": "legislative period", "start_date": "2019-01-15", "end_date": "2023-01-14" }],
          "memberships": [
            { "person_id": "p-kim", "organization_id": "springfield", "on_behalf_of_id": "party/green", "legislative_period_id": "term/21", "role": "member", "start_date": "2019-01-15", "end_date": "2020-06-30" },
            { "person_id": "p-kim", "organization_id": "springfield", "on_behalf_of_id": "party/blue", "legislative_period_id": "term/21", "role": "member", "start_date": "2020-07-01", "end_date": "2023-01-14" }
          ]
        }
        """;

    [Fact]
    public async Task a_party_switch_within_a_term_stays_two_memberships_each_with_its_party()
    {
        await ImportAsync(Switch, Series, "2023-02-01T00:00:00Z");
        var (career, text) = await ExportAsync();

        var expected = new List<string>
        {
            Membership("kim-lee", "legislature/springfield-assembly", "party/green-party", "term/21", "Member", "2019-01-15", "2020-06-30"),
            Membership("kim-lee", "legislature/springfield-assembly", "party/blue-party", "term/21", "Member", "2020-07-01", "2023-01-14"),
        };
        Memberships(career, "kim-lee").ShouldBe(expected);

        await ImportAsync(text, "https://example.org/switch-export.json", "2023-03-01T00:00:00Z");
        Memberships((await ExportAsync()).Document, "kim-lee").ShouldBe(expected, "exported and imported again, the two stints stay two");
    }

    [Fact]
    public async Task after_a_party_switch_within_a_term_the_status_view_has_the_seat_held_since_the_term_began_and_the_new_party()
    {
        await ImportAsync(Switch, Series, "2023-02-01T00:00:00Z");

        var status = await StatusAsync("/api/people/kim-lee?validAt=2021-01-01");
        status["statusLine"]!.GetValue<string>().ShouldBe("Member");
        var seat = status["offices"]!.AsArray().ShouldHaveSingleItem()!;
        (seat["since"]!.GetValue<string>(), seat["until"]!.GetValue<string>(), seat["contested"]!.GetValue<bool>()).ShouldBe(("2019-01-15", "2023-01-14", false));
        status["parties"]!.AsArray().Select(p => p!["party"]!.GetValue<string>()).ShouldBe(["Blue Party"]);
        status["openContradictions"]!.GetValue<int>().ShouldBe(0, "two memberships of one term, one after the other, do not contradict each other");
    }

    [Fact]
    public async Task a_member_re_elected_for_the_same_party_is_still_its_member_in_the_second_term()
    {
        var twoTerms = """
            {
              "persons": [{ "id": "p-kim", "name": "Kim Lee" }],
              "organizations": [
                { "id": "springfield", "name": "Springfield Assembly", "classification": "legislature" },
                { "id": "party/green", "name": "Green Party", "classification": "party" }
              ],
              "events": [
                { "id": "term/21", "name": "21st Parliament", "classification": "legislative period", "start_date": "2019-01-15", "end_date": "2023-01-14" },
                { "id": "term/22", "name": "22nd Parliament", "classification": "legislative period", "start_date": "2023-01-15", "end_date": "2027-01-14" }
              ],
              "memberships": [
                { "person_id": "p-kim", "organization_id": "springfield", "on_behalf_of_id": "party/green", "legislative_period_id": "term/21", "role": "member", "start_date": "2019-01-15", "end_date": "2023-01-14" },
                { "person_id": "p-kim", "organization_id": "springfield", "on_behalf_of_id": "party/green", "legislative_period_id": "term/22", "role": "member", "start_date": "2023-01-15", "end_date": "2027-01-14" }
              ]
            }
            """;
        await ImportAsync(twoTerms, Series, "2023-02-01T00:00:00Z");

        var status = await StatusAsync("/api/people/kim-lee?validAt=2024-01-01");
        var party = status["parties"]!.AsArray().ShouldHaveSingleItem()!;
        (party["party"]!.GetValue<string>(), party["since"]!.GetValue<string>()).ShouldBe(("Green Party", "2019-01-15"));
    }

    [Fact]
    public async Task a_seat_left_and_taken_again_and_a_party_rejoined_are_exported_as_a_membership_per_stint()
    {
        await ImportAsync("""
            {
              "persons": [{ "id": "p-kim", "name": "Kim Lee" }],
              "organizations": [
                { "id": "springfield", "name": "Springfield Assembly", "classification": "legislature" },
                { "id": "party/green", "name": "Green Party", "classification": "party" }
              ],
              "memberships": [
                { "person_id": "p-kim", "organization_id": "springfield", "role": "member", "start_date": "2010-01-01", "end_date": "2012-06-30" },
                { "person_id": "p-kim", "organization_id": "springfield", "role": "member", "start_date": "2015-01-01" },
                { "person_id": "p-kim", "organization_id": "party/green", "start_date": "2009-03-01", "end_date": "2011-12-31" },
                { "person_id": "p-kim", "organization_id": "party/green", "start_date": "2014-05-01" }
              ]
            }
            """, Series, "2016-02-01T00:00:00Z");

        var expected = new List<string>
        {
            Membership("kim-lee", "legislature/springfield-assembly", role: "Member", start: "2010-01-01", end: "2012-06-30"),
            Membership("kim-lee", "legislature/springfield-assembly", role: "Member", start: "2015-01-01"),
            Membership("kim-lee", "party/green-party", start: "2009-03-01", end: "2011-12-31"),
            Membership("kim-lee", "party/green-party", start: "2014-05-01"),
        };
        Memberships((await ExportAsync()).Document, "kim-lee").Order(StringComparer.Ordinal).ShouldBe(expected.Order(StringComparer.Ordinal));
        Memberships((await ExportAsync("?validAt=2013-01-01")).Document, "kim-lee").ShouldBeEmpty("between the stints neither was held");

        var status = await StatusAsync("/api/people/kim-lee?validAt=2016-01-01");
        status["statusLine"]!.GetValue<string>().ShouldBe("Member");
        status["offices"]![0]!["since"]!.GetValue<string>().ShouldBe("2015-01-01");
        status["parties"]![0]!["since"]!.GetValue<string>().ShouldBe("2014-05-01");
        status["openContradictions"]!.GetValue<int>().ShouldBe(0);
    }

    [Fact]
    public async Task a_party_membership_that_ended_on_no_given_day_is_not_exported_as_held()
    {
        await GivenSpringfieldAsync();
        var news = await GivenSourceAsync("https://news.example.org/blue", "Jane Doe joined the Blue Party in 2015. Jane Doe has since left the Blue Party.");
        JsonObject Party(string type, string quote) => new()
        {
            ["type"] = type, ["party"] = "Blue Party", ["sourceId"] = news, ["quote"] = quote,
            ["claimant"] = new JsonObject { ["name"] = "Springfield Gazette" },
        };
        await GivenClaimAsync(Party("PartyJoined", "Jane Doe joined the Blue Party in 2015.").With("validTime", "2015"), "jane-doe");
        await GivenClaimAsync(Party("PartyLeft", "Jane Doe has since left the Blue Party."), "jane-doe");

        var (career, _) = await ExportAsync();

        // Popolo cannot say "ended, day unknown", and a membership without end_date would read as held today.
        Memberships(career, "jane-doe").ShouldBe([
            Membership("jane-doe", "legislature/springfield-assembly", "party/green-party", "term/21", "Member", "2019-01-15", "2021-01")]);
    }
}
