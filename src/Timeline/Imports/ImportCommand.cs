using Timeline.Commands;
using System.Globalization;
using JasperFx.CommandLine;
using Marten;
using Spectre.Console;

namespace Timeline.Imports;

public sealed class ImportInput : NetCoreInput, ICheckedInput
{
    [Description("The format of the file: popolo")]
    public string Format { get; set; } = "";

    [Description("The file to import")]
    public string File { get; set; } = "";

    [Description("The file's identity, the same for every version of it (default: urn:popolo:<file name>)")]
    public string? SourceFlag { get; set; }

    [Description("Who published this version (default: Popolo import)")]
    public string? PublisherFlag { get; set; }

    [Description("The title of this version")]
    public string? TitleFlag { get; set; }

    [Description("When this version was published, ISO 8601 (default: now)")]
    [FlagAlias("published-at", true)]
    public string? PublishedAtFlag { get; set; }

    public string? Refusal()
    {
        if (!string.Equals(Format, "popolo", StringComparison.OrdinalIgnoreCase)) return $"'{Format}' is not a format this imports: use popolo";
        if (!System.IO.File.Exists(File)) return $"{File}: no such file";
        if (PublishedAtFlag is not { } at) return null;
        if (!PopoloSource.TryParsePublishedAt(at, out var published)) return $"--published-at '{at}' is not an ISO 8601 time";
        if (Sources.Publication.RefuseFuture(published, DateTimeOffset.UtcNow, Sources.Publication.VersionClockSkew) is { } future) return $"--published-at: {future}";
        return null;
    }
}

[Description("Imports a Popolo file: people and the claims it states, each citing its record; exit 0 done, 1 done with rejected records, 2 refused")]
public sealed class ImportCommand : JasperFxAsyncCommand<ImportInput>
{
    public ImportCommand() => Usage("Import a Popolo file").Arguments(x => x.Format, x => x.File);

    public override async Task<bool> Execute(ImportInput input)
    {
        if (input.Refusal() is { } refusal) return Refuse(refusal);
        DateTimeOffset? publishedAt = input.PublishedAtFlag is { } at && PopoloSource.TryParsePublishedAt(at, out var parsed) ? parsed : null;

        var source = new PopoloSource(input.SourceFlag ?? $"urn:popolo:{Uri.EscapeDataString(Path.GetFileName(input.File))}", input.PublisherFlag, input.TitleFlag, publishedAt);
        var text = await System.IO.File.ReadAllTextAsync(input.File);
        using var host = input.BuildHost();
        var store = host.Services.GetRequiredService<IDocumentStore>();
        var time = host.Services.GetRequiredService<TimeProvider>();
        // The host is built, not started: the schema the service applies at start-up is applied here, so an import into a
        // new database finds every table the write path writes with its own SQL.
        await store.Storage.ApplyAllConfiguredChangesToDatabaseAsync();

        ImportReport report;
        var clock = System.Diagnostics.Stopwatch.StartNew();
        try
        {
            report = await AnsiConsole.Progress().AutoClear(false).StartAsync(async progress =>
            {
                var tasks = new Dictionary<string, ProgressTask>();
                return await PopoloImport.RunAsync(store, text, source, "cli", time, (stage, done, total) =>
                {
                    if (!tasks.TryGetValue(stage, out var task)) tasks[stage] = task = progress.AddTask(stage, maxValue: Math.Max(1, total));
                    task.MaxValue = Math.Max(1, total);
                    task.Value = total == 0 ? 1 : done;
                }, CancellationToken.None);
            });
        }
        catch (PopoloRefusedException ex)
        {
            return Refuse(ex.Message);
        }

        var seconds = clock.Elapsed.TotalSeconds;
        Print(report);
        // One plain line a script can read (the bench does).
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Imported {report.ClaimsAppended} claims in {seconds:F2} s ({report.ClaimsAppended / Math.Max(seconds, 0.001):F0}/s). Bulk path: {report.CheckingSeconds:F2} s checking, {report.CommittingSeconds:F2} s committing (summed over its lanes)."));
        return ExitCodes.Exit(report.Rejected.Count == 0 ? ExitCodes.Done : ExitCodes.DoneWithRejections);
    }

    private static void Print(ImportReport report)
    {
        var records = new Table().AddColumns("records", "read", "rejected");
        foreach (var kind in report.Records) records.AddRow(kind.Kind, Number(kind.Read), Number(kind.Rejected));
        AnsiConsole.Write(records);

        var summary = new Table().AddColumns("what", "count");
        summary.AddRow("people registered", Number(report.PeopleRegistered));
        summary.AddRow("people already on record", Number(report.PeopleAlreadyThere));
        summary.AddRow("claims appended", Number(report.ClaimsAppended));
        summary.AddRow("claims already on record", Number(report.ClaimsAlreadyThere));
        summary.AddRow("claims no longer stated", Number(report.ClaimsNoLongerStated));
        summary.AddRow("claims stated again", Number(report.ClaimsStatedAgain));
        summary.AddRow("rejected records", Number(report.Rejected.Count));
        AnsiConsole.Write(summary);
        AnsiConsole.WriteLine($"source {report.SourceId} ({report.Series}, sha256 {report.ContentHash})");

        if (report.Rejected.Count == 0) return;
        var rejected = new Table().AddColumns("pointer", "why");
        foreach (var r in report.Rejected) rejected.AddRow(Markup.Escape(r.Pointer), Markup.Escape(r.Reason));
        AnsiConsole.Write(rejected);
    }

    private static string Number(int n) => n.ToString("N0", CultureInfo.InvariantCulture);

    private static bool Refuse(string reason)
    {
        Console.Error.WriteLine($"Refused, nothing imported: {reason}");
        return ExitCodes.Exit(ExitCodes.Refused);
    }
}
