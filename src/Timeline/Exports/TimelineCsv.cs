using System.Globalization;
using System.Text.Json;
using Marten;
using Microsoft.AspNetCore.Mvc;
using Timeline.Claims;
using Timeline.Hosting;
using Timeline.People;
using Wolverine.Http;

namespace Timeline.Exports;

/// <summary>One timeline entry as a spreadsheet row; values read as the JSON timeline writes them.</summary>
public sealed record TimelineCsvRow(
    string? ValidTime, string? Precision, string Type, string Predicate, string Object, string Stance, string? Value,
    string ContestState, string? PropositionHolds, string Retracted, string? Ruling,
    string Claimant, string? ClaimantRole, string? ClaimantAffiliation, string Quote,
    string Publisher, string SourceTitle, string SourceUrl, string PublishedAt,
    string ClaimId, string Version, string Sequence, string RecordedAt, string RecordedBy,
    string? DecisiveVerdict, string NoLongerStated, string AfterDeath,
    string? Cause, string? Term, string? ScheduledEnd, string? DisputedEnd)
{
    public static readonly string[] Header =
    [
        "validTime", "precision", "type", "predicate", "object", "stance", "value",
        "contestState", "propositionHolds", "retracted", "ruling",
        "claimant", "claimantRole", "claimantAffiliation", "quote",
        "publisher", "sourceTitle", "sourceUrl", "publishedAt",
        "claimId", "version", "sequence", "recordedAt", "recordedBy",
        // Added after the first columns: appended, so a reader by position keeps working.
        "decisiveVerdict", "noLongerStated", "afterDeath",
        // What only a claim's own fields say: how an office was left, the term, its scheduled end, the end a dispute denies.
        "cause", "term", "scheduledEnd", "disputedEnd",
    ];

    public IReadOnlyList<string?> Cells() =>
    [
        ValidTime, Precision, Type, Predicate, Object, Stance, Value,
        ContestState, PropositionHolds, Retracted, Ruling,
        Claimant, ClaimantRole, ClaimantAffiliation, Quote,
        Publisher, SourceTitle, SourceUrl, PublishedAt,
        ClaimId, Version, Sequence, RecordedAt, RecordedBy,
        DecisiveVerdict, NoLongerStated, AfterDeath,
        Cause, Term, ScheduledEnd, DisputedEnd,
    ];

    public static TimelineCsvRow Of(TimelineEntry entry)
    {
        var c = entry.Claim;
        var a = c.Attribution;
        return new TimelineCsvRow(
            entry.ValidTime, Name(entry.Precision), c.Type, c.Proposition.Predicate, c.Proposition.Object, Name(c.Stance), c.Value,
            Name(entry.ContestState), entry.PropositionHolds is { } holds ? Bool(holds) : null, Bool(entry.Retracted), Name(entry.Ruling),
            a.Claimant.Name, a.Claimant.Role, a.Claimant.Affiliation, a.Quote,
            a.Source.Publisher, a.Source.Title, a.Source.Url, Instant(a.Source.PublishedAt),
            c.Id.ToString(), Number(c.StreamVersion), Number(c.Sequence), Instant(c.RecordedAt), a.RecordedBy,
            Name(entry.DecisiveVerdict), Bool(entry.NoLongerStated), Bool(entry.AfterDeath),
            Name(c.Cause), c.Term is { } term ? Number(term) : null, c.ScheduledEnd?.ToString(), c.DisputedEnd?.ToString());
    }

    private static string? Name<TEnum>(TEnum? value) where TEnum : struct, Enum =>
        value is { } v ? Name(v) : null;

    private static string Name<TEnum>(TEnum value) where TEnum : struct, Enum => JsonNamingPolicy.CamelCase.ConvertName(value.ToString());

    private static string Bool(bool value) => value ? "true" : "false";

    private static string Number(long value) => value.ToString(CultureInfo.InvariantCulture);

    private static string Instant(DateTimeOffset value) => value.ToString("O", CultureInfo.InvariantCulture);
}

public static class TimelineCsvEndpoint
{
    public const string TextCsv = "text/csv; charset=utf-8";

    [WolverineGet("/api/people/{id}/timeline.csv")]
    [Tags("Exports")]
    [EndpointSummary("A career timeline as CSV")]
    [EndpointDescription("The rows of GET /api/people/{id}/timeline, same clocks (validAt, reportedAt, recordedAt), as RFC 4180 CSV with a header row. A cell starting with = + - @, a tab or a carriage return gets a leading apostrophe so spreadsheets show it as text.")]
    [ProducesResponseType<string>(StatusCodes.Status200OK, "text/csv")]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status400BadRequest, "application/problem+json")]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status404NotFound, "application/problem+json")]
    public static async Task<IResult> Get(
        string id, string? validAt, string? reportedAt, string? recordedAt, HttpContext context, IQuerySession session, CancellationToken ct)
    {
        if (!Clocks.TryParse(validAt, reportedAt, recordedAt, out var clocks, out var problem)) return problem!;
        var dossier = !Slugs.IsSlug(id) ? null
            : clocks.RecordedAt is { } at ? await PersonQueries.ReplayAsync(session, id, at, clocks.ReportedBy, ct)
            : await PersonQueries.LoadNowAsync(session, id, context.RequestServices.GetRequiredService<Dossiers>(), ct, clocks.ReportedBy);
        if (dossier is null)
        {
            return Problems.NotFound(clocks.RecordedAt is { } then ? $"No person '{id}' was on record at {then:O}." : $"No person '{id}' is registered.");
        }

        var timeline = CareerTimeline.From(dossier, clocks.ValidAt, clocks.RecordedAt);
        var body = Csv.Write(TimelineCsvRow.Header, timeline.Entries.Select(e => TimelineCsvRow.Of(e).Cells()));
        context.Response.Headers.ContentDisposition = $"inline; filename=\"{id}-timeline.csv\"";
        return HttpCaching.NotModified(context, HttpCaching.Tag(Convert.ToBase64String(body))) ?? Results.Bytes(body, TextCsv);
    }
}
