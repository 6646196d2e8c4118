using System.Diagnostics;
using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Alba;
using Shouldly;
using Timeline.Hosting;
using Timeline.Tests.Infrastructure;
using Timeline.Tests.Record;
using Xunit;

namespace Timeline.Tests.Hosting;

/// <summary>
/// PostgreSQL stopped under a running service: every request answers 503 problem+json with Retry-After within a bound,
/// and once PostgreSQL is back the service serves again without a restart, with every acknowledged claim still there.
/// Runs on a private cluster of its own, since it stops the server.
/// </summary>
public sealed class OutageTests : IAsyncLifetime
{
    private const string PersonId = "outage-person";

    // The connection timeout plus room for a loaded machine: a request must not hang until a client gives up.
    private static readonly TimeSpan AnswerBound = TimeSpan.FromSeconds(DatabaseOutage.ConnectTimeoutSeconds + 10);
    private static readonly TimeSpan RecoveryBound = TimeSpan.FromSeconds(60);

    private readonly string _directory = TestDirectories.Create("outage");
    private EmbeddedPostgresOptions _options = null!;
    private EmbeddedPostgres? _server;
    private IAlbaHost _host = null!;
    private HttpClient _http = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        _options = new EmbeddedPostgresOptions(_directory) { Fast = true, Port = ServiceProcess.FreePort() };
        _server = await Task.Run(() => EmbeddedPostgres.Start(_options));
        _host = await AppFixture.StartHostAsync(_server.ConnectionString);
        _http = AppFixture.ClientFor(_host);
    }

    [Fact]
    public async Task while_postgres_is_down_requests_answer_503_with_retry_after_and_afterwards_the_service_recovers_with_nothing_lost()
    {
        (await SendAsync(HttpMethod.Post, "/api/people", RecordApi.Person(PersonId))).Status.ShouldBe(HttpStatusCode.Created);
        var source = await SendAsync(HttpMethod.Post, "/api/sources", RecordApi.Source());
        source.Status.ShouldBe(HttpStatusCode.Created, source.Body);
        var sourceId = JsonDocument.Parse(source.Body).RootElement.GetProperty("id").GetString()!;
        var acknowledged = new List<Guid>();
        for (var i = 0; i < 5; i++)
        {
            var claimId = Guid.NewGuid();
            var append = await SendAsync(HttpMethod.Post, $"/api/people/{PersonId}/claims", RecordApi.Claim(sourceId, claimId));
            append.Status.ShouldBe(HttpStatusCode.Created, append.Body);
            acknowledged.Add(claimId);
        }

        await _server!.DisposeAsync();
        _server = null;

        foreach (var (method, path, body) in new (HttpMethod, string, JsonObject?)[]
                 {
                     (HttpMethod.Get, $"/api/people/{PersonId}", null),
                     (HttpMethod.Post, $"/api/people/{PersonId}/claims", RecordApi.Claim(sourceId)),
                     (HttpMethod.Get, $"/api/claims?person={PersonId}", null),
                     (HttpMethod.Get, $"/api/people/{PersonId}", null),
                 })
        {
            var clock = Stopwatch.StartNew();
            var answer = await SendAsync(method, path, body);
            clock.Elapsed.ShouldBeLessThan(AnswerBound, $"{method} {path}");
            answer.Status.ShouldBe(HttpStatusCode.ServiceUnavailable, $"{method} {path}: {answer.Body}");
            answer.ContentType.ShouldBe(RecordApi.ProblemJson, $"{method} {path}");
            answer.RetryAfter.ShouldNotBeNullOrEmpty($"{method} {path}");
            JsonDocument.Parse(answer.Body).RootElement.GetProperty("status").GetInt32().ShouldBe(503);
        }

        (await SendAsync(HttpMethod.Get, "/health/ready", null)).Status.ShouldBe(HttpStatusCode.ServiceUnavailable);
        (await SendAsync(HttpMethod.Get, "/health/live", null)).Status.ShouldBe(HttpStatusCode.OK);

        _server = await Task.Run(() => EmbeddedPostgres.Start(_options), Ct);

        var recovery = Stopwatch.StartNew();
        Answer read;
        while ((read = await SendAsync(HttpMethod.Get, $"/api/people/{PersonId}", null)).Status != HttpStatusCode.OK)
        {
            read.Status.ShouldBe(HttpStatusCode.ServiceUnavailable, read.Body);
            recovery.Elapsed.ShouldBeLessThan(RecoveryBound, "the service did not recover after PostgreSQL came back");
            await Task.Delay(200, Ct);
        }

        var after = Guid.NewGuid();
        var appended = await SendAsync(HttpMethod.Post, $"/api/people/{PersonId}/claims", RecordApi.Claim(sourceId, after));
        appended.Status.ShouldBe(HttpStatusCode.Created, appended.Body);
        acknowledged.Add(after);
        (await SendAsync(HttpMethod.Get, "/health/ready", null)).Status.ShouldBe(HttpStatusCode.OK);

        var claims = await SendAsync(HttpMethod.Get, $"/api/claims?person={PersonId}&limit=1000", null);
        claims.Status.ShouldBe(HttpStatusCode.OK, claims.Body);
        JsonDocument.Parse(claims.Body).RootElement.GetProperty("items").EnumerateArray()
            .Select(c => c.GetProperty("id").GetGuid()).Order().ShouldBe(acknowledged.Order());
    }

    private sealed record Answer(HttpStatusCode Status, string Body, string? ContentType, string? RetryAfter);

    private async Task<Answer> SendAsync(HttpMethod method, string path, JsonObject? body)
    {
        using var request = new HttpRequestMessage(method, path);
        if (body is not null) request.Content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json");
        using var response = await _http.SendAsync(request, Ct);
        return new Answer(response.StatusCode, await response.Content.ReadAsStringAsync(Ct), response.Content.Headers.ContentType?.MediaType,
            response.Headers.RetryAfter?.ToString());
    }

    public async ValueTask DisposeAsync()
    {
        _http?.Dispose();
        if (_host is not null) await _host.DisposeAsync();
        if (_server is not null) await _server.DisposeAsync();
        TestDirectories.Delete(_directory);
    }
}
