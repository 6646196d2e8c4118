using System.Net;
using System.Text;
using Shouldly;
using Timeline.Tests.Infrastructure;
using Timeline.Tests.Record;
using Xunit;

namespace Timeline.Tests.Access;

/// <summary>
/// A request routing refuses for its content type or method is judged by the route the caller meant: the role that
/// route needs, then the real answer (415, 405). A path that matches no route still needs admin.
/// </summary>
public sealed class MeantRouteTests(AppFixture app) : RecordApiTest(app)
{
    private const string FormType = "application/x-www-form-urlencoded";

    private static async Task<HttpResponseMessage> SendAsync(HttpClient client, string method, string path, string? body = null, string? contentType = null)
    {
        var request = new HttpRequestMessage(new HttpMethod(method), path);
        if (body is not null) request.Content = new StringContent(body, Encoding.UTF8, contentType ?? "application/json");
        return await client.SendAsync(request, Ct);
    }

    /// <summary>A person, a source and a claim, so every write route has something real to point at.</summary>
    private async Task<(string SourceId, Guid ClaimId, RecordState Before)> GivenARecordAsync()
    {
        var sourceId = await GivenPersonAndSourceAsync();
        var claimId = (await GivenClaimAsync(RecordApi.Claim(sourceId))).GetProperty("claimId").GetGuid();
        return (sourceId, claimId, await StateAsync());
    }

    private static string Detail(System.Text.Json.JsonElement problem) => problem.GetProperty("detail").GetString()!;

    [Fact]
    public async Task a_form_body_from_a_role_allowed_on_the_route_is_415_not_a_demand_for_admin()
    {
        var (sourceId, claimId, before) = await GivenARecordAsync();
        using var editor = App.Client("editor");
        using var reviewer = App.Client("reviewer");
        var writes = new (HttpClient Client, string Path, string Json)[]
        {
            (editor, "/api/people", RecordApi.Person("x3", "X").ToJsonString()),
            (editor, "/api/sources", RecordApi.Source("https://example.org/another").ToJsonString()),
            (editor, $"/api/people/{PersonId}/claims", RecordApi.Claim(sourceId).ToJsonString()),
            (reviewer, $"/api/claims/{claimId}/rulings", RecordApi.Ruling().ToJsonString()),
        };

        foreach (var (client, path, json) in writes)
        {
            using var response = await SendAsync(client, "POST", path, json, FormType);
            var problem = await ShouldBeProblemAsync(response, HttpStatusCode.UnsupportedMediaType);
            Detail(problem).ShouldContain("application/json", customMessage: path);
            Detail(problem).ShouldContain(FormType, customMessage: path);
        }

        await NothingAppendedSinceAsync(before);
        using var x3 = await Get("/api/people/x3");
        x3.StatusCode.ShouldBe(HttpStatusCode.NotFound, "a refused registration registered the person");
    }

    [Fact]
    public async Task a_form_body_without_a_key_or_with_too_weak_a_role_names_the_role_the_route_needs()
    {
        var (_, claimId, before) = await GivenARecordAsync();
        using var anonymous = App.AnonymousClient();
        using var reviewer = App.Client("reviewer");
        using var editor = App.Client("editor");
        var body = RecordApi.Person("x3", "X").ToJsonString();

        using var none = await SendAsync(anonymous, "POST", "/api/people", body, FormType);
        var unauthenticated = await ShouldBeProblemAsync(none, HttpStatusCode.Unauthorized);
        none.Headers.WwwAuthenticate.ToString().ShouldStartWith("Bearer");
        Detail(unauthenticated).ShouldContain("the editor (or admin) role");

        using var weak = await SendAsync(reviewer, "POST", "/api/people", body, FormType);
        Detail(await ShouldBeProblemAsync(weak, HttpStatusCode.Forbidden)).ShouldContain("the editor (or admin) role");

        using var editorRules = await SendAsync(editor, "POST", $"/api/claims/{claimId}/rulings", RecordApi.Ruling().ToJsonString(), FormType);
        Detail(await ShouldBeProblemAsync(editorRules, HttpStatusCode.Forbidden)).ShouldContain("the reviewer (or admin) role");

        await NothingAppendedSinceAsync(before);
    }

