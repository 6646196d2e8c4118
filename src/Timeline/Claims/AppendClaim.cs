using Marten;
using Microsoft.AspNetCore.Mvc;
using Timeline.Hosting;
using Timeline.People;
using Timeline.Sources;
using Wolverine.Http;

namespace Timeline.Claims;

public static class AppendClaimEndpoint
{
    [WolverinePost("/api/people/{id}/claims")]
    [Tags("Claims")]
    [EndpointSummary("Append a claim about a person")]
    [EndpointDescription("type names an event of the catalogue. Honours If-Match (412 when the stream moved on) and Idempotency-Key. The quote must occur in the source's text.")]
    [ProducesResponseType<AppendedEntry>(StatusCodes.Status201Created)]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status400BadRequest, "application/problem+json")]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status413PayloadTooLarge, "application/problem+json")]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status415UnsupportedMediaType, "application/problem+json")]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status422UnprocessableEntity, "application/problem+json")]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status404NotFound, "application/problem+json")]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status409Conflict, "application/problem+json")]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status412PreconditionFailed, "application/problem+json")]
    public static async Task<IResult> Post(
        string id, AppendClaimRequest? request, HttpContext context, IDocumentStore store, TimeProvider time, CancellationToken ct)
    {
        if (StreamWrites.RefuseIfBadSlug(id) is { } badSlug) return badSlug;
        if (request is null) return Problems.MissingBody();
        if (!Preconditions.TryGetExpectedVersion(context.Request, out var expected, out var problem)) return problem!;
        if (!Preconditions.TryGetIdempotencyKey(context.Request, out var key, out problem)) return problem!;

        return await AppendAsync(store, id, request, expected, WriteRequest.For(context, key, request), time, ct);
    }

    /// <summary>The one path every claim takes into the record, from the API and from the seeder alike.</summary>
    public static async Task<IResult> AppendAsync(
        IDocumentStore store, string personId, AppendClaimRequest request, long? expectedVersion, WriteRequest write, TimeProvider time, CancellationToken ct)
    {
        var errors = ClaimTypes.Check(request, out var validTime);
        if (errors.Any) return errors.ToProblem();

        SourceDocument? source;
        await using (var query = store.QuerySession())
        {
            source = await query.LoadAsync<SourceDocument>(request.SourceId!, ct);
            if (source is null) return Problems.Invalid("sourceId", $"'{request.SourceId}' is not a registered source: register it with POST /api/sources first");
            if (!source.Contains(request.Quote!))
            {
                return Problems.Create(StatusCodes.Status422UnprocessableEntity, "quote-not-in-source", "The quote is not in the source",
                    $"The quote does not occur in the text of source '{source.Id}' ({source.Title}), even with white space folded. Quote it verbatim.");
            }

            if (request.ClaimId is { } given && await query.LoadAsync<ClaimRecord>(given, ct) is { } elsewhere && elsewhere.PersonId != personId)
            {
                return Problems.Conflict($"Claim id {given} is already used by a claim about '{elsewhere.PersonId}'.");
            }
        }

        var claimId = request.ClaimId ?? Guid.CreateVersion7(time.GetUtcNow());
        return await StreamWrites.AppendAsync(store, personId, expectedVersion, write,
            dossier => Decide(dossier, request, claimId, validTime, source),
            Respond, time, ct);
    }

    public static Decision Decide(PersonDossier dossier, AppendClaimRequest request, Guid claimId, ValidTime? validTime, SourceDocument source)
    {
        ClaimRecord? target = null;
        if (ClaimTypes.NeedsTarget(request.Type!))
        {
            target = dossier.FindClaim(request.TargetClaimId!.Value);
            if (target is null) return Decision.Refuse(Problems.Invalid("targetClaimId", $"{request.TargetClaimId} is not a claim about '{dossier.Id}'"));
        }

        var appended = ClaimTypes.Build(dossier.Id, request, claimId, validTime, source.ToRef(), target);
        if (dossier.Locate(claimId) is not null)
        {
            var same = appended switch
            {
                IClaimEvent claim => dossier.FindClaim(claimId)?.Matches(claim) == true,
                ClaimRetracted retraction => target?.Retraction?.RetractionId == claimId && retraction.ClaimId == target.Id,
                _ => false,
            };
            return same
                ? Decision.AlreadyDone(claimId)
                : Decision.Refuse(Problems.Conflict($"Claim id {claimId} is already used in '{dossier.Id}' for a different claim."));
        }

        if (target?.Retraction is not null && appended is ClaimRetracted)
        {
            return Decision.Refuse(Problems.Conflict($"Claim {target.Id} was already retracted."));
        }

        return Decision.Append(claimId, appended);
    }

    public static IResult Respond(PersonDossier dossier, Guid id)
    {
        var entry = dossier.Locate(id) ?? throw new InvalidOperationException($"{id} is not in '{dossier.Id}' after its append");
        return TypedResults.Created($"/api/claims/{entry.ClaimId}", entry);
    }
}
