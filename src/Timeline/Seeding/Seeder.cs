using System.Text.Json;
using Marten;
using Microsoft.Extensions.Options;
using Timeline.Claims;
using Timeline.Hosting;
using Timeline.People;
using Timeline.Sources;

namespace Timeline.Seeding;

public sealed class SeedingOptions
{
    /// <summary>Load seeds/ when the service starts; appends nothing that is already there.</summary>
    public bool SeedOnStart { get; set; } = true;

    /// <summary>The seeds folder; found by walking up from the working directory when not set.</summary>
    public string? SeedsDirectory { get; set; }
}

public sealed record SeedReport(int Sources, int PeopleRegistered, int ClaimsAppended, int ClaimsAlreadyThere);

/// <summary>Loads seed manifests through the same code paths as the HTTP API, so seeds obey every rule a client does.</summary>
public sealed class Seeder(IDocumentStore store, TimeProvider time, IOptions<SeedingOptions> options, ILogger<Seeder> logger)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private const string SeedPrincipal = "seed";
    private static readonly WriteRequest Unkeyed = new(null, "", SeedPrincipal);

    public string? FindSeedsDirectory()
    {
        if (options.Value.SeedsDirectory is { } configured) return Directory.Exists(configured) ? Path.GetFullPath(configured) : null;
        foreach (var start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                var candidate = Path.Combine(dir.FullName, "seeds");
                if (Directory.Exists(candidate) && Directory.EnumerateFiles(candidate, "*.json").Any()) return candidate;
            }
        }

        return null;
    }

    public async Task<SeedReport> SeedAsync(string directory, CancellationToken ct)
    {
        var report = new SeedReport(0, 0, 0, 0);
        foreach (var file in Directory.EnumerateFiles(directory, "*.json").Order(StringComparer.Ordinal))
        {
            var manifest = JsonSerializer.Deserialize<SeedManifest>(await File.ReadAllTextAsync(file, ct), Json)
                ?? throw new InvalidDataException($"{file} is empty");
            report = Add(report, await LoadAsync(manifest, Path.GetDirectoryName(file)!, file, ct));
        }

        logger.LogInformation("Seeds loaded from {Directory}: {Report}", directory, report);
        return report;
    }

    private async Task<SeedReport> LoadAsync(SeedManifest manifest, string directory, string file, CancellationToken ct)
    {
        var s = manifest.Source;
        var text = await File.ReadAllTextAsync(Path.Combine(directory, s.TextFile), ct);
        var sourceResult = await RegisterSourceEndpoint.RegisterAsync(new RegisterSource(s.Url, s.Publisher, s.Title, s.Author, s.PublishedAt, text), SeedPrincipal, store, time, ct);
        var sourceId = Expect<RegisteredSource>(sourceResult, file, "source").Id;

        var people = 0;
        foreach (var person in manifest.People)
        {
            await using (var query = store.QuerySession())
            {
                if (await query.Events.FetchStreamStateAsync(person.Id!, ct) is not null) continue;
            }

            var result = await RegisterPersonEndpoint.RegisterAsync(store, person with { RecordedBy = SeedPrincipal }, Unkeyed, time, ct);
            if (result is IStatusCodeHttpResult { StatusCode: StatusCodes.Status409Conflict }) continue;
            Expect<RegisteredPerson>(result, file, $"person {person.Id}");
            people++;
        }

        int appended = 0, existing = 0;
        foreach (var seed in manifest.Claims)
        {
            await using (var query = store.QuerySession())
            {
                if (seed.Claim.ClaimId is { } id && await query.LoadAsync<ClaimRecord>(id, ct) is not null)
                {
                    existing++;
                    continue;
                }
            }

            var claim = seed.Claim with { SourceId = sourceId, RecordedBy = SeedPrincipal };
            Expect<AppendedEntry>(await AppendClaimEndpoint.AppendAsync(store, seed.Person, claim, null, Unkeyed, time, ct), file, $"claim {claim.ClaimId}");
            appended++;
        }

        return new SeedReport(1, people, appended, existing);
    }

    private static T Expect<T>(IResult result, string file, string what) => result switch
    {
        IValueHttpResult { Value: T value } => value,
        Microsoft.AspNetCore.Http.HttpResults.ProblemHttpResult problem =>
            throw new InvalidDataException($"{file}: {what} was refused: {problem.ProblemDetails.Detail}"),
        _ => throw new InvalidDataException($"{file}: {what} was refused ({(result as IStatusCodeHttpResult)?.StatusCode})"),
    };

    private static SeedReport Add(SeedReport a, SeedReport b) =>
        new(a.Sources + b.Sources, a.PeopleRegistered + b.PeopleRegistered, a.ClaimsAppended + b.ClaimsAppended, a.ClaimsAlreadyThere + b.ClaimsAlreadyThere);
}

/// <summary>Seeds on start-up so a fresh clone's first run shows the seed case.</summary>
public sealed class SeedOnStartup(Seeder seeder, IOptions<SeedingOptions> options, ILogger<SeedOnStartup> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken ct)
    {
        if (!options.Value.SeedOnStart) return;
        if (seeder.FindSeedsDirectory() is { } directory) await seeder.SeedAsync(directory, ct);
        else logger.LogWarning("No seeds/ folder found; nothing seeded");
    }

    public Task StopAsync(CancellationToken ct) => Task.CompletedTask;
}

public static class SeedingSetup
{
    public static IServiceCollection AddSeeding(this IServiceCollection services, IConfiguration configuration)
    {
        services.Configure<SeedingOptions>(configuration.GetSection("Timeline"));
        services.AddSingleton<Seeder>();
        services.AddHostedService<SeedOnStartup>();
        return services;
    }
}