    [Theory]
    [InlineData("PUT", "/api/people", "GET, HEAD, POST")]
    [InlineData("DELETE", "/api/people", "GET, HEAD, POST")]
    [InlineData("PATCH", "/api/people", "GET, HEAD, POST")]
    [InlineData("PUT", "/api/people/mustafa-kamal", "GET, HEAD")]
    [InlineData("DELETE", "/api/people/mustafa-kamal/claims", "POST")]
    [InlineData("GET", "/api/imports/popolo", "POST")]
    public async Task a_method_the_path_does_not_serve_is_405_with_allow_for_a_role_allowed_there(string method, string path, string allow)
    {
        var (_, _, before) = await GivenARecordAsync();
        using var editor = App.Client("editor");
        using var admin = App.Client("admin");

        foreach (var client in new[] { editor, admin })
        {
            foreach (var (body, type) in new (string?, string?)[] { (null, null), ("{}", "application/json"), ("id=x3", FormType) })
            {
                if (method == "GET" && body is not null) continue;
                using var response = await SendAsync(client, method, path, body, type);
                var problem = await ShouldBeProblemAsync(response, HttpStatusCode.MethodNotAllowed);
                response.Content.Headers.Allow.ShouldBe(allow.Split(", "), ignoreOrder: true, customMessage: $"{method} {path}");
                Detail(problem).ShouldContain(allow);
                Detail(problem).ShouldContain(method);
            }
        }

        await NothingAppendedSinceAsync(before);
    }

    [Fact]
    public async Task a_method_a_public_path_does_not_serve_is_405_even_without_a_key()
    {
        var (_, _, before) = await GivenARecordAsync();
        using var anonymous = App.AnonymousClient();

        using var response = await SendAsync(anonymous, "DELETE", $"/api/people/{PersonId}");

        await ShouldBeProblemAsync(response, HttpStatusCode.MethodNotAllowed);
        response.Content.Headers.Allow.ShouldBe(["GET", "HEAD"], ignoreOrder: true);
        await NothingAppendedSinceAsync(before);
    }

    [Fact]
    public async Task a_method_a_guarded_path_does_not_serve_still_needs_a_role_allowed_on_that_path()
    {
        var (_, claimId, before) = await GivenARecordAsync();
        using var anonymous = App.AnonymousClient();
        using var editor = App.Client("editor");
        using var reviewer = App.Client("reviewer");
        var path = $"/api/claims/{claimId}/rulings";

        using var none = await SendAsync(anonymous, "PUT", path, "{}");
        Detail(await ShouldBeProblemAsync(none, HttpStatusCode.Unauthorized)).ShouldContain("reviewer (or admin)");
        using var weak = await SendAsync(editor, "PUT", path, "{}");
        Detail(await ShouldBeProblemAsync(weak, HttpStatusCode.Forbidden)).ShouldContain("reviewer (or admin)");
        using var allowed = await SendAsync(reviewer, "PUT", path, "{}");
        await ShouldBeProblemAsync(allowed, HttpStatusCode.MethodNotAllowed);

        await NothingAppendedSinceAsync(before);
    }

    [Theory]
    [InlineData("POST", "application/json")]
    [InlineData("POST", FormType)]
    [InlineData("PUT", "application/json")]
    [InlineData("DELETE", null)]
    public async Task a_path_no_route_matches_still_needs_admin(string method, string? type)
    {
        using var anonymous = App.AnonymousClient();
        using var editor = App.Client("editor");
        using var admin = App.Client("admin");
        var body = type is null ? null : "{}";

        foreach (var path in new[] { "/api/nothing-here", "/api/people/mustafa-kamal/nothing-here", "/no-such-page" })
        {
            using var none = await SendAsync(anonymous, method, path, body, type);
            Detail(await ShouldBeProblemAsync(none, HttpStatusCode.Unauthorized)).ShouldContain("the admin role");
            using var weak = await SendAsync(editor, method, path, body, type);
            Detail(await ShouldBeProblemAsync(weak, HttpStatusCode.Forbidden)).ShouldContain("the admin role");
            using var strong = await SendAsync(admin, method, path, body, type);
            ((int)strong.StatusCode).ShouldBeOneOf([404, 415], $"{method} {path} as admin");
        }
    }
}
