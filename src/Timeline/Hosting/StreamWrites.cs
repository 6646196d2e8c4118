using JasperFx;
using JasperFx.Events;
using Marten;
using Marten.Exceptions;
using Microsoft.AspNetCore.Http.HttpResults;
using Timeline.Claims;
using Timeline.People;

namespace Timeline.Hosting;

/// <summary>What a write decided given the record: refuse, answer as before, or append.</summary>
/// <param name="ResultId">The id the answer is about: the new claim, retraction or ruling.</param>
/// <param name="ClaimId">The claim document that holds it.</param>
public sealed record Decision(IResult? Refusal, Guid ResultId, Guid ClaimId, IReadOnlyList<object> Events)
{
    public static Decision Refuse(IResult problem) => new(problem, Guid.Empty, Guid.Empty, []);

    /// <summary>The write already happened (same id, same content): answer as the first time, append nothing.</summary>
    public static Decision AlreadyDone(Guid resultId, Guid claimId) => new(null, resultId, claimId, []);

    public static Decision Append(Guid resultId, Guid claimId, object e) => new(null, resultId, claimId, [e]);
}

/// <summary>
/// Appends to a person's stream with the rules clients rely on: If-Match gives 412 when the stream moved on;
/// without it a lost race is retried on fresh state, so racing writers each get their answer and nothing is lost;
/// an Idempotency-Key is stored in the append's own transaction and replays the first answer.
/// </summary>
public static class StreamWrites
{
    private const int MaxAttempts = 40;

    /// <param name="decide">Decides on the fetched header, reading whatever claims it needs through the session.</param>
    public static async Task<IResult> AppendAsync(
        IDocumentStore store,
        string personId,
        long? expectedVersion,
        WriteRequest request,
        Func<IDocumentSession, Person, Task<Decision>> decide,
        TimeProvider time,
        CancellationToken ct)
    {
        for (var attempt = 1; ; attempt++)
        {
            await using var session = store.LightweightSession();
            try
            {
                if (request.IdempotencyKey is { } key && await session.LoadAsync<IdempotencyRecord>(key, ct) is { } seen)
                {
                    return WriteRequest.CheckReplay(seen, request) ?? await RespondAsync(session, seen, ct);
                }

                var stream = expectedVersion is { } expected
                    ? await session.Events.FetchForWriting<Person>(personId, expected, ct)
                    : await session.Events.FetchForWriting<Person>(personId, ct);
                if (stream.Aggregate is null) return Problems.NotFound($"No person '{personId}' is registered.");

                var decision = await decide(session, stream.Aggregate);
                if (decision.Refusal is { } refusal) return refusal;
                if (decision.Events.Count == 0) return await RespondAsync(session, decision.ResultId, decision.ClaimId, ct);

                stream.AppendMany(decision.Events);
                if (request.IdempotencyKey is not null) session.Insert(request.Remember(decision.ResultId.ToString(), decision.ClaimId, time.GetUtcNow()));
                await session.SaveChangesAsync(ct);

                // Rich appends give the event its version, sequence and time before the commit: no read back needed.
                var appended = stream.Events[^1];
                return Created(new AppendedEntry(
                    decision.ResultId, decision.ClaimId, personId, appended.Data.GetType().Name, appended.Version, appended.Sequence, appended.RecordedAt()));
            }
            catch (Exception ex) when (IsLostRace(ex))
            {
                if (request.IdempotencyKey is not null)
                {
                    // The same key may have landed first; then this is a retry and gets that answer.
                    await using var again = store.LightweightSession();
                    if (await again.LoadAsync<IdempotencyRecord>(request.IdempotencyKey, ct) is { } landed)
                    {
                        return WriteRequest.CheckReplay(landed, request) ?? await RespondAsync(again, landed, ct);
                    }
                }

                if (expectedVersion is { } expected)
                {
                    await using var query = store.QuerySession();
                    var actual = (await query.Events.FetchStreamStateAsync(personId, ct))?.Version;
                    return Problems.StreamMoved(personId, expected, actual);
                }

                if (attempt >= MaxAttempts)
                {
                    return Problems.Create(StatusCodes.Status409Conflict, "write-contention", "Too many concurrent writes",
                        $"'{personId}' kept changing while this claim was being appended; nothing was appended. Retry.");
                }

                await Task.Delay(TimeSpan.FromMilliseconds(Random.Shared.Next(1, 5 * Math.Min(attempt, 10))), ct);
            }
        }
    }

    /// <summary>A write lost to another one: the stream moved on, or the same idempotency key landed first.</summary>
    public static bool IsLostRace(Exception ex) => ex is ConcurrencyException or EventStreamUnexpectedMaxEventIdException
        or DocumentAlreadyExistsException or Marten.Exceptions.ExistingStreamIdCollisionException or JasperFx.Events.ExistingStreamIdCollisionException
        || (ex is MartenCommandException { InnerException: Npgsql.PostgresException { SqlState: "23505" } });

    private static Task<IResult> RespondAsync(IDocumentSession session, IdempotencyRecord seen, CancellationToken ct) =>
        RespondAsync(session, Guid.Parse(seen.ResourceId), seen.ClaimId ?? Guid.Parse(seen.ResourceId), ct);

    /// <summary>A replay's 201, read back from the claim that holds the entry: the same answer as the first time.</summary>
    private static async Task<IResult> RespondAsync(IDocumentSession session, Guid resultId, Guid claimId, CancellationToken ct)
    {
        var entry = (await session.LoadAsync<ClaimRecord>(claimId, ct))?.Locate(resultId)
            ?? throw new InvalidOperationException($"{resultId} is not on claim {claimId} after its append");
        return Created(entry);
    }

    private static IResult Created(AppendedEntry entry) => TypedResults.Created($"/api/claims/{entry.ClaimId}", entry);

    public static ProblemHttpResult? RefuseIfBadSlug(string personId) =>
        Slugs.IsSlug(personId)
            ? null
            : Problems.Create(StatusCodes.Status400BadRequest, "bad-person-id", "Not a person id",
                $"'{personId}' is not a person id: use lower-case letters, digits and single dashes, at most {Slugs.MaxLength} characters.");
}
