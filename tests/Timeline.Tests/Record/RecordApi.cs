using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Marten;
using Xunit;
using Shouldly;
using Timeline.Tests.Infrastructure;

namespace Timeline.Tests.Record;

/// <summary>Valid request bodies for the write API, each a fresh <see cref="JsonObject"/> a test may change.</summary>
public static class RecordApi
{
    public const string ProblemJson = "application/problem+json";

    public const string ArticleUrl = "https://example.org/2013/12/01/kamal-resigns";

    public const string TenderedQuote = "Senator Syed Mustafa Kamal has tendered his resignation to chairman Senate";
    public const string DeniedQuote = "reports regarding resignation of Senator Mustafa Kamal were baseless and rumors";
    public const string ConfirmedQuote = "Senate Secretariat has confirmed that Mustafa Kamal has tendered his resignation";

    /// <summary>The text of the test source; every quote the tests use as valid occurs in it verbatim.</summary>
    public const string ArticleText =
        "KARACHI - Former Karachi mayor and MQM Senator Syed Mustafa Kamal has tendered his resignation to chairman Senate.\n" +
        "Talking to The Nation MQM Deputy convener Engineer Nasir Jamal said reports regarding resignation of Senator Mustafa Kamal were baseless and rumors.\n" +
        "Agencies add: Senate Secretariat has confirmed that Mustafa Kamal has tendered his resignation from the seat over personal issues.\n";

    public static JsonObject Person(string id, string name = "Syed Mustafa Kamal") => new()
    {
        ["id"] = id,
        ["name"] = name,
        ["aliases"] = new JsonArray("Mustafa Kamal"),
    };

    public static JsonObject Source(string url = ArticleUrl, string text = ArticleText) => new()
    {
        ["url"] = url,
        ["publisher"] = "The Nation",
        ["title"] = "Mustafa Kamal resigns from Senate",
        ["author"] = "Our Staff Reporter",
        ["publishedAt"] = "2013-12-01T02:39:59+05:00",
        ["text"] = text,
    };

    /// <summary>A ResignationTendered claim quoting <see cref="ArticleText"/>.</summary>
    public static JsonObject Claim(string sourceId, Guid? claimId = null, string quote = TenderedQuote)
    {
        var claim = new JsonObject
        {
            ["type"] = "ResignationTendered",
            ["validTime"] = "2013-11",
            ["sourceId"] = sourceId,
            ["claimant"] = new JsonObject
            {
                ["name"] = "Our Staff Reporter",
                ["role"] = "Reporter",
                ["affiliation"] = "The Nation",
                ["anonymous"] = false,
            },
            ["quote"] = quote,
            ["office"] = "Senator",
            ["organization"] = "Senate of Pakistan",
        };
        if (claimId is { } id) claim["claimId"] = id.ToString();
        return claim;
    }

    /// <summary>A claim about Kamal as Mayor of Karachi (the office and body), quoting the registered source.</summary>
    public static JsonObject Mayor(string sourceId, string type, string quote, string? validTime = null)
    {
        var claim = new JsonObject
        {
            ["type"] = type, ["sourceId"] = sourceId, ["quote"] = quote, ["office"] = "Mayor", ["organization"] = "Karachi Metropolitan Corporation",
            ["claimant"] = new JsonObject { ["name"] = "Our Staff Reporter" },
        };
        return validTime is null ? claim : claim.With("validTime", validTime);
    }

    public static JsonObject Ruling(string verdict = "false") => new()
    {
        ["verdict"] = verdict,
        ["rationale"] = "The Senate Secretariat confirmed the resignation.",
        ["reviewer"] = "Fact Desk",
    };

    public static JsonObject With(this JsonObject body, string field, JsonNode? value)
    {
        var copy = (JsonObject)body.DeepClone();
        copy[field] = value;
        return copy;
    }

