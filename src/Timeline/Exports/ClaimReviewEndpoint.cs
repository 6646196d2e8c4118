using Marten;
using Microsoft.AspNetCore.Mvc;
using Timeline.Claims;
using Timeline.Hosting;
using Wolverine.Http;

namespace Timeline.Exports;

public static class ClaimReviewEndpoint
{
    public const string JsonLd = "application/ld+json";

    [WolverineGet("/api/claims/{claimId}/claimreview")]
    [Tags("Exports")]
    [EndpointSummary("schema.org ClaimReview JSON-LD for a ruled claim")]
    [EndpointDescription("The review of the claim's latest ruling. appearance lists the sources reporting the same statement (same proposition, stance and claimant), firstAppearance the earliest published. A claim with no ruling is 404 (not-ruled).")]
    [ProducesResponseType<ClaimReview>(StatusCodes.Status200OK, JsonLd)]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status404NotFound, "application/problem+json")]
    public static async Task<IResult> Get(Guid claimId, HttpContext context, IQuerySession session, CancellationToken ct)
    {
        var claim = await session.LoadClaimAsync(claimId, ct);
        if (claim is null) return Problems.NotFound($"No claim {claimId} is on record.");
        if (claim.LatestRuling is null)
        {
            return Problems.Create(StatusCodes.Status404NotFound, "not-ruled", "The claim has no ruling",
                $"Claim {claimId} is on record but no fact-checker has ruled on it; a ClaimReview exists once it is ruled (POST /api/claims/{claimId}/rulings).");
        }

        var ofPerson = await session.ClaimsAsync(new ClaimFilter { PersonId = claim.PersonId }, ct);
        var appearances = ofPerson
            .Where(c => c.Id == claim.Id || (!c.IsWithdrawn && c.Proposition.Key == claim.Proposition.Key && c.Stance == claim.Stance && c.ClaimantKey == claim.ClaimantKey))
            .ToList();
        var review = ClaimReview.From(claim, appearances, $"{context.Request.Scheme}://{context.Request.Host}");
        var body = HttpCaching.Render(context, review);
        return HttpCaching.NotModified(context, HttpCaching.Tag(Convert.ToBase64String(body)))
            ?? Results.Bytes(body, $"{JsonLd}; charset=utf-8");
    }
}
