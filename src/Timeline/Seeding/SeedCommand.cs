using JasperFx.CommandLine;
namespace Timeline.Seeding;

public sealed class SeedInput : NetCoreInput
{
    [Description("The seeds folder (default: seeds/ found from the working directory)")]
    public string? DirectoryFlag { get; set; }
}

[Description("Loads seeds/ (sources, people and claims) through the API's own code paths; appends nothing twice")]
public sealed class SeedCommand : JasperFxAsyncCommand<SeedInput>
{
    public override async Task<bool> Execute(SeedInput input)
    {
        using var host = input.BuildHost();
        var seeder = host.Services.GetRequiredService<Seeder>();
        var directory = input.DirectoryFlag ?? seeder.FindSeedsDirectory();
        if (directory is null || !Directory.Exists(directory))
        {
            await Console.Error.WriteLineAsync("No seeds folder found; pass --directory <folder>.");
            return false;
        }

        var report = await seeder.SeedAsync(directory, CancellationToken.None);
        Console.WriteLine($"Seeded from {directory}: {report.Sources} source(s), {report.PeopleRegistered} people registered, " +
                          $"{report.ClaimsAppended} claims appended, {report.ClaimsAlreadyThere} already there.");
        return true;
    }
}
