using JasperFx.Events;
using Marten;
using JasperFx;
using Marten.Exceptions;
using Microsoft.AspNetCore.Http.HttpResults;
using Timeline.People;

namespace Timeline.Hosting;

/// <summary>What a write decided given the person's current record.</summary>
public sealed record Decision(IResult? Refusal, Guid ResultId, IReadOnlyList<object> Events)
{
    public static Decision Refuse(IResult problem) => new(problem, Guid.Empty, []);

    /// <summary>The write already happened (same claim id, same content): answer as the first time, append nothing.</summary>
    public static Decision AlreadyDone(Guid resultId) => new(null, resultId, []);

    public static Decision Append(Guid resultId, params object[] events) => new(null, resultId, events);
}

/// <summary>
/// Appends to a person's stream with the rules clients rely on: If-Match gives 412 when the stream moved on;
/// without it a lost race is retried on fresh state, so racing writers each get their answer and nothing is lost;
/// an Idempotency-Key is stored in the append's own transaction and replays the first answer.
/// </summary>
public static class StreamWrites
{
    private const int MaxAttempts = 40;

    public static async Task<IResult> AppendAsync(
        IDocumentStore store,
        string personId,
        long? expectedVersion,
        WriteRequest request,
        Func<PersonDossier, Decision> decide,
        Func<PersonDossier, Guid, IResult> respond,
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
                    return WriteRequest.CheckReplay(seen, request) ?? await RespondAsync(session, personId, Guid.Parse(seen.ResourceId), respond, ct);
                }

                var stream = expectedVersion is { } expected
                    ? await session.Events.FetchForWriting<PersonDossier>(personId, expected, ct)
                    : await session.Events.FetchForWriting<PersonDossier>(personId, ct);
                if (stream.Aggregate is null) return Problems.NotFound($"No person '{personId}' is registered.");

                var decision = decide(stream.Aggregate);
                if (decision.Refusal is { } refusal) return refusal;
                if (decision.Events.Count == 0) return respond(stream.Aggregate, decision.ResultId);

                stream.AppendMany(decision.Events);
                if (request.IdempotencyKey is not null) session.Insert(request.Remember(decision.ResultId.ToString(), time.GetUtcNow()));
                await session.SaveChangesAsync(ct);
                return await RespondAsync(session, personId, decision.ResultId, respond, ct);
            }
            catch (Exception ex) when (IsLostRace(ex))
            {
                if (request.IdempotencyKey is not null)
                {
                    // The same key may have landed first; then this is a retry and gets that answer.
                    await using var again = store.LightweightSession();
                    if (await again.LoadAsync<IdempotencyRecord>(request.IdempotencyKey, ct) is { } landed)
                    {
                        return WriteRequest.CheckReplay(landed, request) ?? await RespondAsync(again, personId, Guid.Parse(landed.ResourceId), respond, ct);
                    }
                }

                if (expectedVersion is { } expected)
                {
                    var actual = (await store.QuerySession().Events.FetchStreamStateAsync(personId, ct))?.Version;
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

    private static async Task<IResult> RespondAsync(
        IDocumentSession session, string personId, Guid resultId, Func<PersonDossier, Guid, IResult> respond, CancellationToken ct)
    {
        var dossier = await session.LoadAsync<PersonDossier>(personId, ct)
            ?? throw new InvalidOperationException($"'{personId}' has no dossier after a write");
        return respond(dossier, resultId);
    }

    public static ProblemHttpResult? RefuseIfBadSlug(string personId) =>
        Claims.Slugs.IsSlug(personId)
            ? null
            : Problems.Create(StatusCodes.Status400BadRequest, "bad-person-id", "Not a person id",
                $"'{personId}' is not a person id: use lower-case letters, digits and single dashes, at most {Claims.Slugs.MaxLength} characters.");
}
