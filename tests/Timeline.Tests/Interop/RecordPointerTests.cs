using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Shouldly;
using Timeline.Tests.Infrastructure;
using Timeline.Tests.Record;
using Xunit;

namespace Timeline.Tests.Interop;

public sealed class RecordPointerTests(AppFixture app) : RecordApiTest(app)
{

    private string _sourceId = "";
    private string _personId = "";
    private string _otherPersonId = "";
    private int _otherMembership;

    public override async ValueTask InitializeAsync()
    {
        await base.InitializeAsync();
        var file = PopoloOracle.Nauru();
        using var response = await PostRaw($"/api/imports/popolo?source={Uri.EscapeDataString(PopoloImportTests.Series)}",
            new StringContent(file.ToJsonString(), Encoding.UTF8, "application/json"));
        response.StatusCode.ShouldBe(HttpStatusCode.OK, await TextAsync(response));
        _sourceId = (await Body(response)).GetProperty("sourceId").GetString()!;

        using var export = await Get("/api/exports/popolo");
        var people = PopoloOracle.Array((JsonObject)JsonNode.Parse(await TextAsync(export))!, "persons").ToDictionary(p => PopoloOracle.Text(p, "name")!, p => PopoloOracle.Text(p, "id")!);
        var names = PopoloOracle.Array(file, "persons").ToDictionary(p => PopoloOracle.Text(p, "id")!, p => PopoloOracle.Text(p, "name")!);
        var memberships = PopoloOracle.Array(file, "memberships");
        var first = PopoloOracle.Text(memberships[0], "person_id")!;
        _personId = people[names[first]];
        _otherMembership = memberships.Select((m, i) => (m, i)).First(x => PopoloOracle.Text(x.m, "person_id") != first).i;
        _otherPersonId = people[names[PopoloOracle.Text(memberships[_otherMembership], "person_id")!]];
    }

    private JsonObject Seat(string pointer, string organization = "Parliament") => new()
    {
        ["type"] = "OfficeTaken",
        ["validTime"] = "2016-07-11/",
        ["sourceId"] = _sourceId,
        ["claimant"] = new JsonObject { ["name"] = "EveryPolitician" },
        ["pointer"] = pointer,
        ["office"] = "Member",
        ["organization"] = organization,
    };

    private async Task RefusedAsync(JsonObject claim, string personId, string problemType)
    {
        var before = await StateAsync(personId);
        using var response = await AppendAsync(claim, personId);
        var problem = await ShouldBeProblemAsync(response, HttpStatusCode.UnprocessableEntity);
        problem.GetProperty("type").GetString().ShouldBe($"https://timeline.invalid/problems/{problemType}", problem.ToString());
        await NothingAppendedSinceAsync(before, personId);
    }

    [Fact]
    public async Task a_claim_citing_a_membership_of_that_person_is_accepted_with_the_record_as_its_evidence()
    {
        var appended = await GivenClaimAsync(Seat("/memberships/0"), _personId);

        using var response = await Get($"/api/claims/{appended.GetProperty("claimId").GetGuid()}");
        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        var attribution = (await Body(response)).GetProperty("attribution");
        attribution.GetProperty("pointer").GetString().ShouldBe("/memberships/0");
        var cited = JsonNode.Parse(attribution.GetProperty("quote").GetString()!)!;
        JsonNode.DeepEquals(cited, PopoloOracle.Array(PopoloOracle.Nauru(), "memberships")[0]).ShouldBeTrue("the quote holds the record the pointer names");
    }

    [Fact]
    public async Task a_pointer_that_names_no_record_is_refused()
    {
        await RefusedAsync(Seat("/memberships/9999"), _personId, "pointer-not-in-source");
        await RefusedAsync(Seat("/memberships/00"), _personId, "pointer-not-in-source");
        await RefusedAsync(Seat("/nothing/here"), _personId, "pointer-not-in-source");
    }

    [Fact]
    public async Task a_record_that_does_not_support_the_claim_is_refused()
    {
        await RefusedAsync(Seat($"/memberships/{_otherMembership}"), _personId, "pointer-does-not-support");
        await RefusedAsync(Seat("/memberships/0", organization: "Senate of Pakistan"), _personId, "pointer-does-not-support");
        await RefusedAsync(Seat("/areas/0"), _personId, "pointer-does-not-support");
        _otherPersonId.ShouldNotBe(_personId);
    }

    [Fact]
    public async Task a_structured_source_needs_a_pointer_and_a_text_source_a_quote()
    {
        await RefusedAsync(Seat("/memberships/0").Without("pointer").With("quote", "member"), _personId, "pointer-required");

        var textSource = await GivenSourceAsync();
        var claim = RecordApi.Claim(textSource).Without("quote").With("pointer", "/memberships/0");
        await RefusedAsync(claim, _personId, "pointer-on-text-source");
    }
}
