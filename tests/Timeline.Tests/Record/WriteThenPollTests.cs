using System.Net;
using System.Net.Http.Headers;
using Shouldly;
using Timeline.Tests.Infrastructure;
using Xunit;

namespace Timeline.Tests.Record;

/// <summary>A client that wrote is never told "not modified" about the version before its own write.</summary>
public sealed class WriteThenPollTests(AppFixture app) : RecordApiTest(app)
{
    private const int Rounds = 25;

    [Fact]
    public async Task a_poll_right_after_an_acknowledged_append_never_answers_304_with_the_old_etag()
    {
        var source = await GivenPersonAndSourceAsync();
        for (var round = 0; round < Rounds; round++)
        {
            using var before = await Get($"/api/people/{PersonId}");
            var etag = before.Headers.ETag.ShouldNotBeNull();
            using (var appended = await AppendAsync(RecordApi.Claim(source, Guid.NewGuid())))
            {
                appended.StatusCode.ShouldBe(HttpStatusCode.Created);
            }

            var poll = new HttpRequestMessage(HttpMethod.Get, $"/api/people/{PersonId}");
            poll.Headers.IfNoneMatch.Add(new EntityTagHeaderValue(etag.Tag));
            using var after = await Http.SendAsync(poll, Ct);
            after.StatusCode.ShouldBe(HttpStatusCode.OK, $"round {round}: the poll was answered from the version before the write");
            (await Body(after)).GetProperty("version").GetInt64().ShouldBe(round + 2);
        }
    }
}
