using System.Net.Http.Json;
using System.Text.Json;
using Alba;
using Marten;
using Microsoft.Extensions.DependencyInjection;
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

    public static Task<IAlbaHost> StartHostAsync(string connectionString) =>
        AlbaHost.For<Program>(builder =>
        {
            builder.UseSetting("ConnectionStrings:Timeline", connectionString);
            builder.UseSetting("Timeline:SeedOnStart", "false");
            // Small enough that the changes tests reach these bounds quickly.
            builder.UseSetting("Timeline:Changes:SubscriberBuffer", "20");
            builder.UseSetting("Timeline:Changes:MaxLag", "100");
            builder.UseSetting("Timeline:Changes:Heartbeat", "00:00:01");
            builder.UseSetting("Timeline:ReadYourWrites:MaxWait", "00:00:01");
        });

    public HttpClient Client() => Host.Server.CreateClient();

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
