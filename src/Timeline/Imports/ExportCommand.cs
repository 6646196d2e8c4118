using Timeline.Commands;
using System.Text.Json;
using JasperFx.CommandLine;
using Marten;
using Microsoft.AspNetCore.Http.HttpResults;
using Timeline.Claims;
using Spectre.Console;

namespace Timeline.Imports;

public sealed class ExportInput : NetCoreInput, ICheckedInput
{
    [Description("The format to write: popolo")]
    public string Format { get; set; } = "";

    [Description("Write to this file instead of standard output")]
    public string? OutFlag { get; set; }

    [Description("Only the memberships held that day (YYYY-MM-DD), as GET /api/exports/popolo?validAt=")]
    public string? ValidAtFlag { get; set; }

    [Description("What the sources published by then said (a date, or an ISO 8601 time), as ?reportedAt=")]
    public string? ReportedAtFlag { get; set; }

    public string? Refusal()
    {
        if (!string.Equals(Format, "popolo", StringComparison.OrdinalIgnoreCase)) return $"'{Format}' is not a format this exports: use popolo";
        return Clocks.TryParse(ValidAtFlag, ReportedAtFlag, null, out _, out var problem) ? null : (problem as ProblemHttpResult)?.ProblemDetails.Detail;
    }
}

[Description("Exports the record as a Popolo document (people, organizations, memberships); exit 0 done, 2 refused")]
public sealed class ExportCommand : JasperFxAsyncCommand<ExportInput>
{
    public ExportCommand() => Usage("Export the record").Arguments(x => x.Format);

    public override async Task<bool> Execute(ExportInput input)
    {
        if (input.Refusal() is { } refusal)
        {
            await Console.Error.WriteLineAsync($"Refused: {refusal}");
            return ExitCodes.Exit(ExitCodes.Refused);
        }

        using var host = input.BuildHost();
        await using var session = host.Services.GetRequiredService<IDocumentStore>().QuerySession();
        Clocks.TryParse(input.ValidAtFlag, input.ReportedAtFlag, null, out var clocks, out _);
        var document = await PopoloExport.BuildAsync(session, clocks.ValidAt, clocks.ReportedBy, CancellationToken.None);
        if (input.OutFlag is null)
        {
            await using var stdout = Console.OpenStandardOutput();
            await JsonSerializer.SerializeAsync(stdout, document, PopoloJson.Options);
            return true;
        }

        await using (var file = File.Create(input.OutFlag)) await JsonSerializer.SerializeAsync(file, document, PopoloJson.Options);
        var summary = new Table().AddColumns("written", "count");
        summary.AddRow("persons", document.Persons.Count.ToString(System.Globalization.CultureInfo.InvariantCulture));
        summary.AddRow("organizations", document.Organizations.Count.ToString(System.Globalization.CultureInfo.InvariantCulture));
        summary.AddRow("memberships", document.Memberships.Count.ToString(System.Globalization.CultureInfo.InvariantCulture));
        AnsiConsole.Write(summary);
        AnsiConsole.WriteLine($"to {input.OutFlag}");
        return true;
    }
}
