using System.Net;
using Shouldly;
using Timeline.Tests.Infrastructure;
using Xunit;

namespace Timeline.Tests.Record;

/// <summary>If-Match and Idempotency-Key on POST /api/people/{id}/claims.</summary>
public sealed class PreconditionTests(AppFixture app) : RecordApiTest(app)
{
    [Fact]
    public async Task appending_with_a_stale_if_match_is_412_and_appends_nothing()
    {
        var sourceId = await GivenPersonAndSourceAsync();
        await GivenClaimAsync(RecordApi.Claim(sourceId));
        var before = await StateAsync();

        using var response = await AppendAsync(RecordApi.Claim(sourceId, quote: RecordApi.ConfirmedQuote), ifMatch: "\"1\"");

        var problem = await ShouldBeProblemAsync(response, HttpStatusCode.PreconditionFailed);
        problem.GetProperty("expectedVersion").GetInt64().ShouldBe(1);
        problem.GetProperty("actualVersion").GetInt64().ShouldBe(2);
        await NothingAppendedSinceAsync(before);
    }

    [Fact]
    public async Task appending_with_an_if_match_ahead_of_the_stream_is_412_and_appends_nothing()
    {
        var sourceId = await GivenPersonAndSourceAsync();
        var before = await StateAsync();

        using var response = await AppendAsync(RecordApi.Claim(sourceId), ifMatch: "\"7\"");

        await ShouldBeProblemAsync(response, HttpStatusCode.PreconditionFailed);
        await NothingAppendedSinceAsync(before);
    }

    [Theory]
    [InlineData("\"2\"")]
    [InlineData("2")]
    public async Task appending_with_the_current_version_in_if_match_is_201(string ifMatch)
    {
        var sourceId = await GivenPersonAndSourceAsync();
        await GivenClaimAsync(RecordApi.Claim(sourceId));

        using var response = await AppendAsync(RecordApi.Claim(sourceId, quote: RecordApi.ConfirmedQuote), ifMatch: ifMatch);

        response.StatusCode.ShouldBe(HttpStatusCode.Created, await TextAsync(response));
        (await Body(response)).GetProperty("version").GetInt64().ShouldBe(3);
        (await EventsAsync()).Count.ShouldBe(3);
    }

    [Theory]
    [InlineData("\"abc\"")]
    [InlineData("\"-1\"")]
    public async Task appending_with_a_malformed_if_match_is_400_and_appends_nothing(string ifMatch)
    {
        var sourceId = await GivenPersonAndSourceAsync();
        var before = await StateAsync();

        using var response = await AppendAsync(RecordApi.Claim(sourceId), ifMatch: ifMatch);

        await ShouldBeProblemAsync(response, HttpStatusCode.BadRequest);
        await NothingAppendedSinceAsync(before);
    }

    [Fact]
    public async Task retrying_with_the_same_idempotency_key_and_body_returns_the_first_response_and_appends_once()
    {
        var sourceId = await GivenPersonAndSourceAsync();
        var claim = RecordApi.Claim(sourceId); // no claim id: the server makes a new one per request unless the key replays
        using var first = await AppendAsync(claim, idempotencyKey: "key-1");
        var firstBody = await TextAsync(first);
        first.StatusCode.ShouldBe(HttpStatusCode.Created, firstBody);

        using var retry = await AppendAsync(claim, idempotencyKey: "key-1");

        retry.StatusCode.ShouldBe(HttpStatusCode.Created);
        (await TextAsync(retry)).ShouldBe(firstBody);
        var stream = await EventsAsync();
        stream.Count.ShouldBe(2);
        stream[^1].EntryId.ShouldBe((await Body(first)).GetProperty("id").GetGuid());
    }

    [Fact]
    public async Task reusing_an_idempotency_key_with_another_body_is_422_and_appends_nothing()
    {
        var sourceId = await GivenPersonAndSourceAsync();
        using (var first = await AppendAsync(RecordApi.Claim(sourceId), idempotencyKey: "key-1")) first.StatusCode.ShouldBe(HttpStatusCode.Created);
        var before = await StateAsync();

        using var other = await AppendAsync(RecordApi.Claim(sourceId, quote: RecordApi.ConfirmedQuote), idempotencyKey: "key-1");

        var problem = await ShouldBeProblemAsync(other, (HttpStatusCode)422);
        problem.GetProperty("type").GetString().ShouldEndWith("idempotency-key-reused");
        await NothingAppendedSinceAsync(before);
    }

    [Fact]
    public async Task idempotency_keys_survive_a_restart_of_the_service()
    {
        var sourceId = await GivenPersonAndSourceAsync();
        var claim = RecordApi.Claim(sourceId);
        using var first = await AppendAsync(claim, idempotencyKey: "key-restart");
        var firstBody = await TextAsync(first);
        first.StatusCode.ShouldBe(HttpStatusCode.Created, firstBody);

        await using var restarted = await AppFixture.StartHostAsync(App.ConnectionString);
        using var client = AppFixture.ClientFor(restarted);
        using var replay = await AppendAsync(claim, idempotencyKey: "key-restart", client: client);
        var replayBody = await TextAsync(replay);

        replay.StatusCode.ShouldBe(HttpStatusCode.Created, replayBody);
        replayBody.ShouldBe(firstBody);
        (await EventsAsync(client: client)).Count.ShouldBe(2);
        using var otherBody = await AppendAsync(RecordApi.Claim(sourceId, quote: RecordApi.ConfirmedQuote), idempotencyKey: "key-restart", client: client);
        await ShouldBeProblemAsync(otherBody, (HttpStatusCode)422);
        (await EventsAsync()).Count.ShouldBe(2);
    }

    [Fact]
    public async Task an_idempotency_key_longer_than_200_characters_is_400_and_appends_nothing()
    {
        var sourceId = await GivenPersonAndSourceAsync();
        var before = await StateAsync();

        using var response = await AppendAsync(RecordApi.Claim(sourceId), idempotencyKey: new string('k', 201));

        await ShouldBeProblemAsync(response, HttpStatusCode.BadRequest);
        await NothingAppendedSinceAsync(before);
    }

    [Fact]
    public async Task sixteen_concurrent_retries_with_one_idempotency_key_append_once_and_all_get_the_first_answer()
    {
        var sourceId = await GivenPersonAndSourceAsync();
        var claim = RecordApi.Claim(sourceId);
        using var start = new SemaphoreSlim(0, 16);

        var retries = Enumerable.Range(0, 16).Select(async _ =>
        {
            using var client = App.Client();
            await start.WaitAsync(Ct);
            using var response = await AppendAsync(claim, idempotencyKey: "key-race", client: client);
            return (Status: response.StatusCode, Body: await TextAsync(response));
        }).ToList();
        start.Release(16);
        var results = await Task.WhenAll(retries);

        results.ShouldAllBe(r => r.Status == HttpStatusCode.Created, string.Join("\n", results.Select(r => $"{r.Status}: {r.Body}")));
        results.Select(r => r.Body).Distinct().ShouldHaveSingleItem();
        (await EventsAsync()).Count.ShouldBe(2);
    }
}
