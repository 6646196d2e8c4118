using System.Text.Json;
using Shouldly;
using Timeline.Imports;
using Xunit;

namespace Timeline.Tests.Interop;

/// <summary>
/// A Popolo claim's id derives from its series, its person and what it states, so a later import of the series finds
/// the claims earlier builds appended. These ids are the ones 50f7288 gives (the build before the id's computation was
/// reworked; this test passes there too), astral characters and quotes included; a change to them would make every
/// re-import of a series append its claims again.
/// </summary>
public sealed class ClaimIdStabilityTests
{
    private const string File = """
        {
          "persons": [
            { "id": "p1", "name": "Ana Lima", "birth_date": "1961-04-02", "identifiers": [ { "scheme": "wikidata", "identifier": "Q42" } ] },
            { "id": "p2", "name": "Zoë Park – “Jr.”", "death_date": "2019" },
            { "id": "p3", "name": "𝔄da Lovelace 😀", "birth_date": "1815-12-10" }
          ],
          "organizations": [
            { "id": "chamber", "name": "Bench Chamber", "classification": "legislature" },
            { "id": "party/a", "name": "Party A", "classification": "party" }
          ],
          "events": [ { "id": "term/7", "name": "Term 7", "classification": "legislative period", "start_date": "1999-01-01", "end_date": "2002-12-31" } ],
          "memberships": [
            { "person_id": "p1", "organization_id": "chamber", "on_behalf_of_id": "party/a", "legislative_period_id": "term/7", "role": "member" },
            { "person_id": "p2", "organization_id": "party/a", "start_date": "2001-05" },
            { "person_id": "p3", "organization_id": "chamber", "legislative_period_id": "term/7", "role": "Member \"at large\" 😀" }
          ]
        }
        """;

    [Fact]
    public void each_claim_keeps_the_id_earlier_builds_gave_it()
    {
        using var document = JsonDocument.Parse(File);
        var claims = PopoloFile.Read(document.RootElement).Claims("src-any", "https://example.org/chamber.json", "Popolo import")
            .Select(c => $"{c.PersonId} {c.Request.Type} {c.Request.Predicate ?? c.Request.Office ?? c.Request.Party} {c.Request.ClaimId}")
            .ToList();

        string.Join("\n", claims).ShouldBe(string.Join("\n", Golden));
    }

    private static readonly string[] Golden =
    [
        "ana-lima StatementMade born ba54e0e9-2bc3-3aef-e332-644bb107e9ea",
        "ana-lima StatementMade has-identifier fc482135-2d12-447b-430a-f1233660e1fe",
        "zoë-park-jr StatementMade died 63e0540c-5de6-3221-bcfc-83328475e8a3",
        "ada-lovelace StatementMade born ff3ab5d8-ecc7-b4e5-5578-221b94c41d48",
        "ana-lima OfficeTaken Member 2db452ca-d1d7-0fb3-d631-db5540536c7a",
        "ana-lima PartyJoined Party A 326ce15b-e78d-4156-496e-6596c65f4c62",
        "zoë-park-jr PartyJoined Party A 3cdfc421-764f-bf9f-ae04-b3a28fce306e",
        "ada-lovelace OfficeTaken Member \"at large\" 😀 4d1a6f5f-727a-1ee2-1390-e544bf8a10f7",
    ];
}
