using JasperFx.Events;
using Marten;
using Microsoft.AspNetCore.Mvc;
using Timeline.Claims;
using Timeline.Hosting;
using Wolverine.Http;

namespace Timeline.People;

public sealed record RecordedEvent(long Version, long Sequence, DateTimeOffset RecordedAt, string Type, object Data);

public sealed record EventPage(string PersonId, long After, IReadOnlyList<RecordedEvent> Events, long? Next);

public static class PersonQueries
{
    public const int MaxEventsPerPage = 1_000;

    [WolverineGet("/api/people/{id}")]
    [Tags("People")]
    [EndpointSummary("Current status of a person")]
    [EndpointDescription("Offices, party, roles, the status line and contradictions. validAt=YYYY-MM-DD: as things stood in the world that day; recordedAt=<ISO time>: as the record stood then; both together.")]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status400BadRequest, "application/problem+json")]
    [ProducesResponseType<CurrentStatus>(StatusCodes.Status200OK)]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status404NotFound, "application/problem+json")]
    public static async Task<IResult> Status(
        string id, string? validAt, string? recordedAt, HttpContext context, IQuerySession session, TimeProvider time, CancellationToken ct)
    {
        if (!Clocks.TryParse(validAt, recordedAt, out var valid, out var recorded, out var problem)) return problem!;
        var dossier = await FetchDossierAsync(session, id, recorded, ct);
        return dossier is null ? NotOnRecord(id, recorded) : HttpCaching.Json(context,
            CurrentStatus.From(dossier, valid, recorded, DateOnly.FromDateTime((recorded ?? time.GetUtcNow()).UtcDateTime)));
    }

    [WolverineGet("/api/people/{id}/timeline")]
    [Tags("People")]
    [EndpointSummary("A career in valid-time order")]
    [EndpointDescription("Every claim about the person with its sources and contest, ruling and retraction state. validAt: the claims begun by that date; recordedAt: the record as it stood then.")]
    [ProducesResponseType<CareerTimeline>(StatusCodes.Status200OK)]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status400BadRequest, "application/problem+json")]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status404NotFound, "application/problem+json")]
    public static async Task<IResult> Timeline(string id, string? validAt, string? recordedAt, HttpContext context, IQuerySession session, CancellationToken ct)
    {
        if (!Clocks.TryParse(validAt, recordedAt, out var valid, out var recorded, out var problem)) return problem!;
        var dossier = await FetchDossierAsync(session, id, recorded, ct);
        return dossier is null ? NotOnRecord(id, recorded) : HttpCaching.Json(context, CareerTimeline.From(dossier, valid, recorded));
    }

    [WolverineGet("/api/people/{id}/events")]
    [Tags("People")]
    [EndpointSummary("The raw stream")]
    [EndpointDescription("Events after a stream version, in recorded order, with recorded times and global sequences; next is the cursor for the following page.")]
    [ProducesResponseType<EventPage>(StatusCodes.Status200OK)]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status400BadRequest, "application/problem+json")]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status404NotFound, "application/problem+json")]
    public static async Task<IResult> Events(string id, long? after, int? limit, HttpContext context, IQuerySession session, CancellationToken ct)
    {
        if (after is < 0 || limit is < 1 or > MaxEventsPerPage)
        {
            return Problems.Create(StatusCodes.Status400BadRequest, "bad-paging", "Bad paging",
                $"after must be a version of at least 0 and limit between 1 and {MaxEventsPerPage}.");
        }

        if (!Slugs.IsSlug(id) || await session.Events.FetchStreamStateAsync(id, ct) is null) return NotOnRecord(id, null);

        var from = (after ?? 0) + 1;
        var take = limit ?? MaxEventsPerPage;
        var events = await session.Events.FetchStreamAsync(id, version: from + take - 1, fromVersion: from, token: ct);
        var page = events.Select(e => new RecordedEvent(e.Version, e.Sequence, e.RecordedAt(), e.EventTypeName, e.Data)).ToList();
        var next = page.Count == take ? page[^1].Version : (long?)null;
        return HttpCaching.Json(context, new EventPage(id, after ?? 0, page, next));
    }

    /// <summary>
    /// The person's dossier now (the inline projection), or as the record stood at a recorded time: a replay of the
    /// events recorded by then, through the same fold — linear in the person's events.
    /// </summary>
    public static async Task<PersonDossier?> FetchDossierAsync(IQuerySession session, string id, DateTimeOffset? recordedAt, CancellationToken ct)
    {
        if (!Slugs.IsSlug(id)) return null;
        if (recordedAt is null) return await session.LoadAsync<PersonDossier>(id, ct);

        var events = await session.Events.FetchStreamAsync(id, timestamp: recordedAt, token: ct);
        return events.Count == 0 ? null : PersonDossier.Replay(events);
    }

    private static IResult NotOnRecord(string id, DateTimeOffset? recordedAt) =>
        recordedAt is null
            ? Problems.NotFound($"No person '{id}' is registered.")
            : Problems.NotFound($"No person '{id}' was on record at {recordedAt:O}.");
}
