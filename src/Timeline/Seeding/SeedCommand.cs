using JasperFx.CommandLine;
using Spectre.Console;
using Timeline.Commands;

namespace Timeline.Seeding;

public sealed class SeedInput : NetCoreInput, ICheckedInput
{
    [Description("The seeds folder (default: seeds/ found from the working directory)")]
    public string? DirectoryFlag { get; set; }

    public string? Refusal() => DirectoryFlag is null || Directory.Exists(DirectoryFlag) ? null : $"No folder {DirectoryFlag}.";
}

[Description("Loads seeds/ (sources, people and claims) through the API's own code paths; appends nothing twice. Exit code 0 done, 1 done with rejected records, 2 refused")]
public sealed class SeedCommand : JasperFxAsyncCommand<SeedInput>
{
    public override async Task<bool> Execute(SeedInput input)
    {
        using var host = input.BuildHost();
        var seeder = host.Services.GetRequiredService<Seeder>();
        var directory = input.DirectoryFlag ?? seeder.FindSeedsDirectory();
        if (directory is null || !Directory.Exists(directory))
        {
            await Console.Error.WriteLineAsync(input.DirectoryFlag is null ? "No seeds folder found; pass --directory <folder>." : $"No folder {input.DirectoryFlag}.");
            return ExitCodes.Exit(ExitCodes.Refused);
        }

        var progress = new SeedProgress();
        SeedReport report;
        try
        {
            if (AnsiConsole.Profile.Capabilities.Interactive)
            {
                report = await AnsiConsole.Progress()
                    .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn())
                    .StartAsync(async context =>
                    {
                        progress.Task = context.AddTask("Seeding", maxValue: 1);
                        return await seeder.SeedAsync(directory, CancellationToken.None, progress);
                    });
            }
            else
            {
                // A log or a pipe gets one plain line (never wrapped): a live bar is drawn only on refresh, and a quick run may end before one.
                Console.WriteLine($"Seeding from {directory}");
                report = await seeder.SeedAsync(directory, CancellationToken.None, progress);
            }
        }
        catch (InvalidDataException e)
        {
            // Raised before anything is written: the run is refused whole.
            await Console.Error.WriteLineAsync($"Refused: {e.Message}");
            return ExitCodes.Exit(ExitCodes.Refused);
        }

        var summary = new Table().Title($"Seeded from {Markup.Escape(directory)}").AddColumn("what").AddColumn(new TableColumn("count").RightAligned());
        summary.AddRow("sources", Count(report.Sources));
        summary.AddRow("people registered", Count(report.PeopleRegistered));
        summary.AddRow("claims appended", Count(report.ClaimsAppended));
        summary.AddRow("claims already there", Count(report.ClaimsAlreadyThere));
        summary.AddRow("rejected", Count(report.Rejected));
        AnsiConsole.Write(summary);
        foreach (var (file, record, reason) in progress.Rejections)
        {
            AnsiConsole.MarkupLineInterpolated($"[red]rejected[/] {Path.GetFileName(file)}: {record}: {reason}");
        }

        return ExitCodes.Exit(report.Rejected > 0 ? ExitCodes.DoneWithRejections : ExitCodes.Done);
    }

    private static string Count(int n) => n.ToString(System.Globalization.CultureInfo.InvariantCulture);

    private sealed class SeedProgress : ISeedProgress
    {
        public ProgressTask? Task { get; set; }

        public List<(string File, string Record, string Reason)> Rejections { get; } = [];

        public void Planned(int records)
        {
            if (Task is not null) Task.MaxValue = Math.Max(records, 1);
        }

        public void Advanced() => Task?.Increment(1);

        public void Rejected(string file, string record, string reason) => Rejections.Add((file, record, reason));
    }
}
