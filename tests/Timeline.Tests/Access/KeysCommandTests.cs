using System.Diagnostics;
using System.Net;
using System.Text;
using Marten;
using Shouldly;
using Timeline.Hosting;
using Timeline.Tests.Commands;
using Timeline.Tests.Infrastructure;
using Timeline.Tests.Record;
using Xunit;

namespace Timeline.Tests.Access;

/// <summary><c>keys create|list|revoke</c> run as real processes against the tests' database; the running host honours them.</summary>
public sealed class KeysCommandTests(AppFixture app) : RecordApiTest(app)
{
    private HttpClient KeyClient(string key)
    {
        var client = App.AnonymousClient();
        client.DefaultRequestHeaders.Authorization = new("Bearer", key);
        return client;
    }

    private static Task<HttpResponseMessage> RegisterAsync(HttpClient client, string id) =>
        client.PostAsync("/api/people", new StringContent(RecordApi.Person(id).ToJsonString(), Encoding.UTF8, "application/json"), Ct);

    [Fact]
    public async Task a_created_key_writes_with_its_role_is_listed_without_its_secret_and_stops_working_once_revoked()
    {
        var created = await CommandLine.RunAsync(App.ConnectionString, "keys", "create", "--role", "editor", "--name", "night-desk");
        created.ExitCode.ShouldBe(0, created.ToString());
        var key = created.LastLine;
        key.ShouldStartWith("tl_");
        key.Length.ShouldBeGreaterThan(40);

        await using (var session = App.Store.QuerySession())
        {
            var stored = await session.LoadAsync<ApiKey>("night-desk", Ct);
            stored.ShouldNotBeNull();
            stored.Role.ShouldBe("editor");
            stored.Hash.ShouldNotContain(key);
            stored.Hash.ShouldBe(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(Encoding.UTF8.GetBytes(key))));
        }

        using var client = KeyClient(key);
        using (var registered = await RegisterAsync(client, "first-person"))
        {
            registered.StatusCode.ShouldBe(HttpStatusCode.Created, await TextAsync(registered));
        }

        (await EventsAsync("first-person")).ShouldHaveSingleItem();
        using (var rule = await client.PostAsync($"/api/claims/{Guid.NewGuid()}/rulings", new StringContent("{}", Encoding.UTF8, "application/json"), Ct))
        {
            rule.StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        }

        var listed = await CommandLine.RunAsync(App.ConnectionString, "keys", "list");
        listed.ExitCode.ShouldBe(0, listed.ToString());
        listed.StandardOutput.ShouldContain("night-desk");
        var row = listed.StandardOutput.Split('\n').Single(l => l.Contains("night-desk", StringComparison.Ordinal)).Split(' ', StringSplitOptions.RemoveEmptyEntries);
        row[1].ShouldBe("editor");
        row[3].ShouldNotBe("-", $"the key was used, so its last use is shown:\n{listed}");
        row[4].ShouldBe("-", "the key is not revoked");
        listed.StandardOutput.ShouldNotContain(key);
        listed.StandardError.ShouldNotContain(key);
        created.StandardError.ShouldNotContain(key);

        var revoked = await CommandLine.RunAsync(App.ConnectionString, "keys", "revoke", "night-desk");
        revoked.ExitCode.ShouldBe(0, revoked.ToString());
        var clock = Stopwatch.StartNew();
        HttpStatusCode status;
        do
        {
            using var attempt = await RegisterAsync(client, $"after-revoke-{clock.ElapsedMilliseconds}");
            status = attempt.StatusCode;
            if (status == HttpStatusCode.Unauthorized) break;
            status.ShouldBe(HttpStatusCode.Created);
            await Task.Delay(100, Ct);
        }
        while (clock.Elapsed < TimeSpan.FromSeconds(10));

        status.ShouldBe(HttpStatusCode.Unauthorized, "a revoked key kept working");
        // The fixture caches key lookups for one second.
        clock.Elapsed.ShouldBeLessThan(TimeSpan.FromSeconds(3));

        var after = await CommandLine.RunAsync(App.ConnectionString, "keys", "list");
        after.StandardOutput.Split('\n').Single(l => l.Contains("night-desk", StringComparison.Ordinal)).Split(' ', StringSplitOptions.RemoveEmptyEntries)[4]
            .ShouldNotBe("-", "the key is listed as revoked");
    }

    [Fact]
    public async Task create_refuses_an_unknown_role_and_stores_nothing()
    {
        var refused = await CommandLine.RunAsync(App.ConnectionString, "keys", "create", "--role", "superuser", "--name", "bad-role");
        refused.ExitCode.ShouldBe(2, refused.ToString());
        refused.StandardError.ShouldContain("editor, reviewer, admin");
        await using var session = App.Store.QuerySession();
        (await session.LoadAsync<ApiKey>("bad-role", Ct)).ShouldBeNull();
    }

    [Fact]
    public async Task keys_help_describes_create_list_and_revoke()
    {
        var help = await CommandLine.RunAsync(App.ConnectionString, "keys", "--help");
        var text = help.StandardOutput + help.StandardError;
        text.ShouldContain("create");
        text.ShouldContain("revoke");
        text.ShouldContain("--role");
        text.ShouldContain("--name");
    }
}
