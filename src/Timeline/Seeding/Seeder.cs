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

public sealed record SeedReport(int Sources, int PeopleRegistered, int ClaimsAppended, int ClaimsAlreadyThere, int Rejected = 0);

/// <summary>
/// Follows a seeding run: the records ahead, each one done, each one refused. With an observer a refused record is
/// reported and skipped; without one it stops the run, so a start-up seed never half-loads quietly.
/// </summary>
public interface ISeedProgress
{
    void Planned(int records);

    void Advanced();

    void Rejected(string file, string record, string reason);
}

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

    public async Task<SeedReport> SeedAsync(string directory, CancellationToken ct, ISeedProgress? progress = null)
    {
        // Every manifest and text is read before anything is written: an unreadable one refuses the whole run.
        var manifests = new List<(SeedManifest Manifest, string Text, string File)>();
        foreach (var file in Directory.EnumerateFiles(directory, "*.json").Order(StringComparer.Ordinal))
        {
            SeedManifest manifest;
            try
            {
                manifest = JsonSerializer.Deserialize<SeedManifest>(await File.ReadAllTextAsync(file, ct), Json)
                    ?? throw new InvalidDataException($"{file} is empty");
            }
            catch (JsonException e)
            {
                throw new InvalidDataException($"{file} is not a seed manifest: {e.Message}", e);
            }

            var text = Path.Combine(Path.GetDirectoryName(file)!, manifest.Source.TextFile);
            if (!File.Exists(text)) throw new InvalidDataException($"{file} names the text file {manifest.Source.TextFile}, which is not there");
            manifests.Add((manifest, await File.ReadAllTextAsync(text, ct), file));
        }

        progress?.Planned(manifests.Sum(m => 1 + m.Manifest.People.Count + m.Manifest.Claims.Count));
        var report = new SeedReport(0, 0, 0, 0);
        foreach (var (manifest, text, file) in manifests)
        {
            report = Add(report, await LoadAsync(manifest, text, file, progress, ct));
        }

        logger.LogInformation("Seeds loaded from {Directory}: {Report}", directory, report);
        return report;
    }

    private async Task<SeedReport> LoadAsync(SeedManifest manifest, string text, string file, ISeedProgress? progress, CancellationToken ct)
    {
        var s = manifest.Source;
        var sourceResult = await RegisterSourceEndpoint.RegisterAsync(new RegisterSource(s.Url, s.Publisher, s.Title, s.Author, s.PublishedAt, text), SeedPrincipal, store, time, ct);
        if (!Accepted<RegisteredSource>(sourceResult, file, $"source {s.Url}", progress, out var source))
        {
            // Nothing in this manifest can be attributed without its source.
            for (var i = 0; i < manifest.People.Count + manifest.Claims.Count; i++) progress!.Advanced();
            return new SeedReport(0, 0, 0, 0, 1);
        }

        progress?.Advanced();
        var sourceId = source.Id;
        var rejected = 0;

        var people = 0;
        foreach (var person in manifest.People)
        {
            await using (var query = store.QuerySession())
            {
                if (await query.Events.FetchStreamStateAsync(person.Id!, ct) is not null)
                {
                    progress?.Advanced();
                    continue;
                }
            }

            var result = await RegisterPersonEndpoint.RegisterAsync(store, person with { RecordedBy = SeedPrincipal }, Unkeyed, time, ct);
            progress?.Advanced();
            if (result is IStatusCodeHttpResult { StatusCode: StatusCodes.Status409Conflict }) continue;
            if (Accepted<RegisteredPerson>(result, file, $"person {person.Id}", progress, out _)) people++;
            else rejected++;
        }

        int appended = 0, existing = 0;
        foreach (var seed in manifest.Claims)
        {
            await using (var query = store.QuerySession())
            {
                if (seed.Claim.ClaimId is { } id && await query.LoadClaimAsync(id, ct) is not null)
                {
                    existing++;
                    progress?.Advanced();
                    continue;
                }
            }

            var claim = seed.Claim with { SourceId = sourceId, RecordedBy = SeedPrincipal };
            var appendedClaim = await AppendClaimEndpoint.AppendAsync(store, seed.Person, claim, null, Unkeyed, time, ct);
            progress?.Advanced();
            if (Accepted<AppendedEntry>(appendedClaim, file, $"claim {claim.ClaimId}", progress, out _)) appended++;
            else rejected++;
        }

        return new SeedReport(1, people, appended, existing, rejected);
    }

    private static bool Accepted<T>(IResult result, string file, string what, ISeedProgress? progress, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out T? value)
    {
        if (result is IValueHttpResult { Value: T accepted })
        {
            value = accepted;
            return true;
        }

        var reason = result is Microsoft.AspNetCore.Http.HttpResults.ProblemHttpResult problem
            ? problem.ProblemDetails.Detail ?? problem.ProblemDetails.Title ?? "refused"
            : $"refused ({(result as IStatusCodeHttpResult)?.StatusCode})";
        if (progress is null) throw new InvalidDataException($"{file}: {what} was refused: {reason}");
        progress.Rejected(file, what, reason);
        value = default;
        return false;
    }

    private static SeedReport Add(SeedReport a, SeedReport b) =>
        new(a.Sources + b.Sources, a.PeopleRegistered + b.PeopleRegistered, a.ClaimsAppended + b.ClaimsAppended, a.ClaimsAlreadyThere + b.ClaimsAlreadyThere,
            a.Rejected + b.Rejected);
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
