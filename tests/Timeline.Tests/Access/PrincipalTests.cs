using System.Net;
using System.Security.Claims;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using Shouldly;
using Timeline.Tests.Infrastructure;
using Timeline.Tests.Record;
using Xunit;

namespace Timeline.Tests.Access;

/// <summary>Who recorded a write is the authenticated principal, in the event's metadata and in the views.</summary>
public sealed partial class PrincipalTests(AppFixture app) : RecordApiTest(app)
{
    private static readonly string Editor = AppFixture.PrincipalOf("editor");
    private static readonly string Reviewer = AppFixture.PrincipalOf("reviewer");
    private static readonly string Admin = AppFixture.PrincipalOf("admin");
    private static readonly string[] ReviewerRoles = ["reviewer"];

    private async Task<JsonElement> RawEventsAsync(string personId = PersonId)
    {
        using var response = await Get($"/api/people/{personId}/events");
        response.StatusCode.ShouldBe(HttpStatusCode.OK, await TextAsync(response));
        return (await Body(response)).GetProperty("events");
    }

    private static Task<HttpResponseMessage> Send(HttpClient client, string url, JsonObject body, string? idempotencyKey = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json") };
        if (idempotencyKey is not null) request.Headers.Add("Idempotency-Key", idempotencyKey);
        return client.SendAsync(request, Ct);
    }

