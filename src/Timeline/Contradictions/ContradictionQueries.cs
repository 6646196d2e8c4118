using Marten;
using Microsoft.AspNetCore.Mvc;
using Timeline.Hosting;
using Wolverine.Http;

namespace Timeline.Contradictions;

public sealed record ContradictionList(IReadOnlyList<ContradictionView> Items, int Count);

public static class ContradictionQueries
{
    public const int MaxLimit = 500;

    /// <summary>Contested propositions, newest first: state=open (default), resolved or all; optionally one person's.</summary>
    [WolverineGet("/api/contradictions")]
    [Tags("Contradictions")]
    [EndpointSummary("Contested propositions, newest first")]
    [EndpointDescription("state: open (default), resolved or all; person filters to one person. Each side lists its claims with claimant, role, publisher, quote and times.")]
    [ProducesResponseType<ContradictionList>(StatusCodes.Status200OK)]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status400BadRequest, "application/problem+json")]
    public static async Task<IResult> List(string? state, string? person, int? limit, HttpContext context, IQuerySession session, CancellationToken ct)
    {
        IQueryable<Contradiction> query = session.Query<Contradiction>();
        switch (state?.ToLowerInvariant())
        {
            case null or "" or "open": query = query.Where(c => c.State == ContestState.Open); break;
            case "resolved": query = query.Where(c => c.State == ContestState.Resolved); break;
            case "all": query = query.Where(c => c.State != ContestState.Uncontested); break;
            default:
                return Problems.Create(StatusCodes.Status400BadRequest, "bad-state", "Unknown state", $"state must be open, resolved or all; got '{state}'.");
        }

        if (limit is < 1 or > MaxLimit) return Problems.Create(StatusCodes.Status400BadRequest, "bad-limit", "Bad limit", $"limit must be between 1 and {MaxLimit}.");
        if (!string.IsNullOrEmpty(person)) query = query.Where(c => c.PersonId == person);

        var documents = await query.OrderByDescending(c => c.ContestedSince).ThenBy(c => c.Id).Take(limit ?? 100).ToListAsync(ct);
        var items = documents.Select(ContradictionView.From).ToList();
        return HttpCaching.Json(context, new ContradictionList(items, items.Count));
    }
}