    public static JsonObject Without(this JsonObject body, string field)
    {
        var copy = (JsonObject)body.DeepClone();
        copy.Remove(field).ShouldBeTrue($"the body had no {field} to remove");
        return copy;
    }
}

/// <summary>One event of a person's stream as GET /api/people/{id}/events shows it.</summary>
public sealed record StreamEvent(long Version, long Sequence, string Type, JsonElement Data)
{
    /// <summary>The id the append answered with: the claim id, or the retraction's or ruling's own id.</summary>
    public Guid? EntryId =>
        Data.TryGetProperty("claim", out var claim) ? claim.GetProperty("claimId").GetGuid()
        : Data.TryGetProperty("retractionId", out var retraction) ? retraction.GetGuid()
        : Data.TryGetProperty("rulingId", out var ruling) ? ruling.GetGuid()
        : null;
}

/// <summary>What a test compares before and after a refused write: the person's stream, their claims and the whole store.</summary>
public sealed record RecordState(IReadOnlyList<StreamEvent>? Stream, int Claims, long AllEvents);

/// <summary>HTTP tests of the write API: helpers to set up a person and a source, read the record back and check refusals.</summary>
public abstract class RecordApiTest(AppFixture app) : ApiTest(app)
{
    protected const string PersonId = "mustafa-kamal";

    protected static readonly JsonSerializerOptions Json = AppFixture.Json;

    protected static CancellationToken Ct => TestContext.Current.CancellationToken;

    protected static Task<string> TextAsync(HttpResponseMessage response) => response.Content.ReadAsStringAsync(Ct);

    protected Task<HttpResponseMessage> Get(string url, HttpClient? client = null) => (client ?? Http).GetAsync(url, Ct);

    /// <summary>Registers <see cref="PersonId"/> and the test source; returns the source id.</summary>
    protected async Task<string> GivenPersonAndSourceAsync()
    {
        using var person = await Post("/api/people", RecordApi.Person(PersonId));
        person.StatusCode.ShouldBe(HttpStatusCode.Created, await TextAsync(person));
        return await GivenSourceAsync();
    }

    protected async Task<string> GivenSourceAsync(string url = RecordApi.ArticleUrl, string text = RecordApi.ArticleText)
    {
        using var source = await Post("/api/sources", RecordApi.Source(url, text));
        source.StatusCode.ShouldBe(HttpStatusCode.Created, await TextAsync(source));
        return (await Body(source)).GetProperty("id").GetString()!;
    }

    /// <summary>Appends a claim that must be accepted; returns the 201's body.</summary>
    protected async Task<JsonElement> GivenClaimAsync(JsonObject claim, string personId = PersonId)
    {
        using var response = await Post($"/api/people/{personId}/claims", claim);
        response.StatusCode.ShouldBe(HttpStatusCode.Created, await TextAsync(response));
        return await Body(response);
    }

