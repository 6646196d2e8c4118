using System.Net;
using System.Text.Json;
using Alba;
using Microsoft.Extensions.DependencyInjection;
using Shouldly;
using Timeline.Changes;
using Timeline.Tests.Infrastructure;
using Timeline.Tests.Record;

namespace Timeline.Tests.Changes;

public sealed record FeedItem(long Id, string Person, Guid? ClaimId, string Kind, IReadOnlyList<string> Views, long Version, DateTimeOffset RecordedAt);

public sealed record FeedPage(IReadOnlyList<FeedItem> Items, long After, long Next);

/// <summary>Helpers for the changes feed tests: register people, read pages of the feed.</summary>
public abstract class ChangesTest(AppFixture app) : RecordApiTest(app)
{
    /// <summary>Registers a person; returns the write's global sequence.</summary>
    protected async Task<long> RegisterAsync(string id, HttpClient? client = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/people")
        {
            Content = System.Net.Http.Json.JsonContent.Create(RecordApi.Person(id, $"Person {id}"), options: Json),
        };
        using var response = await (client ?? Http).SendAsync(request, Ct);
        response.StatusCode.ShouldBe(HttpStatusCode.Created, await TextAsync(response));
        return (await Body(response)).GetProperty("sequence").GetInt64();
    }

    protected async Task<FeedPage> FeedAsync(string query, HttpClient? client = null)
    {
        using var response = await (client ?? Http).GetAsync($"/api/changes?{query}", Ct);
        response.StatusCode.ShouldBe(HttpStatusCode.OK, await TextAsync(response));
        return JsonSerializer.Deserialize<FeedPage>(await TextAsync(response), Json)!;
    }
}

/// <summary>What a node has heard through its LISTEN connection.</summary>
public static class Heard
{
    /// <summary>Waits until the node has heard of the person's version (delivery is not instant); until then it may serve the one before.</summary>
    public static async Task VersionAsync(IAlbaHost node, string personId, long version, CancellationToken ct)
    {
        var versions = node.Services.GetRequiredService<StreamVersions>();
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(15);
        while (!(versions.TryGet(personId, out var known) && known >= version) && DateTime.UtcNow < deadline) await Task.Delay(20, ct);
    }
}
