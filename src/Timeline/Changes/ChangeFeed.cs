using System.Globalization;
using Marten;
using Microsoft.AspNetCore.Mvc;
using Timeline.Claims;
using Timeline.Hosting;
using Wolverine.Http;

namespace Timeline.Changes;

/// <param name="Next">The cursor to ask from next (pass it as <c>after</c>): everything up to it has been seen.</param>
public sealed record ChangePage(IReadOnlyList<Change> Items, long After, long Next);

/// <summary>What one reader asks of the feed.</summary>
public sealed record ChangeQuery(long After, int Limit, string? Person, string? Kind)
{
    public const int DefaultLimit = 100;
    public const int MaxLimit = 1_000;
    public const int MaxWaitSeconds = 60;

    public static bool TryParse(long? after, int? limit, int? wait, string? person, string? kind, out ChangeQuery query, out IResult? problem)
    {
        query = new(after ?? 0, limit ?? DefaultLimit, NullIfEmpty(person), NullIfEmpty(kind));
        problem = null;
        var errors = new List<string>();
        if (after is < 0) errors.Add("after must be a sequence of at least 0");
        if (limit is < 1 or > MaxLimit) errors.Add($"limit must be between 1 and {MaxLimit}");
        if (wait is < 0 or > MaxWaitSeconds) errors.Add($"wait must be between 0 and {MaxWaitSeconds} seconds");
        if (query.Person is { } p && !Slugs.IsSlug(p)) errors.Add("person must be a person's id, like mustafa-kamal");
        if (query.Kind is { } k && !ChangeKinds.All.Contains(k)) errors.Add($"kind must be one of {string.Join(", ", ChangeKinds.All)}");
        if (errors.Count == 0) return true;

        problem = Problems.Create(StatusCodes.Status400BadRequest, "bad-changes-query", "Bad changes query", string.Join("; ", errors) + ".");
        return false;
    }

    private static string? NullIfEmpty(string? text) => string.IsNullOrEmpty(text) ? null : text;
}

public static class ChangeFeed
{
    /// <summary>
    /// The next page after the cursor. The head is read first: every row up to it is already committed (rows only
    /// arrive in order), so a page that comes back short lets the cursor move to the head without skipping anything.
    /// </summary>
    public static async Task<ChangePage> ReadAsync(IQuerySession session, ChangeQuery query, CancellationToken ct)
    {
        var head = await session.Query<Change>().OrderByDescending(c => c.Id).Select(c => c.Id).FirstOrDefaultAsync(ct);
        IQueryable<Change> changes = session.Query<Change>().Where(c => c.Id > query.After);
        if (query.Person is { } person) changes = changes.Where(c => c.Person == person);
        if (query.Kind is { } kind) changes = changes.Where(c => c.Kind == kind);
        var items = await changes.OrderBy(c => c.Id).Take(query.Limit).ToListAsync(ct);
        var next = items.Count == query.Limit ? items[^1].Id : Math.Max(query.After, Math.Max(head, items.Count > 0 ? items[^1].Id : 0));
        return new ChangePage(items, query.After, next);
    }

    /// <summary>Reads until something arrives or the wait ends; woken by projection progress, never by a timer.</summary>
    public static async Task<ChangePage> WaitAsync(
        IQuerySession session, ChangeNotifications notifications, ChangeQuery query, TimeSpan wait, TimeProvider time, CancellationToken ct)
    {
        var deadline = time.GetUtcNow() + wait;
        while (true)
        {
            var woken = notifications.NextProgress;
            var page = await ReadAsync(session, query, ct);
            var left = deadline - time.GetUtcNow();
            if (page.Items.Count > 0 || left <= TimeSpan.Zero) return page;

            query = query with { After = page.Next };
            await Task.WhenAny(woken, Task.Delay(left, time, ct));
            ct.ThrowIfCancellationRequested();
        }
    }

    [WolverineGet("/api/changes")]
    [Tags("Changes")]
    [EndpointSummary("What changed since a cursor")]
    [EndpointDescription("Oldest first. after= the previous page's next; wait= seconds to long-poll when nothing is new (answers empty after it); person= and kind= filter.")]
    [ProducesResponseType<ChangePage>(StatusCodes.Status200OK)]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status400BadRequest, "application/problem+json")]
    public static async Task<IResult> Get(
        long? after, int? limit, int? wait, string? person, string? kind,
        HttpContext context, IQuerySession session, ChangeNotifications notifications, TimeProvider time, CancellationToken ct)
    {
        if (!ChangeQuery.TryParse(after, limit, wait, person, kind, out var query, out var problem)) return problem!;
        if (wait is not > 0) return HttpCaching.Json(context, await ReadAsync(session, query, ct));

        using var _ = Telemetry.TrackSubscriber("long-poll");
        var page = await WaitAsync(session, notifications, query, TimeSpan.FromSeconds(wait.Value), time, ct);
        return HttpCaching.Json(context, page with { After = after ?? 0 });
    }

    internal static string Cursor(long sequence) => sequence.ToString(CultureInfo.InvariantCulture);
}
