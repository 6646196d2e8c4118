using System.Net;
using System.Text.Json;
using Alba;
using JasperFx.Events;
using JasperFx.Events.Projections;
using Marten;
using Marten.Events.Projections;
using Microsoft.Extensions.DependencyInjection;
using Shouldly;
using Timeline.People;
using Timeline.Tests.Infrastructure;
using Xunit;

namespace Timeline.Tests.Changes;

/// <summary>Throws on one person's registration, as a projection with a bug would.</summary>
public sealed partial class PoisonedProjection : EventProjection
{
    public const string PoisonName = "Poison Pill";

    public PoisonedProjection() => Name = "Poisoned";

    public override ValueTask ApplyAsync(IDocumentOperations operations, IEvent e, CancellationToken cancellation) =>
        e.Data is PersonRegistered { Name: PoisonName }
            ? throw new InvalidOperationException("this projection cannot take a poison pill")
            : ValueTask.CompletedTask;
}

public sealed class ProjectionHealthTests(AppFixture app) : ChangesTest(app)
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task a_poisoned_event_stops_only_its_projection_and_ready_names_it()
    {
        // A host of its own, in a schema of its own, so the poisoned projection does not touch the shared one.
        await using var host = await AlbaHost.For<Program>(builder =>
        {
            builder.UseSetting("ConnectionStrings:Timeline", App.ConnectionString);
            AppFixture.UseTestCredentials(builder);
            builder.UseSetting("Timeline:SeedOnStart", "false");
            builder.ConfigureServices(services => services.ConfigureMarten(opts =>
            {
                opts.DatabaseSchemaName = "poisoned";
                opts.Events.DatabaseSchemaName = "poisoned";
                opts.Projections.Add(new PoisonedProjection(), ProjectionLifecycle.Async);
            }));
        });
        await host.ResetAllMartenDataAsync();
        using var http = AppFixture.ClientFor(host);

        using var ready = await http.GetAsync("/health/ready", Ct);
        ready.StatusCode.ShouldBe(HttpStatusCode.OK, await TextAsync(ready));

        await RegisterAsync("before-the-pill", http);
        using var pill = await http.PostAsync("/api/people",
            System.Net.Http.Json.JsonContent.Create(new { id = "the-pill", name = PoisonedProjection.PoisonName, aliases = Array.Empty<string>() }), Ct);
        pill.StatusCode.ShouldBe(HttpStatusCode.Created, await TextAsync(pill));
        var poisonAt = (await Body(pill)).GetProperty("sequence").GetInt64();
        var after = await RegisterAsync("after-the-pill", http);

        // The feed's own projection goes on past the poisoned event.
        var feed = await FeedAsync($"after={poisonAt}&wait=10", http);
        feed.Items.Select(i => i.Id).ShouldBe([after]);

        JsonElement report = default;
        var deadline = DateTime.UtcNow + Bound;
        HttpStatusCode status;
        do
        {
            using var response = await http.GetAsync("/health/ready", Ct);
            status = response.StatusCode;
            report = await Body(response);
            if (status == HttpStatusCode.ServiceUnavailable) break;
            await Task.Delay(200, Ct);
        }
        while (DateTime.UtcNow < deadline);

        status.ShouldBe(HttpStatusCode.ServiceUnavailable, report.ToString());
        report.GetProperty("status").GetString().ShouldBe("Unhealthy");
        var projections = report.GetProperty("projections").EnumerateArray().ToDictionary(p => p.GetProperty("name").GetString()!);
        var poisoned = projections["Poisoned:All"];
        poisoned.GetProperty("status").GetString().ShouldBe("failed");
        poisoned.GetProperty("failedAt").GetInt64().ShouldBe(poisonAt);
        poisoned.GetProperty("lagEvents").GetInt64().ShouldBeGreaterThan(0);
        var changes = projections["Changes:All"];
        changes.GetProperty("status").GetString().ShouldBe("healthy");
        changes.GetProperty("lagEvents").GetInt64().ShouldBe(0);
        report.GetProperty("checks").EnumerateArray().Single(c => c.GetProperty("name").GetString() == "projections")
            .GetProperty("description").GetString()!.ShouldContain($"at event {poisonAt}");
    }
}