    [Fact]
    public async Task a_claim_sent_with_recorded_by_is_400_and_appends_nothing()
    {
        var sourceId = await GivenPersonAndSourceAsync();
        var before = await StateAsync();
        using var response = await AppendAsync(RecordApi.Claim(sourceId).With("recordedBy", "someone-else"));
        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest, await TextAsync(response));
        response.Content.Headers.ContentType?.MediaType.ShouldBe(RecordApi.ProblemJson);
        var problem = await Body(response);
        problem.GetProperty("type").GetString().ShouldEndWith("/recorded-by-is-set-by-server");
        problem.GetProperty("detail").GetString()!.ShouldContain("server");
        await NothingAppendedSinceAsync(before);
    }

    [Fact]
    public async Task a_person_sent_with_recorded_by_is_400_and_not_registered()
    {
        var before = await StateAsync();
        using var response = await Post("/api/people", RecordApi.Person(PersonId).With("recordedBy", "someone-else"));
        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest, await TextAsync(response));
        await NothingAppendedSinceAsync(before);
    }

    [Theory]
    [InlineData("recordedBy")]
    [InlineData("RecordedBy")]
    public async Task a_ruling_sent_with_recorded_by_is_400_and_not_recorded(string field)
    {
        var sourceId = await GivenPersonAndSourceAsync();
        var claimId = (await GivenClaimAsync(RecordApi.Claim(sourceId))).GetProperty("claimId").GetGuid();
        var before = await StateAsync();
        using var reviewer = App.Client("reviewer");

        using var response = await Send(reviewer, $"/api/claims/{claimId}/rulings", RecordApi.Ruling("true").With(field, "z"));

        var problem = await ShouldBeProblemAsync(response, HttpStatusCode.BadRequest);
        problem.GetProperty("type").GetString().ShouldEndWith("/recorded-by-is-set-by-server");
        problem.GetProperty("detail").GetString()!.ShouldContain("Do not send recordedBy");
        await NothingAppendedSinceAsync(before);
        (await ClaimsAboutAsync()).Single().GetProperty("rulings").GetArrayLength().ShouldBe(0);
    }

    [Theory]
    [InlineData("recordedBy")]
    [InlineData("registeredBy")]
    public async Task a_source_sent_with_who_registered_it_is_400_and_not_registered(string field)
    {
        using var editor = App.Client("editor");

        using var response = await Send(editor, "/api/sources", RecordApi.Source().With(field, "z"));

        var problem = await ShouldBeProblemAsync(response, HttpStatusCode.BadRequest);
        problem.GetProperty("type").GetString().ShouldEndWith("/recorded-by-is-set-by-server");
        problem.GetProperty("detail").GetString()!.ShouldContain($"Do not send {field}");
        problem.GetProperty("field").GetString().ShouldBe(field);
        using var stored = await Get($"/api/sources/{Timeline.Sources.SourceDocument.IdFor(new Uri(RecordApi.ArticleUrl))}");
        stored.StatusCode.ShouldBe(HttpStatusCode.NotFound, "the refused source was stored");
    }

    [Fact]
    public async Task no_write_body_in_the_openapi_document_offers_who_recorded_it()
    {
        using var response = await Get("/openapi/v1.json");
        var document = await Body(response);
        var schemas = document.GetProperty("components").GetProperty("schemas");
        var writes = new[] { "/api/people", "/api/sources", "/api/people/{id}/claims", "/api/claims/{claimId}/rulings" };
        foreach (var path in writes)
        {
            var reference = document.GetProperty("paths").GetProperty(path).GetProperty("post").GetProperty("requestBody").GetProperty("content")
                .GetProperty("application/json").GetProperty("schema").GetProperty("$ref").GetString()!;
            // The body's schema and every schema it refers to (a claim's body is one of a schema per type).
            var seen = new HashSet<string>();
            var pending = new Queue<string>([reference.Split('/')[^1]]);
            while (pending.TryDequeue(out var name))
            {
                if (!seen.Add(name)) continue;
                var schema = schemas.GetProperty(name);
                if (schema.TryGetProperty("properties", out var properties))
                {
                    properties.TryGetProperty("recordedBy", out _).ShouldBeFalse($"{path}: {name}");
                    properties.TryGetProperty("registeredBy", out _).ShouldBeFalse($"{path}: {name}");
                }

                foreach (System.Text.RegularExpressions.Match m in SchemaReference().Matches(schema.GetRawText())) pending.Enqueue(m.Groups[1].Value);
            }
        }
    }

    [System.Text.RegularExpressions.GeneratedRegex("#/components/schemas/([^\"]+)")]
    private static partial System.Text.RegularExpressions.Regex SchemaReference();

    [Fact]
    public async Task the_principal_is_recorded_in_the_events_the_claim_views_and_the_source()
    {
        using var editor = App.Client("editor");
        using var reviewer = App.Client("reviewer");
        (await Send(App.Client(), "/api/people", RecordApi.Person(PersonId))).StatusCode.ShouldBe(HttpStatusCode.Created);
        using var source = await Send(editor, "/api/sources", RecordApi.Source());
        var sourceId = (await Body(source)).GetProperty("id").GetString()!;
        using var claim = await Send(editor, $"/api/people/{PersonId}/claims", RecordApi.Claim(sourceId));
        claim.StatusCode.ShouldBe(HttpStatusCode.Created, await TextAsync(claim));
        var claimId = (await Body(claim)).GetProperty("claimId").GetGuid();
        using var ruled = await Send(reviewer, $"/api/claims/{claimId}/rulings", RecordApi.Ruling());
        ruled.StatusCode.ShouldBe(HttpStatusCode.Created, await TextAsync(ruled));

        var events = (await RawEventsAsync()).EnumerateArray().Select(e => (Type: e.GetProperty("type").GetString(), By: e.GetProperty("recordedBy").GetString())).ToList();
        events.Select(e => e.By).ShouldBe([Admin, Editor, Reviewer]);

        var view = (await ClaimsAboutAsync()).Single();
        view.GetProperty("attribution").GetProperty("recordedBy").GetString().ShouldBe(Editor);
        view.GetProperty("rulings")[0].GetProperty("recordedBy").GetString().ShouldBe(Reviewer);

        using var stored = await Get($"/api/sources/{sourceId}");
        (await Body(stored)).GetProperty("registeredBy").GetString().ShouldBe(Editor);
    }

    [Fact]
    public async Task the_seeder_records_as_seed()
    {
        await App.SeedAsync();
        var events = (await RawEventsAsync("mustafa-kamal")).EnumerateArray().ToList();
        events.Count.ShouldBeGreaterThan(1);
        events.ShouldAllBe(e => e.GetProperty("recordedBy").GetString() == "seed");
        (await ClaimsAboutAsync("mustafa-kamal")).ShouldAllBe(c => c.GetProperty("attribution").GetProperty("recordedBy").GetString() == "seed");
    }

    [Fact]
    public async Task appends_of_two_principals_committed_together_each_keep_their_own_name()
    {
        var sourceId = await GivenSourceAsync();
        const int People = 8;
        for (var i = 0; i < People; i++) (await Post("/api/people", RecordApi.Person($"person-{i}"))).StatusCode.ShouldBe(HttpStatusCode.Created);

        using var editor = App.Client("editor");
        using var admin = App.Client("admin");
        // Ready at the same time, so the group commit puts several principals in one transaction.
        var writes = Enumerable.Range(0, People).Select(async i =>
        {
            using var response = await Send(i % 2 == 0 ? editor : admin, $"/api/people/person-{i}/claims", RecordApi.Claim(sourceId));
            response.StatusCode.ShouldBe(HttpStatusCode.Created, await TextAsync(response));
        });
        await Task.WhenAll(writes);

        for (var i = 0; i < People; i++)
        {
            var last = (await RawEventsAsync($"person-{i}")).EnumerateArray().Last();
            last.GetProperty("recordedBy").GetString().ShouldBe(i % 2 == 0 ? Editor : Admin, $"person-{i}");
            (await ClaimsAboutAsync($"person-{i}")).Single().GetProperty("attribution").GetProperty("recordedBy").GetString()
                .ShouldBe(i % 2 == 0 ? Editor : Admin);
        }
    }

    [Fact]
    public async Task the_same_idempotency_key_and_body_from_another_principal_is_a_separate_request()
    {
        var sourceId = await GivenPersonAndSourceAsync();
        using var editor = App.Client("editor");
        using var admin = App.Client("admin");
        var claim = RecordApi.Claim(sourceId);

        using var first = await Send(editor, $"/api/people/{PersonId}/claims", claim, "shared-key");
        first.StatusCode.ShouldBe(HttpStatusCode.Created, await TextAsync(first));
        using var retry = await Send(editor, $"/api/people/{PersonId}/claims", claim, "shared-key");
        retry.StatusCode.ShouldBe(HttpStatusCode.Created);
        (await Body(retry)).GetProperty("claimId").GetGuid().ShouldBe((await Body(first)).GetProperty("claimId").GetGuid());

        using var other = await Send(admin, $"/api/people/{PersonId}/claims", claim, "shared-key");
        other.StatusCode.ShouldBe(HttpStatusCode.Created, await TextAsync(other));
        (await Body(other)).GetProperty("claimId").GetGuid().ShouldNotBe((await Body(first)).GetProperty("claimId").GetGuid());

        var recorders = (await ClaimsAboutAsync()).Select(c => c.GetProperty("attribution").GetProperty("recordedBy").GetString()!).Order().ToList();
        recorders.ShouldBe(new[] { Editor, Admin }.Order().ToList());
    }

    private static string Jwt(string signingKey, IDictionary<string, object> claims) =>
        new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Claims = claims,
            Expires = DateTime.UtcNow.AddMinutes(5),
            SigningCredentials = new SigningCredentials(new SymmetricSecurityKey(Encoding.UTF8.GetBytes(signingKey)), SecurityAlgorithms.HmacSha256),
        });

    private HttpClient JwtClient(string token)
    {
        var client = App.AnonymousClient();
        client.DefaultRequestHeaders.Authorization = new("Bearer", token);
        return client;
    }

    [Fact]
    public async Task a_jwt_signed_with_the_configured_key_gives_its_subject_and_role()
    {
        var sourceId = await GivenPersonAndSourceAsync();
        using var editor = JwtClient(Jwt(AppFixture.JwtSigningKey, new Dictionary<string, object> { ["sub"] = "desk-7", ["role"] = "editor" }));
        using var appended = await Send(editor, $"/api/people/{PersonId}/claims", RecordApi.Claim(sourceId));
        appended.StatusCode.ShouldBe(HttpStatusCode.Created, await TextAsync(appended));
        (await ClaimsAboutAsync()).Single().GetProperty("attribution").GetProperty("recordedBy").GetString().ShouldBe("desk-7");

        var claimId = (await Body(appended)).GetProperty("claimId").GetGuid();
        using var reviewer = JwtClient(Jwt(AppFixture.JwtSigningKey, new Dictionary<string, object> { ["name"] = "checker", ["roles"] = ReviewerRoles }));
        using var ruled = await Send(reviewer, $"/api/claims/{claimId}/rulings", RecordApi.Ruling());
        ruled.StatusCode.ShouldBe(HttpStatusCode.Created, await TextAsync(ruled));
        using var reviewerAppends = await Send(reviewer, $"/api/people/{PersonId}/claims", RecordApi.Claim(sourceId));
        reviewerAppends.StatusCode.ShouldBe(HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task a_jwt_signed_with_another_key_is_401()
    {
        var sourceId = await GivenPersonAndSourceAsync();
        var before = await StateAsync();
        var forged = Jwt(Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32)),
            new Dictionary<string, object> { ["sub"] = "intruder", ["role"] = "admin" });
        using var client = JwtClient(forged);
        using var response = await Send(client, $"/api/people/{PersonId}/claims", RecordApi.Claim(sourceId));
        response.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        response.Content.Headers.ContentType?.MediaType.ShouldBe(RecordApi.ProblemJson);
        await NothingAppendedSinceAsync(before);
    }
}