    protected Task<HttpResponseMessage> AppendAsync(JsonObject claim, string personId = PersonId, string? ifMatch = null, string? idempotencyKey = null, HttpClient? client = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, $"/api/people/{personId}/claims")
        {
            Content = new StringContent(claim.ToJsonString(), Encoding.UTF8, "application/json"),
        };
        if (ifMatch is not null) request.Headers.TryAddWithoutValidation("If-Match", ifMatch).ShouldBeTrue();
        if (idempotencyKey is not null) request.Headers.TryAddWithoutValidation("Idempotency-Key", idempotencyKey).ShouldBeTrue();
        return (client ?? Http).SendAsync(request, Ct);
    }

    protected Task<HttpResponseMessage> PostRaw(string url, HttpContent content) =>
        Http.SendAsync(new HttpRequestMessage(HttpMethod.Post, url) { Content = content }, Ct);

    protected async Task<IReadOnlyList<StreamEvent>> EventsAsync(string personId = PersonId, HttpClient? client = null)
    {
        using var response = await Get($"/api/people/{personId}/events", client);
        response.StatusCode.ShouldBe(HttpStatusCode.OK, await TextAsync(response));
        var body = await Body(response);
        body.GetProperty("next").ValueKind.ShouldBe(JsonValueKind.Null, "the tests expect one page of events");
        return body.GetProperty("events").EnumerateArray()
            .Select(e => new StreamEvent(e.GetProperty("version").GetInt64(), e.GetProperty("sequence").GetInt64(), e.GetProperty("type").GetString()!, e.GetProperty("data").Clone()))
            .ToList();
    }

    protected async Task<IReadOnlyList<JsonElement>> ClaimsAboutAsync(string personId = PersonId)
    {
        using var response = await Get($"/api/claims?person={personId}&limit=1000");
        response.StatusCode.ShouldBe(HttpStatusCode.OK, await TextAsync(response));
        return (await Body(response)).GetProperty("items").EnumerateArray().Select(e => e.Clone()).ToList();
    }

    /// <summary>
    /// Every Timeline event in the store, in all streams. Marten's own bookkeeping rows (tombstones it writes for the
    /// sequence numbers of a rolled-back append) are not events anyone appended, so they are left out.
    /// </summary>
    protected async Task<long> AllEventsAsync()
    {
        await using var session = App.Store.QuerySession();
        var all = await session.Events.QueryAllRawEvents().ToListAsync(Ct);
        return all.LongCount(e => e.EventType.Assembly == typeof(Timeline.People.PersonRegistered).Assembly);
    }

    /// <summary>The record as a refused write must leave it; a person not on record has no stream.</summary>
    protected async Task<RecordState> StateAsync(string personId = PersonId)
    {
        using var probe = await Get($"/api/people/{personId}/events");
        var stream = probe.StatusCode == HttpStatusCode.NotFound ? null : await EventsAsync(personId);
        return new RecordState(stream, (await ClaimsAboutAsync(personId)).Count, await AllEventsAsync());
    }

    protected async Task NothingAppendedSinceAsync(RecordState before, string personId = PersonId)
    {
        var after = await StateAsync(personId);
        after.AllEvents.ShouldBe(before.AllEvents, "events were appended by a refused write");
        after.Claims.ShouldBe(before.Claims, "the claims index changed after a refused write");
        if (before.Stream is null)
        {
            after.Stream.ShouldBeNull($"'{personId}' gained a stream");
        }
        else
        {
            after.Stream.ShouldNotBeNull();
            after.Stream.Select(e => (e.Version, e.Sequence, e.Type)).ShouldBe(before.Stream.Select(e => (e.Version, e.Sequence, e.Type)));
        }
    }

    /// <summary>Asserts a problem+json answer with the status; returns its body.</summary>
    protected static async Task<JsonElement> ShouldBeProblemAsync(HttpResponseMessage response, HttpStatusCode status)
    {
        var text = await TextAsync(response);
        response.StatusCode.ShouldBe(status, text);
        response.Content.Headers.ContentType.ShouldNotBeNull().MediaType.ShouldBe(RecordApi.ProblemJson, $"content type of: {text}");
        var body = JsonDocument.Parse(text).RootElement.Clone();
        body.GetProperty("status").GetInt32().ShouldBe((int)status, text);
        body.GetProperty("title").GetString().ShouldNotBeNullOrWhiteSpace();
        return body;
    }

    /// <summary>The messages a 422 gives for one field.</summary>
    protected static IReadOnlyList<string> FieldErrors(JsonElement problem, string field)
    {
        problem.TryGetProperty("errors", out var errors).ShouldBeTrue($"no errors in {problem}");
        errors.TryGetProperty(field, out var messages).ShouldBeTrue($"no error for '{field}' in {errors}");
        var list = messages.EnumerateArray().Select(m => m.GetString()!).ToList();
        list.ShouldNotBeEmpty();
        return list;
    }

}
