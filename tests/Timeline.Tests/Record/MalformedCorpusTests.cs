using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Shouldly;
using Timeline.Tests.Infrastructure;
using Xunit;

namespace Timeline.Tests.Record;

/// <summary>
/// A generated corpus of malformed requests: wrong types, huge strings, control characters and injection strings in
/// every field, route segment, query parameter and header. Nothing is a 5xx, every refusal is problem+json, and a
/// malformed write appends nothing.
/// </summary>
public sealed class MalformedCorpusTests(AppFixture app) : RecordApiTest(app)
{
    private const int Seed = 20261202;

    private static readonly string[] Nasty =
    [
        "", " ", "\u0000", "\u001b[31m", "'; drop table timeline.mt_events; --", "\" or 1=1 --", "<script>alert(1)</script>",
        "../../etc/passwd", "%00", "%ff%fe", "\ud83d\ude00", "\u202e", "9999-99-99", "2013-02-30", "-1", "0", "1e309",
        "NaN", "null", "true", "[]", "{}", "00000000-0000-0000-0000-000000000000", "not-a-guid", "W/\"1\"", "*",
        new string('x', 70_000), "2013/2012", "2013-13", "0000", "+2013-01-01", "2013-01-01T25:00:00Z",
    ];

    private static readonly JsonNode?[] WrongTypes =
    [
        null, JsonValue.Create(42), JsonValue.Create(-1.5), JsonValue.Create(true), new JsonArray(1, "a"),
        new JsonObject { ["$ref"] = "#/x" }, JsonValue.Create(new string('y', 6_000)),
    ];

    [Fact]
    public async Task malformed_writes_are_problems_and_append_nothing()
    {
        var sourceId = await GivenPersonAndSourceAsync();
        await GivenClaimAsync(RecordApi.Claim(sourceId));
        var valid = RecordApi.Claim(sourceId);
        var fields = valid.Select(p => p.Key).Concat(["claimId", "scheduledEnd", "targetClaimId", "term", "cause", "stance", "predicate", "object", "value"]).Distinct().ToList();
        var random = new Random(Seed);
        var failures = new List<string>();
        var before = await AllEventsAsync();

        foreach (var field in fields)
        {
            foreach (var bad in Nasty.Select(n => (JsonNode?)JsonValue.Create(n)).Concat(WrongTypes).Where(_ => random.Next(3) > 0))
            {
                var body = valid.With(field, bad?.DeepClone()).With("claimId", Guid.NewGuid().ToString());
                if (field == "claimId") body = body.With("claimId", bad?.DeepClone());
                await ExpectRefusalOrAcceptanceAsync(HttpMethod.Post, $"/api/people/{PersonId}/claims", body.ToJsonString(), failures, $"{field}={Show(bad)}");
            }
        }

        foreach (var raw in new[] { "{", "[]", "null", "\"text\"", "{\"type\":", "{\"type\":\"OfficeTaken\",}", "\u0000", new string('[', 5_000) })
        {
            await ExpectRefusalOrAcceptanceAsync(HttpMethod.Post, $"/api/people/{PersonId}/claims", raw, failures, $"raw {Show(JsonValue.Create(raw))}");
            await ExpectRefusalOrAcceptanceAsync(HttpMethod.Post, "/api/people", raw, failures, $"people raw {Show(JsonValue.Create(raw))}");
            await ExpectRefusalOrAcceptanceAsync(HttpMethod.Post, "/api/sources", raw, failures, $"sources raw {Show(JsonValue.Create(raw))}");
            await ExpectRefusalOrAcceptanceAsync(HttpMethod.Post, $"/api/claims/{Guid.NewGuid()}/rulings", raw, failures, $"rulings raw {Show(JsonValue.Create(raw))}");
        }

        foreach (var segment in Nasty.Take(20).Where(InPath))
        {
            var escaped = Uri.EscapeDataString(segment.Length > 200 ? segment[..200] : segment);
            await ExpectRefusalOrAcceptanceAsync(HttpMethod.Post, $"/api/people/{escaped}/claims", valid.ToJsonString(), failures, $"person segment {Show(JsonValue.Create(segment))}");
            await ExpectRefusalOrAcceptanceAsync(HttpMethod.Post, $"/api/claims/{escaped}/rulings", RecordApi.Ruling().ToJsonString(), failures, $"claim segment {Show(JsonValue.Create(segment))}");
        }

        foreach (var header in new[] { "If-Match", "Idempotency-Key" })
        {
            foreach (var value in Nasty.Where(v => v.Length < 1_000 && !v.Any(char.IsControl)))
            {
                await ExpectRefusalOrAcceptanceAsync(HttpMethod.Post, $"/api/people/{PersonId}/claims", valid.With("claimId", Guid.NewGuid().ToString()).ToJsonString(),
                    failures, $"{header}: {Show(JsonValue.Create(value))}", (header, value));
            }
        }

        failures.ShouldBeEmpty();
        // Writes the corpus let through (a benign idempotency key, a term of 0 refused...) are counted; nothing else.
        (await AllEventsAsync()).ShouldBe(before + _accepted, "a refused write appended events");
    }

