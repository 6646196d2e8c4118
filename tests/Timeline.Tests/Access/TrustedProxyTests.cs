using System.Net;
using Shouldly;
using Timeline.Commands;
using Timeline.Tests.Faults;
using Timeline.Tests.Hosting;
using Timeline.Tests.Infrastructure;
using Xunit;

namespace Timeline.Tests.Access;

/// <summary>
/// The service behind a proxy, as compose runs it behind nginx: the per-address limit counts the callers the proxy names
/// in X-Forwarded-For when, and only when, the proxy is one the service was told to trust. Real processes, real HTTP.
/// </summary>
public sealed class TrustedProxyTests : IAsyncLifetime
{
    private static readonly TimeSpan Start = TimeSpan.FromMinutes(2);
    private readonly string _directory = TestDirectories.Create("proxies");
    private PrivateCluster _database = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync() => _database = await PrivateCluster.StartAsync(Path.Combine(_directory, "db"));

    public async ValueTask DisposeAsync() => await _database.DisposeAsync();

    private Dictionary<string, string> Node(string? trustedProxies)
    {
        var environment = Rig.NodeEnvironment(_database.ConnectionString, "proxied");
        environment["Timeline__RateLimits__PerIpPerMinute"] = "2";
        if (trustedProxies is not null) environment["Timeline__TrustedProxies"] = trustedProxies;
        return environment;
    }

    [Fact]
    public async Task behind_a_trusted_proxy_each_forwarded_caller_has_its_own_budget_and_cannot_escape_it_by_sending_the_header_itself()
    {
        // The whole loopback network: the hop before the proxy is then trusted too, as a container network's gateway can be.
        using var service = ServiceProcess.Start(_directory, Node("127.0.0.0/8"));
        await service.WaitUntilOkAsync("/health/ready", Start);
        using var proxy = new HttpClient { BaseAddress = service.BaseAddress };

        (await ReadAsync(proxy, "203.0.113.7")).ShouldBe(HttpStatusCode.OK);
        (await ReadAsync(proxy, "203.0.113.7")).ShouldBe(HttpStatusCode.OK);
        (await ReadAsync(proxy, "203.0.113.7")).ShouldBe(HttpStatusCode.TooManyRequests, "the caller's third read of a budget of two");

        (await ReadAsync(proxy, "198.51.100.9")).ShouldBe(HttpStatusCode.OK, "another caller behind the same proxy has a budget of its own");
        // nginx appends the address it saw to whatever the caller sent: the caller is still the address the proxy appended.
        (await ReadAsync(proxy, "192.0.2.44, 203.0.113.7")).ShouldBe(HttpStatusCode.TooManyRequests, "a value sent ahead of the proxy's was believed");

        // Even when the address the proxy appended is itself a trusted one, nothing before it is read.
        (await ReadAsync(proxy, "192.0.2.50, 127.0.0.2")).ShouldBe(HttpStatusCode.OK);
        (await ReadAsync(proxy, "192.0.2.51, 127.0.0.2")).ShouldBe(HttpStatusCode.OK);
        (await ReadAsync(proxy, "192.0.2.52, 127.0.0.2")).ShouldBe(HttpStatusCode.TooManyRequests, "a caller chose its address by putting it ahead of a trusted hop");
    }

    [Theory]
    [InlineData(null)]
    [InlineData("10.9.9.9, 192.0.2.0/24")]
    public async Task from_a_proxy_not_named_the_header_is_not_believed_and_the_budget_is_the_connections_address(string? trustedProxies)
    {
        // The loopback the caller comes from is trusted by default in ASP.NET Core; here only what is named is.
        using var service = ServiceProcess.Start(_directory, Node(trustedProxies));
        await service.WaitUntilOkAsync("/health/ready", Start);
        using var caller = new HttpClient { BaseAddress = service.BaseAddress };

        (await ReadAsync(caller, "203.0.113.7")).ShouldBe(HttpStatusCode.OK);
        (await ReadAsync(caller, "203.0.113.7")).ShouldBe(HttpStatusCode.OK);
        (await ReadAsync(caller, "198.51.100.9")).ShouldBe(HttpStatusCode.TooManyRequests, "a caller escaped its limit by naming another address");
    }

    [Fact]
    public void a_trusted_proxy_that_is_not_an_address_or_a_network_stops_the_start_with_one_line_naming_the_setting()
    {
        foreach (var bad in new[] { "10.1.2.0/33", "172.28", "10.1.2.5/24" })
        {
            using var service = ServiceProcess.Start(_directory, Node($"10.0.0.0/8, {bad}"));

            service.WaitForExit(TimeSpan.FromSeconds(60)).ShouldBeTrue($"the service started with '{bad}'\n{service.Output}");
            service.ExitCode.ShouldBe(ExitCodes.Refused, service.Output);
            service.StandardError.ShouldContain($"Timeline__TrustedProxies: '{bad}'", Case.Sensitive, service.Output);
            service.Output.ShouldNotContain("   at ", Case.Sensitive, "a stack trace was printed");
        }
    }

    private static async Task<HttpStatusCode> ReadAsync(HttpClient http, string forwardedFor)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/contradictions");
        request.Headers.TryAddWithoutValidation("X-Forwarded-For", forwardedFor);
        using var response = await http.SendAsync(request, Ct);
        return response.StatusCode;
    }
}
