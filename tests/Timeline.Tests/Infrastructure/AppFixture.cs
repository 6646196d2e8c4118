using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;
using Alba;
using Marten;
using Microsoft.Extensions.DependencyInjection;
using Timeline.Hosting;
using Timeline.Seeding;
using Xunit;

[assembly: AssemblyFixture(typeof(Timeline.Tests.Infrastructure.AppFixture))]
[assembly: CollectionBehavior(CollectionBehavior.CollectionPerAssembly)]

namespace Timeline.Tests.Infrastructure;

/// <summary>One running service for the whole test run, on a real PostgreSQL; each test resets the data first.</summary>
public sealed class AppFixture : IAsyncLifetime
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public IAlbaHost Host { get; private set; } = null!;
    public string ConnectionString { get; private set; } = "";

    public async ValueTask InitializeAsync()
    {
        ConnectionString = await TestPostgres.ConnectionStringAsync();
        Host = await StartHostAsync(ConnectionString);
    }

    /// <summary>One key per role, made up for this run only: nothing secret is committed.</summary>
    public static readonly IReadOnlyDictionary<string, string> Keys =
        AuthRoles.All.ToDictionary(role => role, _ => "test_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(24)));

    /// <summary>The principal each role's key authenticates as: what the record says recorded a test's writes.</summary>
    public static string PrincipalOf(string role) => $"tests-{role}";

    /// <summary>Signs the JWTs the access tests make; random per run.</summary>
    public static readonly string JwtSigningKey = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));

    public static Task<IAlbaHost> StartHostAsync(string connectionString, IReadOnlyDictionary<string, string>? settings = null) =>
        AlbaHost.For<Program>(builder =>
        {
            builder.UseSetting("ConnectionStrings:Timeline", connectionString);
            UseTestCredentials(builder);
            builder.UseSetting("Timeline:SeedOnStart", "false");
            // Small enough that the changes tests reach these bounds quickly.
            builder.UseSetting("Timeline:Changes:SubscriberBuffer", "20");
            builder.UseSetting("Timeline:Changes:MaxLag", "100");
            builder.UseSetting("Timeline:Changes:Heartbeat", "00:00:01");
            builder.UseSetting("Timeline:ReadYourWrites:MaxWait", "00:00:01");
            foreach (var (name, value) in settings ?? new Dictionary<string, string>()) builder.UseSetting(name, value);
        });

    /// <summary>The run's keys and JWT signing key, a short key cache, and no rate limits: for any host a test starts.</summary>
    public static void UseTestCredentials(Microsoft.AspNetCore.Hosting.IWebHostBuilder builder)
    {
        foreach (var (role, key) in Keys)
        {
            builder.UseSetting($"Timeline:Auth:Keys:{PrincipalOf(role)}:Key", key);
            builder.UseSetting($"Timeline:Auth:Keys:{PrincipalOf(role)}:Role", role);
        }

        builder.UseSetting("Timeline:Auth:Jwt:SigningKey", JwtSigningKey);
        // Short, so the revocation test waits little; production's default is 10 s.
        builder.UseSetting("Timeline:Auth:KeyCacheFor", "00:00:01");
        // The suite's heavy tests must not be throttled; the rate-limit tests start a host with low limits.
        builder.UseSetting("Timeline:RateLimits:PerPrincipalPerMinute", "0");
        builder.UseSetting("Timeline:RateLimits:PerIpPerMinute", "0");
    }

    /// <summary>A client with the admin key: what most tests need, since admin may do everything.</summary>
    public HttpClient Client() => Client(AuthRoles.Admin);

    public HttpClient Client(string role) => ClientFor(Host, role);

    public HttpClient AnonymousClient() => Host.Server.CreateClient();

    public static HttpClient ClientFor(IAlbaHost host, string role = AuthRoles.Admin)
    {
        var client = host.Server.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Keys[role]);
        return client;
    }

    public IDocumentStore Store => Host.Services.GetRequiredService<IDocumentStore>();

    /// <summary>Clean data before a test: no people, sources, claims or idempotency keys. The async daemon is stopped around it.</summary>
    public async Task ResetAsync() => await Host.ResetAllMartenDataAsync();

    public async Task<SeedReport> SeedAsync()
    {
        var seeder = Host.Services.GetRequiredService<Seeder>();
        return await seeder.SeedAsync(seeder.FindSeedsDirectory() ?? throw new InvalidOperationException("no seeds/ folder"), CancellationToken.None);
    }

    public async ValueTask DisposeAsync()
    {
        if (Host is not null) await Host.DisposeAsync();
    }
}

/// <summary>Base for HTTP tests: a client on the shared host and clean data.</summary>
public abstract class ApiTest(AppFixture app) : IAsyncLifetime
{
    protected AppFixture App { get; } = app;
    protected HttpClient Http { get; } = app.Client();

    public virtual async ValueTask InitializeAsync() => await App.ResetAsync();

    public virtual ValueTask DisposeAsync()
    {
        Http.Dispose();
        GC.SuppressFinalize(this);
        return ValueTask.CompletedTask;
    }

    protected static async Task<JsonElement> Body(HttpResponseMessage response) =>
        JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();

    protected Task<HttpResponseMessage> Post(string url, object body, Action<HttpRequestMessage>? configure = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = JsonContent.Create(body, options: AppFixture.Json) };
        configure?.Invoke(request);
        return Http.SendAsync(request);
    }
}
