using System.Net;
using System.Text.Json;
using Shouldly;
using Timeline.Tests.Infrastructure;
using Xunit;

namespace Timeline.Tests.Hosting;

/// <summary>What a client discovers before its first call: health, the OpenAPI contract and the API page.</summary>
public sealed class ApiSurfaceTests(AppFixture app) : ApiTest(app)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task the_service_is_live_and_ready_with_its_database()
    {
        (await Http.GetAsync("/health/live", Ct)).StatusCode.ShouldBe(HttpStatusCode.OK);

        var ready = await Http.GetAsync("/health/ready", Ct);
        ready.StatusCode.ShouldBe(HttpStatusCode.OK);
        var body = await Body(ready);
        body.GetProperty("status").GetString().ShouldBe("Healthy");
        body.GetProperty("checks").EnumerateArray().Select(c => c.GetProperty("name").GetString()).ShouldContain("database");
    }

    [Theory]
    [InlineData("/api/people", "post", "201")]
    [InlineData("/api/sources", "post", "201")]
    [InlineData("/api/people/{id}/claims", "post", "201")]
    [InlineData("/api/claims/{claimId}/rulings", "post", "201")]
    [InlineData("/api/people/{id}", "get", "200")]
    [InlineData("/api/people/{id}/timeline", "get", "200")]
    [InlineData("/api/people/{id}/events", "get", "200")]
    [InlineData("/api/contradictions", "get", "200")]
    [InlineData("/api/claims", "get", "200")]
    public async Task the_openapi_document_publishes_each_route_of_the_contract_with_a_typed_answer(string path, string method, string success)
    {
        var document = await OkBody(await Http.GetAsync("/openapi/v1.json", Ct));

        var operation = document.GetProperty("paths").GetProperty(path).GetProperty(method);
        operation.GetProperty("summary").GetString().ShouldNotStartWith(method.ToUpperInvariant() + "_");
        var schema = operation.GetProperty("responses").GetProperty(success).GetProperty("content").GetProperty("application/json").GetProperty("schema");
        schema.GetProperty("$ref").GetString().ShouldNotEndWith("/IResult");
    }

    [Fact]
    public async Task write_routes_document_their_problem_responses()
    {
        var document = await OkBody(await Http.GetAsync("/openapi/v1.json", Ct));

        var responses = document.GetProperty("paths").GetProperty("/api/people/{id}/claims").GetProperty("post").GetProperty("responses");
        foreach (var status in new[] { "400", "404", "409", "412", "413", "415", "422" })
        {
            responses.GetProperty(status).GetProperty("content").TryGetProperty("application/problem+json", out _).ShouldBeTrue(status);
        }
    }

    [Fact]
    public async Task the_api_page_is_served_at_docs()
    {
        var response = await Http.GetAsync("/docs/", Ct);

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        response.Content.Headers.ContentType!.MediaType.ShouldBe("text/html");
        (await response.Content.ReadAsStringAsync(Ct)).ShouldContain("openapi/v1.json");
    }

    private static async Task<JsonElement> OkBody(HttpResponseMessage response)
    {
        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        return await Body(response);
    }
}
