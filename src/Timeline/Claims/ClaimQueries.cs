using Marten;
using Microsoft.AspNetCore.Mvc;
using Timeline.Changes;
using Timeline.Hosting;
using Wolverine.Http;

namespace Timeline.Claims;

/// <param name="Next">The cursor for the next page (pass it as <c>after</c>), or null on the last page. Never past a claim still being committed.</param>
public sealed record ClaimList(IReadOnlyList<ClaimRecord> Items, int Count, long? Next);

public static class ClaimQueries
{
    public const int MaxLimit = 1_000;

    /// <summary>Claims in recorded order, filtered by the person they are about, who made them, or their source.</summary>
    [WolverineGet("/api/claims")]
    [Tags("Claims")]
    [EndpointSummary("Claims by person, claimant or source")]
    [EndpointDescription("In recorded order; after= a global sequence (the previous page's next) pages on.")]
    [ProducesResponseType<ClaimList>(StatusCodes.Status200OK)]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status400BadRequest, "application/problem+json")]
    public static async Task<IResult> List(
        string? person, string? claimant, string? source, long? after, int? limit, HttpContext context, IQuerySession session, ChangeNotifications notifications, TimeProvider time, CancellationToken ct)
    {
        if (limit is < 1 or > MaxLimit) return Problems.Create(StatusCodes.Status400BadRequest, "bad-limit", "Bad limit", $"limit must be between 1 and {MaxLimit}.");

        if (!string.IsNullOrEmpty(person) && People.PersonStream.RefuseIfBadSlug(person) is { } badPerson) return badPerson;
        var filter = new ClaimFilter
        {
            PersonId = string.IsNullOrEmpty(person) ? null : person,
            ClaimantKey = string.IsNullOrEmpty(claimant) ? null : Slugs.Normalize(claimant),
            SourceIds = string.IsNullOrEmpty(source) ? null : [source],
            After = after,
            Limit = limit ?? 200,
        };
        var items = await session.ClaimsAsync(filter, ct);
        if (items.Count < filter.Limit) return HttpCaching.Json(context, new ClaimList(items, items.Count, null));

        // A cursor handed out must not pass a sequence still in flight (taken before commit, committed later). Below
        // Marten's high-water mark every transaction has committed or never will, so once the mark passes this page's
        // end the page is read again up to the mark, and then nothing can appear inside it any more.
        var safe = await ProjectionProgress.WaitForHighWaterMarkAsync(session.DocumentStore, notifications, items[^1].Sequence, time, ct);
        items = await session.ClaimsAsync(filter with { UpTo = safe }, ct);
        return HttpCaching.Json(context, new ClaimList(items, items.Count, items.Count > 0 ? items[^1].Sequence : after ?? 0));
    }

    [WolverineGet("/api/claims/{claimId}")]
    [Tags("Claims")]
    [EndpointSummary("One claim with its attribution, rulings and retraction")]
    [ProducesResponseType<ClaimRecord>(StatusCodes.Status200OK)]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status404NotFound, "application/problem+json")]
    public static async Task<IResult> Get(Guid claimId, HttpContext context, IQuerySession session, CancellationToken ct) =>
        await session.LoadClaimAsync(claimId, ct) is { } claim
            ? HttpCaching.Json(context, claim)
            : Problems.NotFound($"No claim {claimId} is on record.");
}
