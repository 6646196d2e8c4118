using Marten;
using Microsoft.AspNetCore.Mvc;
using Timeline.Claims;
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
    [EndpointDescription("state: open (default), resolved or all; person filters to one person; reportedAt=YYYY-MM-DD: as the sources published by then told it. Each side lists its claims with claimant, role, publisher, quote and times; reversals lists claimants who changed their stance.")]
    [ProducesResponseType<ContradictionList>(StatusCodes.Status200OK)]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status400BadRequest, "application/problem+json")]
    public static async Task<IResult> List(
        string? state, string? person, string? reportedAt, int? limit, HttpContext context, IQuerySession session, CancellationToken ct)
    {
        ContestState[] states;
        switch (state?.ToLowerInvariant())
        {
            case null or "" or "open": states = [ContestState.Open]; break;
            case "resolved": states = [ContestState.Resolved]; break;
            case "all": states = [ContestState.Open, ContestState.Resolved]; break;
            default:
                return Problems.Create(StatusCodes.Status400BadRequest, "bad-state", "Unknown state", $"state must be open, resolved or all; got '{state}'.");
        }

        if (limit is < 1 or > MaxLimit) return Problems.Create(StatusCodes.Status400BadRequest, "bad-limit", "Bad limit", $"limit must be between 1 and {MaxLimit}.");
        if (!Clocks.TryParse(null, reportedAt, null, out var clocks, out var problem)) return problem!;
        if (!string.IsNullOrEmpty(person) && People.PersonStream.RefuseIfBadSlug(person) is { } badPerson) return badPerson;

        IQueryable<Contradiction> query = session.Query<Contradiction>();
        if (!string.IsNullOrEmpty(person)) query = query.Where(c => c.PersonId == person);
        var take = limit ?? 100;
        List<ContradictionView> items;
        if (clocks.ReportedBy is { } cut)
        {
            // Every proposition may have been contested by then, even one that is settled or uncontested now.
            var documents = await query.ToListAsync(ct);
            items = [.. documents.Select(d => AsReportedBy(d, cut)).OfType<ContradictionView>()
                .Where(v => states.Contains(v.State)).OrderByDescending(v => v.ContestedSince).ThenBy(v => v.Id).Take(take)];
        }
        else
        {
            var documents = await query.Where(c => states.Contains(c.State)).OrderByDescending(c => c.ContestedSince).ThenBy(c => c.Id).Take(take).ToListAsync(ct);
            items = [.. documents.Select(ContradictionView.From)];
        }

        return HttpCaching.Json(context, new ContradictionList(items, items.Count));
    }

    /// <summary>The proposition as the claims published by then left it: the same rules over the claims cut to that day.</summary>
    private static ContradictionView? AsReportedBy(Contradiction document, ReportedBy cut)
    {
        var claims = document.Claims.Select(cut.Cut).OfType<ClaimRecord>().ToList();
        return claims.Count == 0 ? null : ContradictionView.From(document.Proposition, claims, PropositionLedger.Evaluate(claims));
    }

    /// <summary>Claimants who asserted a proposition and later denied it, or the reverse, with both claims.</summary>
    [WolverineGet("/api/reversals")]
    [Tags("Contradictions")]
    [EndpointSummary("Claimants who changed their stance")]
    [EndpointDescription("claimant: a registered person's id or a claimant's name; person: the person the claims are about. Each reversal gives the earlier and the later claim with their quotes and sources, ordered by valid time, then by publication.")]
    [ProducesResponseType<ReversalList>(StatusCodes.Status200OK)]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status400BadRequest, "application/problem+json")]
    public static async Task<IResult> Reversals(string? claimant, string? person, int? limit, HttpContext context, IQuerySession session, CancellationToken ct)
    {
        if (limit is < 1 or > MaxLimit) return Problems.Create(StatusCodes.Status400BadRequest, "bad-limit", "Bad limit", $"limit must be between 1 and {MaxLimit}.");
        if (!string.IsNullOrEmpty(person) && People.PersonStream.RefuseIfBadSlug(person) is { } badPerson) return badPerson;
        IQueryable<Contradiction> query = session.Query<Contradiction>().Where(c => c.State != ContestState.Uncontested);
        if (!string.IsNullOrEmpty(person)) query = query.Where(c => c.PersonId == person);
        var key = string.IsNullOrEmpty(claimant) ? null : Slugs.Normalize(claimant);

        var documents = await query.OrderBy(c => c.Id).ToListAsync(ct);
        var items = documents
            .SelectMany(d => PropositionLedger.Reversals(d.Claims).Select(r => new PropositionReversal(d.PersonId, d.Proposition, r)))
            .Where(r => key is null || r.Reversal.ClaimantPersonId == claimant || r.Reversal.After.ClaimantKey == key)
            .OrderByDescending(r => r.Reversal.After.ReportedAt)
            .Take(limit ?? 100)
            .ToList();
        return HttpCaching.Json(context, new ReversalList(items, items.Count));
    }
}

public sealed record PropositionReversal(string PersonId, Proposition Proposition, Reversal Reversal);

public sealed record ReversalList(IReadOnlyList<PropositionReversal> Items, int Count);
