using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Shouldly;
using Timeline.Tests.Infrastructure;
using Timeline.Tests.Record;
using Xunit;

namespace Timeline.Tests.Access;

public sealed partial class AccessTests(AppFixture app) : RecordApiTest(app)
{
    // Written from the issue, not read from the service's table: editors register people and sources and append
    // claims (retractions included), reviewers rule, everything else that writes is admin's.
    private static readonly Dictionary<string, string> Documented = new()
    {
        ["POST /api/people"] = "editor",
        ["POST /api/sources"] = "editor",
        ["POST /api/people/{id}/claims"] = "editor",
        ["POST /api/claims/{claimId}/rulings"] = "reviewer",
    };

    private static readonly string[] Roles = ["editor", "reviewer", "admin"];

    /// <summary>Every non-GET/HEAD route the running app maps, as "METHOD /pattern".</summary>
    private List<(string Method, string Pattern)> WriteRoutes()
    {
        var endpoints = App.Host.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>();
        return endpoints
            .SelectMany(e => (e.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods ?? ["POST", "PUT", "PATCH", "DELETE"])
                .Select(m => (Method: m.ToUpperInvariant(), Pattern: "/" + e.RoutePattern.RawText!.Trim('/'))))
            .Where(r => r.Method is not ("GET" or "HEAD"))
            .Distinct()
            .ToList();
    }

    private static string Fill(string pattern) =>
        RouteParameter().Replace(pattern, m => m.Groups[1].Value.EndsWith("Id", StringComparison.Ordinal) ? Guid.NewGuid().ToString() : "access-probe");

    private static async Task<HttpResponseMessage> SendAsync(HttpClient client, string method, string path)
    {
        var request = new HttpRequestMessage(new HttpMethod(method), path) { Content = new StringContent("{}", Encoding.UTF8, "application/json") };
        return await client.SendAsync(request, Ct);
    }

    [Fact]
    public async Task every_write_route_of_the_running_app_answers_401_without_credentials_and_403_with_too_weak_a_role()
    {
        var routes = WriteRoutes();
        foreach (var documented in Documented.Keys) routes.Select(r => $"{r.Method} {r.Pattern}").ShouldContain(documented);

        using var anonymous = App.AnonymousClient();
        var before = await AllEventsAsync();
        foreach (var (method, pattern) in routes)
        {
            var path = Fill(pattern);
            using var none = await SendAsync(anonymous, method, path);
            none.StatusCode.ShouldBe(HttpStatusCode.Unauthorized, $"{method} {path} without credentials: {await TextAsync(none)}");
            none.Content.Headers.ContentType?.MediaType.ShouldBe(RecordApi.ProblemJson);
            none.Headers.WwwAuthenticate.ToString().ShouldStartWith("Bearer");

            var needed = Documented.GetValueOrDefault($"{method} {pattern}", "admin");
            foreach (var role in Roles)
            {
                using var client = App.Client(role);
                using var response = await SendAsync(client, method, path);
                var sufficient = role == "admin" || role == needed;
                if (sufficient)
                {
                    response.StatusCode.ShouldNotBeOneOf([HttpStatusCode.Unauthorized, HttpStatusCode.Forbidden], $"{role} on {method} {path}: {await TextAsync(response)}");
                }
                else
                {
                    response.StatusCode.ShouldBe(HttpStatusCode.Forbidden, $"{role} on {method} {path}: {await TextAsync(response)}");
                    response.Content.Headers.ContentType?.MediaType.ShouldBe(RecordApi.ProblemJson);
                }
            }
        }

        (await AllEventsAsync()).ShouldBe(before, "a refused or empty write appended events");
    }

