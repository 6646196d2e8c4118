using System.Net;
using System.Text;
using Shouldly;
using Timeline.Tests.Infrastructure;
using Timeline.Tests.Record;
using Xunit;

namespace Timeline.Tests.Interop;

/// <summary>An import says who brought it in, like every other write: the stored file and the people it registered.</summary>
public sealed class ImportProvenanceTests(AppFixture app) : RecordApiTest(app)
{
    [Fact]
    public async Task the_file_and_the_people_an_import_registers_are_recorded_by_the_key_that_sent_it()
    {
        var file = PopoloOracle.Nauru();
        using var response = await PostRaw($"/api/imports/popolo?source={Uri.EscapeDataString(PopoloImportTests.Series)}",
            new StringContent(file.ToJsonString(), Encoding.UTF8, "application/json"));
        response.StatusCode.ShouldBe(HttpStatusCode.OK, await TextAsync(response));
        var sourceId = (await Body(response)).GetProperty("sourceId").GetString()!;

        using var source = await Get($"/api/sources/{sourceId}");
        var stored = await Body(source);
        stored.GetProperty("registeredBy").GetString().ShouldBe(AppFixture.PrincipalOf("admin"));

        var personId = stored.GetProperty("personIds").EnumerateObject().First().Value.GetString()!;
        using var events = await Get($"/api/people/{personId}/events");
        var recorded = (await Body(events)).GetProperty("events").EnumerateArray()
            .Select(e => (Type: e.GetProperty("type").GetString(), By: e.GetProperty("recordedBy").GetString())).ToList();
        recorded.ShouldNotBeEmpty();
        recorded.ShouldAllBe(e => e.By == AppFixture.PrincipalOf("admin"), string.Join(", ", recorded));
    }
}
