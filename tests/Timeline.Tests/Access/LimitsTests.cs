using System.Net;
using Alba;
using Shouldly;
using Timeline.Tests.Infrastructure;
using Timeline.Tests.Record;
using Xunit;

namespace Timeline.Tests.Access;

/// <summary>Settings the shared host leaves at their test values: low rate limits, and private reads. Each test starts its own host.</summary>
public sealed class LimitsTests(AppFixture app)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private Task<IAlbaHost> StartAsync(Dictionary<string, string> settings) => AppFixture.StartHostAsync(app.ConnectionString, settings);

    [Fact]
    public async Task a_principal_over_its_limit_gets_429_with_retry_after_while_another_principal_and_the_probes_go_on()
    {
        await using var host = await StartAsync(new()
        {
            ["Timeline:RateLimits:PerPrincipalPerMinute"] = "3",
            ["Timeline:RateLimits:PerIpPerMinute"] = "1000",
        });
        using var editor = AppFixture.ClientFor(host, "editor");
        using var reviewer = AppFixture.ClientFor(host, "reviewer");

        for (var i = 0; i < 3; i++)
        {
            using var allowed = await editor.GetAsync("/api/contradictions", Ct);
            allowed.StatusCode.ShouldBe(HttpStatusCode.OK, $"request {i + 1} of 3");
        }

        using var refused = await editor.GetAsync("/api/contradictions", Ct);
        refused.StatusCode.ShouldBe(HttpStatusCode.TooManyRequests);
        refused.Content.Headers.ContentType?.MediaType.ShouldBe(RecordApi.ProblemJson);
        int.Parse(refused.Headers.GetValues("Retry-After").Single(), System.Globalization.CultureInfo.InvariantCulture).ShouldBeInRange(1, 20);

        using var other = await reviewer.GetAsync("/api/contradictions", Ct);
        other.StatusCode.ShouldBe(HttpStatusCode.OK, "one principal's limit is not another's");
        using var probe = await editor.GetAsync("/health/live", Ct);
        probe.StatusCode.ShouldBe(HttpStatusCode.OK, "health probes are never limited");
    }

    [Fact]
    public async Task anonymous_callers_are_limited_per_address()
    {
        await using var host = await StartAsync(new()
        {
            ["Timeline:RateLimits:PerPrincipalPerMinute"] = "1000",
            ["Timeline:RateLimits:PerIpPerMinute"] = "2",
        });
        using var anonymous = host.Server.CreateClient();
        using var admin = AppFixture.ClientFor(host);

        (await anonymous.GetAsync("/api/contradictions", Ct)).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await anonymous.GetAsync("/api/contradictions", Ct)).StatusCode.ShouldBe(HttpStatusCode.OK);
        using var refused = await anonymous.GetAsync("/api/contradictions", Ct);
        refused.StatusCode.ShouldBe(HttpStatusCode.TooManyRequests);
        refused.Headers.Contains("Retry-After").ShouldBeTrue();
        using var keyed = await admin.GetAsync("/api/contradictions", Ct);
        keyed.StatusCode.ShouldBe(HttpStatusCode.OK, "a key is limited by its principal, not by the address it shares");
    }

    [Fact]
    public async Task with_private_reads_a_read_needs_a_valid_key_of_any_role_and_probes_stay_open()
    {
        await using var host = await StartAsync(new() { ["Timeline:Auth:ReadsPublic"] = "false" });
        using var anonymous = host.Server.CreateClient();

        using var refused = await anonymous.GetAsync("/api/contradictions", Ct);
        refused.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        refused.Content.Headers.ContentType?.MediaType.ShouldBe(RecordApi.ProblemJson);
        refused.Headers.WwwAuthenticate.ToString().ShouldBe("Bearer");

        foreach (var role in new[] { "editor", "reviewer", "admin" })
        {
            using var client = AppFixture.ClientFor(host, role);
            using var read = await client.GetAsync("/api/contradictions", Ct);
            read.StatusCode.ShouldBe(HttpStatusCode.OK, role);
        }

        using var live = await anonymous.GetAsync("/health/live", Ct);
        live.StatusCode.ShouldBe(HttpStatusCode.OK);
    }
}