    [Fact]
    public async Task malformed_reads_are_never_server_errors()
    {
        var sourceId = await GivenPersonAndSourceAsync();
        await GivenClaimAsync(RecordApi.Claim(sourceId));
        var failures = new List<string>();
        var reads = new (string Route, string[] Parameters)[]
        {
            ($"/api/people/{PersonId}", ["validAt", "reportedAt", "recordedAt", "atLeast"]),
            ($"/api/people/{PersonId}/timeline", ["validAt", "reportedAt", "recordedAt"]),
            ($"/api/people/{PersonId}/events", ["after", "limit"]),
            ($"/api/people/{PersonId}/statements", ["limit"]),
            ("/api/contradictions", ["state", "person", "reportedAt", "limit"]),
            ("/api/reversals", ["claimant", "person", "limit"]),
            ("/api/claims", ["person", "claimant", "source", "after", "limit"]),
            ("/api/changes", ["after", "limit", "person", "kind"]),
            ("/api/people", ["q", "limit"]),
        };

        foreach (var (route, parameters) in reads)
        {
            foreach (var parameter in parameters)
            {
                foreach (var value in Nasty.Where(v => v.Length < 1_000))
                {
                    var url = $"{route}?{parameter}={Uri.EscapeDataString(value)}";
                    using var response = await Http.GetAsync(url, Ct);
                    if ((int)response.StatusCode >= 500) failures.Add($"{url}: {(int)response.StatusCode} {await TextAsync(response)}");
                    else if ((int)response.StatusCode >= 400 && response.Content.Headers.ContentType?.MediaType != RecordApi.ProblemJson)
                    {
                        failures.Add($"{url}: {(int)response.StatusCode} is not problem+json");
                    }
                }
            }
        }

        foreach (var segment in Nasty.Where(v => v.Length < 1_000 && InPath(v)))
        {
            var escaped = Uri.EscapeDataString(segment);
            foreach (var url in new[] { $"/api/people/{escaped}", $"/api/people/{escaped}/timeline", $"/api/claims/{escaped}", $"/api/sources/{escaped}" })
            {
                using var response = await Http.GetAsync(url, Ct);
                if ((int)response.StatusCode >= 500) failures.Add($"{url}: {(int)response.StatusCode} {await TextAsync(response)}");
            }
        }

        failures.ShouldBeEmpty();
    }

    private long _accepted;

    // Kestrel refuses a NUL in the path itself (400) before the service sees it; the in-memory test server throws instead.
    private static bool InPath(string segment) => !segment.Contains('\0', StringComparison.Ordinal) && !segment.Contains("%00", StringComparison.Ordinal);

    private async Task ExpectRefusalOrAcceptanceAsync(HttpMethod method, string url, string body, List<string> failures, string what, (string Name, string Value)? header = null)
    {
        using var request = new HttpRequestMessage(method, url) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        if (header is { } h) request.Headers.TryAddWithoutValidation(h.Name, h.Value);
        using var response = await Http.SendAsync(request, Ct);
        var status = (int)response.StatusCode;
        if (status >= 500) failures.Add($"{what}: {status} {Trim(await TextAsync(response))}");
        else if (status >= 400 && response.Content.Headers.ContentType?.MediaType != RecordApi.ProblemJson) failures.Add($"{what}: {status} is not problem+json");
        else if (status is 200 or 201 && method == HttpMethod.Post && url.EndsWith("/claims", StringComparison.Ordinal)) _accepted++;
    }

    private static string Show(JsonNode? node)
    {
        var text = node?.ToJsonString() ?? "null";
        return text.Length > 60 ? text[..60] + "…" : text;
    }

    private static string Trim(string text) => text.Length > 300 ? text[..300] + "…" : text;
}
