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
    public async Task people_the_bulk_path_registers_are_streams_as_one_registration_opens_them_and_take_claims()
    {
        var sourceId = await GivenPersonAndSourceAsync();
        var people = new List<Timeline.People.RegisterPerson>
        {
            new(PersonId, "Syed Mustafa Kamal", ["Mustafa Kamal"], null),
            new("anis-qaimkhani", " Anis Qaimkhani ", ["Anis Qaimkhani", "Anis Ahmed Qaimkhani"], null),
            new("Not A Slug", "Someone", null, null),
        };

        var result = await Timeline.Imports.BulkAppend.RegisterAsync(App.Store, people, "bulk-tests", Ct);

        (result.Registered, result.AlreadyThere).ShouldBe((1, 1));
        result.Refused.ShouldHaveSingleItem().Index.ShouldBe(2);
        var status = await Body(await Get("/api/people/anis-qaimkhani"));
        status.GetProperty("name").GetString().ShouldBe("Anis Qaimkhani");
        status.GetProperty("version").GetInt64().ShouldBe(1);
        var stream = await EventsAsync("anis-qaimkhani");
        stream.ShouldHaveSingleItem().Version.ShouldBe(1);
        stream[0].Data.GetProperty("aliases").EnumerateArray().Select(a => a.GetString()).ShouldBe(["Anis Ahmed Qaimkhani"]);
        // Consistency with Marten's own start of a stream (the API's registration): the same aggregate type and version.
        await using (var query = App.Store.QuerySession())
        {
            var bulk = (await query.Events.FetchStreamStateAsync("anis-qaimkhani", Ct)).ShouldNotBeNull();
            var single = (await query.Events.FetchStreamStateAsync(PersonId, Ct)).ShouldNotBeNull();
            (bulk.AggregateType, bulk.Version).ShouldBe((single.AggregateType, 1L));
        }

        // The single path appends to it as to any stream.
        using var claim = await Post("/api/people/anis-qaimkhani/claims", RecordApi.Claim(sourceId));
        claim.StatusCode.ShouldBe(HttpStatusCode.Created, await TextAsync(claim));
        (await EventsAsync("anis-qaimkhani")).Select(e => e.Version).ShouldBe([1L, 2L]);
    }

    [Fact]
    public async Task two_bulk_registrations_of_the_same_new_person_at_once_open_one_stream()
    {
        var person = new Timeline.People.RegisterPerson("anis-qaimkhani", "Anis Qaimkhani", null, null);
        var results = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ =>
            Task.Run(() => Timeline.Imports.BulkAppend.RegisterAsync(App.Store, [person], "bulk-tests", Ct))));

        results.Sum(r => r.Registered).ShouldBe(1);
        results.Sum(r => r.AlreadyThere).ShouldBe(3);
        (await EventsAsync("anis-qaimkhani")).ShouldHaveSingleItem().Version.ShouldBe(1);
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
