using System.Net;
using Shouldly;
using Timeline.Tests.Infrastructure;
using Xunit;

namespace Timeline.Tests.Record;

public sealed class RegisterPersonTests(AppFixture app) : RecordApiTest(app)
{
    [Fact]
    public async Task registering_a_person_is_201_with_a_location_and_opens_their_stream()
    {
        using var response = await Post("/api/people", RecordApi.Person("mustafa-kamal"));

        response.StatusCode.ShouldBe(HttpStatusCode.Created, await TextAsync(response));
        response.Headers.Location.ShouldNotBeNull().OriginalString.ShouldBe("/api/people/mustafa-kamal");
        var body = await Body(response);
        body.GetProperty("id").GetString().ShouldBe("mustafa-kamal");
        body.GetProperty("name").GetString().ShouldBe("Syed Mustafa Kamal");
        body.GetProperty("version").GetInt64().ShouldBe(1);
        var stream = await EventsAsync("mustafa-kamal");
        stream.Count.ShouldBe(1);
        stream[0].Version.ShouldBe(1);
        stream[0].Data.GetProperty("personId").GetString().ShouldBe("mustafa-kamal");
        body.GetProperty("sequence").GetInt64().ShouldBe(stream[0].Sequence);
    }

    [Fact]
    public async Task registering_the_same_id_again_is_409_and_appends_nothing()
    {
        using (var first = await Post("/api/people", RecordApi.Person("mustafa-kamal"))) first.StatusCode.ShouldBe(HttpStatusCode.Created);
        var before = await StateAsync("mustafa-kamal");

        using var again = await Post("/api/people", RecordApi.Person("mustafa-kamal", "Someone Else"));

        await ShouldBeProblemAsync(again, HttpStatusCode.Conflict);
        await NothingAppendedSinceAsync(before, "mustafa-kamal");
        (await EventsAsync("mustafa-kamal"))[0].Data.GetProperty("name").GetString().ShouldBe("Syed Mustafa Kamal");
    }

    [Fact]
    public async Task registering_an_id_that_is_not_a_slug_is_422_and_opens_no_stream()
    {
        var before = await AllEventsAsync();

        using var response = await Post("/api/people", RecordApi.Person("Not A Slug"));

        var problem = await ShouldBeProblemAsync(response, (HttpStatusCode)422);
        FieldErrors(problem, "id").ShouldContain(m => m.Contains("slug"));
        (await AllEventsAsync()).ShouldBe(before);
    }

    [Fact]
    public async Task registering_without_a_name_is_422_and_opens_no_stream()
    {
        var before = await StateAsync("mustafa-kamal");

        using var response = await Post("/api/people", RecordApi.Person("mustafa-kamal").Without("name"));

        var problem = await ShouldBeProblemAsync(response, (HttpStatusCode)422);
        FieldErrors(problem, "name");
        await NothingAppendedSinceAsync(before, "mustafa-kamal");
    }
}
