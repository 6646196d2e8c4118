using System.Text.Json.Serialization;
using Marten;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Http.HttpResults;
using Timeline.Hosting;
using Timeline.People;
using Wolverine.Http;

namespace Timeline.Claims;

public sealed record RuleOnClaim(string? Verdict, string? Rationale, string? Reviewer, string? ReviewUrl, Guid? RulingId = null)
{
    /// <summary>Bound only to be refused. Left out when null, so an Idempotency-Key's request hash is as before.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? RecordedBy { get; init; }
}

public static class RuleOnClaimEndpoint
{
    public static ProblemHttpResult? Check(RuleOnClaim command)
    {
        var errors = new Errors();
        if (ParseVerdict(command.Verdict) is null) errors.Add("verdict", "verdict must be one of true, false, misleading, unproven");
        errors.Require("rationale", command.Rationale);
        errors.Require("reviewer", command.Reviewer);
        if (command.ReviewUrl is not null && !Uri.TryCreate(command.ReviewUrl, UriKind.Absolute, out _)) errors.Add("reviewUrl", "reviewUrl must be an absolute URL");
        if (command.RulingId == Guid.Empty) errors.Add("rulingId", "rulingId must not be the empty GUID");
        return errors.Any ? errors.ToProblem() : null;
    }

    [WolverinePost("/api/claims/{claimId}/rulings")]
    [Tags("Claims")]
    [EndpointSummary("Record a fact-checker's verdict on a claim")]
    [EndpointDescription("verdict: true, false, misleading or unproven. A true or false ruling can resolve a contradiction. Honours If-Match and Idempotency-Key.")]
    [ProducesResponseType<AppendedEntry>(StatusCodes.Status201Created)]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status400BadRequest, "application/problem+json")]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status413PayloadTooLarge, "application/problem+json")]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status415UnsupportedMediaType, "application/problem+json")]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status422UnprocessableEntity, "application/problem+json")]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status404NotFound, "application/problem+json")]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status409Conflict, "application/problem+json")]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status412PreconditionFailed, "application/problem+json")]
    public static async Task<IResult> Post(
        Guid claimId, RuleOnClaim? command, HttpContext context, IDocumentStore store, TimeProvider time, CancellationToken ct)
    {
        if (command is null) return Problems.MissingBody();
        if (Principals.RefuseRecordedBy(command.RecordedBy) is { } refused) return refused;
        if (Check(command) is { } invalid) return invalid;
        if (!Preconditions.TryGetExpectedVersion(context.Request, out var expected, out var problem)) return problem!;
        if (!Preconditions.TryGetIdempotencyKey(context.Request, out var key, out problem)) return problem!;

        ClaimRecord? claim;
        await using (var query = store.QuerySession())
        {
            claim = await query.LoadClaimAsync(claimId, ct);
        }

        if (claim is null) return Problems.NotFound($"No claim {claimId} is on record.");

        var rulingId = command.RulingId ?? Guid.CreateVersion7(time.GetUtcNow());
        var now = time.GetUtcNow();
        return await PersonStream.AppendAsync(store, claim.PersonId, rulingId, expected, WriteRequest.For(context, key, command),
            async (session, _, taken) =>
            {
                var target = (await session.LoadClaimAsync(claimId, ct))!;
                if (target.Rulings.Exists(r => r.RulingId == rulingId)) return Decision.AlreadyDone(rulingId, claimId);
                if (taken is not null)
                {
                    return Decision.Refuse(Problems.Conflict($"Ruling id {rulingId} is already used in the record of '{taken.PersonId}'."));
                }

                return Decision.Append(rulingId, claimId, new ClaimRuled(
                    rulingId, claimId, target.Proposition, ParseVerdict(command.Verdict)!.Value, command.Rationale!.Trim(),
                    command.Reviewer!.Trim(), command.ReviewUrl, now));
            },
            time, ct, newIdIsFresh: command.RulingId is null);
    }

    private static Verdict? ParseVerdict(string? text) =>
        Enum.TryParse<Verdict>(text?.Trim(), ignoreCase: true, out var verdict) && Enum.IsDefined(verdict) && !int.TryParse(text, out _) ? verdict : null;
}
