using Marten;
using Microsoft.AspNetCore.Mvc;
using Timeline.Claims;
using Timeline.Hosting;
using Wolverine.Http;

namespace Timeline.People;

public sealed record StatementList(string PersonId, IReadOnlyList<ClaimRecord> Items, int Count);

public static class StatementQueries
{
    public const int MaxLimit = 1_000;

    [WolverineGet("/api/people/{id}/statements")]
    [Tags("People")]
    [EndpointSummary("What a person claimed, about anyone")]
    [EndpointDescription("The claims whose claimant is linked to this person (claimant.personId), in recorded order.")]
    [ProducesResponseType<StatementList>(StatusCodes.Status200OK)]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status400BadRequest, "application/problem+json")]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status404NotFound, "application/problem+json")]
    public static async Task<IResult> List(string id, int? limit, HttpContext context, IQuerySession session, CancellationToken ct)
    {
        if (limit is < 1 or > MaxLimit) return Problems.Create(StatusCodes.Status400BadRequest, "bad-limit", "Bad limit", $"limit must be between 1 and {MaxLimit}.");
        if (!Slugs.IsSlug(id) || await session.LoadAsync<Person>(id, ct) is null) return Problems.NotFound($"No person '{id}' is registered.");

        var items = await session.ClaimsAsync(new ClaimFilter { ClaimantPersonId = id, Limit = limit ?? MaxLimit }, ct);
        return HttpCaching.Json(context, new StatementList(id, items, items.Count));
    }
}