    [Fact]
    public async Task an_unknown_key_is_401_with_invalid_token_and_changes_nothing()
    {
        using var client = App.AnonymousClient();
        client.DefaultRequestHeaders.Authorization = new("Bearer", "tl_not-a-key-anyone-was-given");
        var before = await StateAsync();
        using var response = await client.PostAsync("/api/people", new StringContent(RecordApi.Person(PersonId).ToJsonString(), Encoding.UTF8, "application/json"), Ct);
        response.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        response.Headers.WwwAuthenticate.ToString().ShouldContain("invalid_token");
        (await Body(response)).GetProperty("type").GetString().ShouldEndWith("/unauthenticated");
        await NothingAppendedSinceAsync(before);
    }

    [Fact]
    public async Task reads_are_public_by_default()
    {
        await GivenPersonAndSourceAsync();
        using var anonymous = App.AnonymousClient();
        using var person = await anonymous.GetAsync($"/api/people/{PersonId}", Ct);
        person.StatusCode.ShouldBe(HttpStatusCode.OK);
        using var events = await anonymous.GetAsync($"/api/people/{PersonId}/events", Ct);
        events.StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    [Fact]
    public async Task the_editor_writes_the_record_and_the_reviewer_rules_on_it()
    {
        using var editor = App.Client("editor");
        using var reviewer = App.Client("reviewer");
        (await Post(editor, "/api/people", RecordApi.Person(PersonId))).StatusCode.ShouldBe(HttpStatusCode.Created);
        using var source = await Post(editor, "/api/sources", RecordApi.Source());
        source.StatusCode.ShouldBe(HttpStatusCode.Created);
        var sourceId = (await Body(source)).GetProperty("id").GetString()!;
        using var claim = await Post(editor, $"/api/people/{PersonId}/claims", RecordApi.Claim(sourceId));
        claim.StatusCode.ShouldBe(HttpStatusCode.Created, await TextAsync(claim));
        var claimId = (await Body(claim)).GetProperty("claimId").GetGuid();

        using var editorRules = await Post(editor, $"/api/claims/{claimId}/rulings", RecordApi.Ruling());
        editorRules.StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        using var reviewerAppends = await Post(reviewer, $"/api/people/{PersonId}/claims", RecordApi.Claim(sourceId));
        reviewerAppends.StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        using var ruled = await Post(reviewer, $"/api/claims/{claimId}/rulings", RecordApi.Ruling());
        ruled.StatusCode.ShouldBe(HttpStatusCode.Created, await TextAsync(ruled));
    }

    [Fact]
    public async Task the_openapi_document_declares_the_bearer_scheme_on_writes()
    {
        using var response = await Get("/openapi/v1.json");
        var document = await Body(response);
        var scheme = document.GetProperty("components").GetProperty("securitySchemes").GetProperty("Bearer");
        scheme.GetProperty("type").GetString().ShouldBe("http");
        scheme.GetProperty("scheme").GetString().ShouldBe("bearer");
        var post = document.GetProperty("paths").GetProperty("/api/people").GetProperty("post");
        post.GetProperty("security").EnumerateArray().Count(r => r.TryGetProperty("Bearer", out var _)).ShouldBe(1);
        document.GetProperty("paths").GetProperty("/api/people/{id}").GetProperty("get").TryGetProperty("security", out _).ShouldBeFalse();

        // The server sets recordedBy: no request body offers it, and the views still show it.
        var schemas = document.GetProperty("components").GetProperty("schemas");
        var body = post.GetProperty("requestBody").GetProperty("content").GetProperty("application/json").GetProperty("schema").GetProperty("$ref").GetString()!;
        schemas.GetProperty(body.Split('/')[^1]).GetProperty("properties").TryGetProperty("recordedBy", out _).ShouldBeFalse();
        schemas.EnumerateObject().Count(s => s.Value.TryGetProperty("properties", out var p) && p.TryGetProperty("recordedBy", out _)).ShouldBeGreaterThan(0);
    }

    private static Task<HttpResponseMessage> Post(HttpClient client, string url, System.Text.Json.Nodes.JsonObject body) =>
        client.PostAsync(url, new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json"), Ct);

    [GeneratedRegex(@"\{([^}:?]+)[^}]*\}")]
    private static partial Regex RouteParameter();
}
