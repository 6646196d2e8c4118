using System.Text.Json.Nodes;
using Marten;
using Shouldly;
using Timeline.Claims;
using Timeline.Contradictions;
using Timeline.Tests.Infrastructure;
using Xunit;

namespace Timeline.Tests.Record;

/// <summary>A contradiction document's ContestedSince as stored: an older build's value is never carried forward.</summary>
public sealed class ContestedSinceStorageTests(AppFixture app) : RecordApiTest(app)
{
    [Fact]
    public async Task a_stored_contested_since_that_disagrees_with_the_claims_is_worked_out_again_on_the_next_append()
    {
        const string Text = "Mustafa Kamal was Mayor of Karachi from 2005 to June 2007. He was Mayor from 2005 to 2008. He became Mayor in 2005.";
        await GivenPersonAndSourceAsync();
        var sourceId = await GivenSourceAsync("https://example.org/mayor-ends", Text);
        JsonObject Mayor(string validTime, string quote) => RecordApi.Mayor(sourceId, "OfficeTaken", quote, validTime);
        await GivenClaimAsync(Mayor("2005/2007-06", "Mustafa Kamal was Mayor of Karachi from 2005 to June 2007."));
        await GivenClaimAsync(Mayor("2005/2008", "He was Mayor from 2005 to 2008."));

        // The document as an older build (other rules, same rules version) left it: contested since the first claim.
        string key;
        DateTimeOffset truth;
        await using (var session = App.Store.LightweightSession())
        {
            var stored = (await session.Query<Contradiction>().Where(c => c.PersonId == PersonId).ToListAsync(Ct)).ShouldHaveSingleItem();
            key = stored.Id;
            truth = stored.ContestedSince!.Value;
            stored.ContestedSince = stored.Claims.Min(c => c.RecordedAt);
            stored.ContestedSince.ShouldNotBe(truth);
            session.Store(stored);
            await session.SaveChangesAsync(Ct);
        }

        // A node with nothing kept appends an agreeing claim.
        await using var other = await AppFixture.StartHostAsync(App.ConnectionString);
        using var otherClient = AppFixture.ClientFor(other);
        using var appended = await AppendAsync(Mayor("2005", "He became Mayor in 2005."), client: otherClient);
        appended.StatusCode.ShouldBe(System.Net.HttpStatusCode.Created, await TextAsync(appended));

        await using (var session = App.Store.QuerySession())
        {
            var document = (await session.LoadAsync<Contradiction>(key, Ct))!;
            document.ContestedSince.ShouldBe(PropositionLedger.ContestedSince(document.Claims), "the document says when its own claims came to conflict");
        }

        var listed = (await Body(await Get($"/api/contradictions?person={PersonId}"))).GetProperty("items")[0];
        DateTimeOffset.Parse(listed.GetProperty("contestedSince").GetString()!, System.Globalization.CultureInfo.InvariantCulture).ShouldBe(truth);
    }
}
