using JasperFx.Events;
using Marten;
using Microsoft.AspNetCore.Mvc;
using Timeline.Changes;
using Timeline.Claims;
using Timeline.Hosting;
using Wolverine.Http;

namespace Timeline.People;

/// <param name="RecordedBy">The principal the server recorded the event under.</param>
public sealed record RecordedEvent(long Version, long Sequence, DateTimeOffset RecordedAt, string Type, object Data, string? RecordedBy);

public sealed record EventPage(string PersonId, long After, IReadOnlyList<RecordedEvent> Events, long? Next);

public static class PersonQueries
{
    public const int MaxEventsPerPage = 1_000;

    [WolverineGet("/api/people/{id}")]
    [Tags("People")]
    [EndpointSummary("Current status of a person")]
    [EndpointDescription("Offices, party, roles, the status line and contradictions. validAt=YYYY-MM-DD: as things stood in the world that day; reportedAt=YYYY-MM-DD: as the sources published by that day told it; recordedAt=<ISO time>: as the record stood then; any combination.")]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status400BadRequest, "application/problem+json")]
    [ProducesResponseType<CurrentStatus>(StatusCodes.Status200OK)]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status404NotFound, "application/problem+json")]
    public static async Task<IResult> Status(
        string id, string? validAt, string? reportedAt, string? recordedAt, HttpContext context, IQuerySession session, TimeProvider time, CancellationToken ct)
    {
        if (!Clocks.TryParse(validAt, reportedAt, recordedAt, out var clocks, out var problem)) return problem!;
        var today = DateOnly.FromDateTime((clocks.RecordedAt ?? time.GetUtcNow()).UtcDateTime);
        return await ViewAsync(context, session, id, clocks, $"status|{today:O}", dossier => CurrentStatus.From(dossier, clocks.ValidAt, clocks.RecordedAt, today), ct);
    }

    [WolverineGet("/api/people/{id}/timeline")]
    [Tags("People")]
    [EndpointSummary("A career in valid-time order")]
    [EndpointDescription("Every claim about the person with its sources and contest, ruling and retraction state. validAt: the claims begun by that date; reportedAt: the claims published by then; recordedAt: the record as it stood then.")]
    [ProducesResponseType<CareerTimeline>(StatusCodes.Status200OK)]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status400BadRequest, "application/problem+json")]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status404NotFound, "application/problem+json")]
    public static async Task<IResult> Timeline(
        string id, string? validAt, string? reportedAt, string? recordedAt, HttpContext context, IQuerySession session, CancellationToken ct)
    {
        if (!Clocks.TryParse(validAt, reportedAt, recordedAt, out var clocks, out var problem)) return problem!;
        return await ViewAsync(context, session, id, clocks, "timeline", dossier => CareerTimeline.From(dossier, clocks.ValidAt, clocks.RecordedAt), ct);
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
        var page = events.Select(e => new RecordedEvent(e.Version, e.Sequence, e.RecordedAt(), e.EventTypeName, e.Data, e.UserName)).ToList();
        var next = page.Count == take ? page[^1].Version : (long?)null;
        return HttpCaching.Json(context, new EventPage(id, after ?? 0, page, next));
    }

    /// <summary>
    /// A person view. Of now: from the stored documents, and since it is a function of the stream version, the
    /// query and the day, a poll whose ETag still matches costs one small read and gets 304. At a recorded time:
    /// a replay of the events recorded by then, through the same fold, linear in the person's events.
    /// </summary>
    private static async Task<IResult> ViewAsync<T>(
        HttpContext context, IQuerySession session, string id, Clocks clocks, string view, Func<PersonDossier, T> build, CancellationToken ct)
    {
        if (!Slugs.IsSlug(id)) return NotOnRecord(id, clocks.RecordedAt);
        if (clocks.RecordedAt is { } at)
        {
            var then = await ReplayAsync(session, id, at, clocks.ReportedBy, ct);
            return then is null ? NotOnRecord(id, at) : HttpCaching.Json(context, build(then));
        }

        // A poll that finds nothing new is answered from the version the database last announced: no round trip. So is
        // a full read of that version once this node has rendered it: within one epoch of the announcements, a version
        // names one state of the stream.
        var versions = context.RequestServices.GetRequiredService<StreamVersions>();
        var rendered = context.RequestServices.GetRequiredService<RenderedViews>();
        var epoch = versions.BeginFill();
        if (versions.TryGet(id, out var known))
        {
            if (HttpCaching.NotModified(context, Tag(known)) is { } unchanged) return unchanged;
            // Only if no reset or break fell between taking the epoch and reading the version: both name one state.
            if (versions.BeginFill() == epoch && rendered.TryGet(Announced(epoch, known), out var current)) return HttpCaching.Bytes(context, current, Tag(known));
        }

        var person = await session.LoadAsync<Person>(id, ct);
        if (person is null) return NotOnRecord(id, null);
        versions.Fill(epoch, id, person.Version);
        if (HttpCaching.NotModified(context, Tag(person.Version)) is { } notModified) return notModified;

        // A full read of an unchanged person serves the view rendered for that exact state of its stream.
        if (rendered.TryGet(Key(person), out var kept)) return HttpCaching.Bytes(context, kept, Tag(person.Version));

        var dossier = await LoadNowAsync(session, id, context.RequestServices.GetRequiredService<Dossiers>(), ct, clocks.ReportedBy, person) ?? throw new InvalidOperationException($"'{id}' vanished");
        var body = HttpCaching.Render(context, build(dossier));
        rendered.Set(Key(dossier.Person), body);
        // Under the epoch taken before the reads: after a reset or a broken listener the key is never asked for again.
        if (epoch >= 0) rendered.Set(Announced(epoch, dossier.Person.Version), body);
        return HttpCaching.Bytes(context, body, Tag(dossier.Person.Version));

        string Announced(long at, long version) => $"{at}|{id}|{Text(version)}";
        string Text(long version) => $"{view}|{version}|{context.Request.QueryString}|{BuildId}";
        string Tag(long version) => HttpCaching.Tag(Text(version));
        // The last event's sequence and time tell one state of a stream from another even if its events were ever reset.
        string Key(Person p) => $"{id}|{p.LastSequence}|{p.LastRecordedAt.UtcTicks}|{Text(p.Version)}";
    }

    // A new build may render the same record differently, so it changes every ETag.
    private static readonly Guid BuildId = typeof(PersonQueries).Assembly.ManifestModule.ModuleVersionId;

    /// <summary>
    /// The dossier as the record stands, cut to what had been published by <paramref name="reportedBy"/>: brought forward
    /// from the one this node keeps when there is one (<see cref="Dossiers"/>), else read in full.
    /// </summary>
    public static async Task<PersonDossier?> LoadNowAsync(
        IQuerySession session, string id, Dossiers? dossiers, CancellationToken ct, ReportedBy? reportedBy = null, Person? header = null)
    {
        var now = dossiers is null ? await LoadAllAsync(session, id, ct) : await dossiers.NowAsync(session, id, ct, header);
        return now is null || reportedBy is null ? now : PersonDossier.Assemble(now.Person, now.Claims, reportedBy);
    }

    /// <summary>
    /// The dossier as the record stands, from the header and claim documents. The two reads are checked against each
    /// other (every event leaves its sequence on the header and on one claim) and repeated if a write fell between.
    /// </summary>
    internal static async Task<PersonDossier?> LoadAllAsync(IQuerySession session, string id, CancellationToken ct)
    {
        for (var attempt = 0; attempt < 5; attempt++)
        {
            var claims = await session.ClaimsAsync(new ClaimFilter { PersonId = id }, ct);
            var person = await session.LoadAsync<Person>(id, ct);
            if (person is null) return null;
            if (PersonDossier.LastSequenceOf(person, claims) == person.LastSequence) return PersonDossier.Assemble(person, claims);
        }

        var events = await session.Events.FetchStreamAsync(id, token: ct);
        return events.Count == 0 ? null : PersonDossier.Replay(events);
    }

    public static async Task<PersonDossier?> ReplayAsync(IQuerySession session, string id, DateTimeOffset recordedAt, ReportedBy? reportedBy, CancellationToken ct)
    {
        var events = await session.Events.FetchStreamAsync(id, timestamp: recordedAt, token: ct);
        return events.Count == 0 ? null : PersonDossier.Replay(events, reportedBy);
    }

    private static IResult NotOnRecord(string id, DateTimeOffset? recordedAt) =>
        recordedAt is null
            ? Problems.NotFound($"No person '{id}' is registered.")
            : Problems.NotFound($"No person '{id}' was on record at {recordedAt:O}.");
}
