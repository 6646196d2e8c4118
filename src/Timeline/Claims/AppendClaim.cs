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
    [EndpointDescription("type names an event of the catalogue. Honours If-Match (412 when the stream moved on) and Idempotency-Key. The quote must occur in the source's text; a claim from a structured source cites a record pointer instead, which must resolve to a record stating it.")]
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
        if (PersonStream.RefuseIfBadSlug(id) is { } badSlug) return badSlug;
        if (request is null) return Problems.MissingBody();
        if (Principals.RefuseRecordedBy(request.RecordedBy) is { } refused) return refused;
        if (!Preconditions.TryGetExpectedVersion(context.Request, out var expected, out var problem)) return problem!;
        if (!Preconditions.TryGetIdempotencyKey(context.Request, out var key, out problem)) return problem!;

        var write = WriteRequest.For(context, key, request);
        return await AppendAsync(store, id, request with { RecordedBy = write.Principal }, expected, write, time, ct);
    }

    /// <summary>The one path every claim takes into the record, from the API and from the seeder alike.</summary>
    public static async Task<IResult> AppendAsync(
        IDocumentStore store, string personId, AppendClaimRequest request, long? expectedVersion, WriteRequest write, TimeProvider time, CancellationToken ct)
    {
        var errors = ClaimTypes.Check(request, out var validTime);
        if (errors.Any) return errors.ToProblem();

        if (await SourceCache.LoadAsync(store, request.SourceId!, ct) is not { } cached)
        {
            return Problems.Invalid("sourceId", $"'{request.SourceId}' is not a registered source: register it with POST /api/sources first");
        }

        var source = cached.Document;
        if (Evidence.Check(cached, personId, request, out request) is { } unsupported) return unsupported;

        // People are never removed, so a claimant found now stays registered.
        if (request.Claimant?.PersonId is { } claimantId)
        {
            await using var query = store.QuerySession();
            if (await query.LoadAsync<Person>(claimantId.Trim(), ct) is null)
            {
                return Problems.Invalid("claimant.personId", $"'{claimantId}' is not a registered person: register the claimant with POST /api/people first");
            }
        }

        var claimId = request.ClaimId ?? Guid.CreateVersion7(time.GetUtcNow());
        return await PersonStream.AppendAsync(store, personId, claimId, expectedVersion, write,
            async (session, person, taken) =>
            {
                var existing = taken is null ? null : await session.LoadClaimAsync(claimId, ct);
                var target = ClaimTypes.NeedsTarget(request.Type!) ? await session.LoadClaimAsync(request.TargetClaimId!.Value, ct) : null;
                return Decide(person.Id, request, claimId, validTime, source, existing, target, taken?.PersonId);
            },
            time, ct, newIdIsFresh: request.ClaimId is null);
    }

    /// <summary>
    /// The append rules, pure. <paramref name="existing"/> is whatever already holds <paramref name="claimId"/>;
    /// <paramref name="target"/> is the claim a dispute or retraction names; <paramref name="idOwner"/> the person
    /// whose stream already holds an entry (claim, retraction or ruling) with this id.
    /// </summary>
    public static Decision Decide(
        string personId, AppendClaimRequest request, Guid claimId, ValidTime? validTime, SourceDocument source, ClaimRecord? existing, ClaimRecord? target,
        string? idOwner = null)
    {
        idOwner ??= existing?.PersonId;
        if (ClaimTypes.NeedsTarget(request.Type!) && (target is null || target.PersonId != personId))
        {
            return Decision.Refuse(Problems.Invalid("targetClaimId", $"{request.TargetClaimId} is not a claim about '{personId}'"));
        }

        if (idOwner is not null && idOwner != personId)
        {
            return Decision.Refuse(Problems.Conflict($"Id {claimId} is already used in the record of '{idOwner}'."));
        }

        var appended = ClaimTypes.Build(personId, request, claimId, validTime, source.ToRef(), target);
        switch (appended)
        {
            case ClaimRetracted when target!.Retraction?.RetractionId == claimId:
                return Decision.AlreadyDone(claimId, target.Id);
            case ClaimRetracted when idOwner is not null:
                return Decision.Refuse(Problems.Conflict($"Id {claimId} is already used in '{personId}'."));
            case ClaimRetracted when target!.Retraction is not null:
                return Decision.Refuse(Problems.Conflict($"Claim {target.Id} was already retracted."));
            case ClaimRetracted r when !MayWithdraw(r.Attribution, target!):
                return Decision.Refuse(Problems.Invalid("sourceId",
                    $"A retraction is the withdrawal of a claim by whoever stands behind it: a source of its publisher ('{target!.Attribution.Source.Publisher}') " +
                    $"or its claimant ('{target.Attribution.Claimant.Name}') taking it back. Anyone else contests it with ClaimDisputed."));
            case ClaimRetracted:
                return Decision.Append(claimId, target!.Id, appended);
            case IClaimEvent claim when idOwner is not null:
                return existing?.Matches(claim) == true
                    ? Decision.AlreadyDone(claimId, claimId)
                    : Decision.Refuse(Problems.Conflict($"Claim id {claimId} is already used in '{personId}' for a different claim."));
            default:
                return Decision.Append(claimId, claimId, appended);
        }
    }

    /// <summary>
    /// Only the claim's publisher (a correction; names compared as slugs) or its named claimant (taking the words back,
    /// quoted in the retraction's source) can withdraw it: a rival's retraction would silently take a side out of a
    /// contradiction. Not by web host: one host (a social network) carries many publishers. Anonymous claimants cannot
    /// be told apart, so they never match each other.
    /// </summary>
    private static bool MayWithdraw(Attribution retraction, ClaimRecord target)
    {
        if (Slugs.Normalize(retraction.Source.Publisher) == Slugs.Normalize(target.Attribution.Source.Publisher)) return true;
        var (claimant, original) = (retraction.Claimant, target.Attribution.Claimant);
        if (claimant.PersonId is { } person && person == original.PersonId) return true;
        return !claimant.Anonymous && !original.Anonymous && Slugs.Normalize(claimant.Name) == target.ClaimantKey;
    }
}
