using JasperFx.Events;
using Marten;
using Microsoft.AspNetCore.Http.HttpResults;
using Timeline.Claims;
using Timeline.Hosting;

namespace Timeline.People;

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
/// Every id an append creates (claim, retraction, ruling), with the person whose stream holds it. Inserted in the
/// append's own transaction, so the primary key, not a read before the write, keeps ids unique across people.
/// </summary>
public sealed class EntryId
{
    public Guid Id { get; set; }
    public string PersonId { get; set; } = "";
}

/// <summary>
/// Appends to a person's stream with the rules clients rely on: If-Match gives 412 when the stream moved on;
/// without it a lost race is retried on fresh state, so racing writers each get their answer and nothing is lost;
/// an Idempotency-Key is stored in the append's own transaction and replays the first answer. Inside one process
/// writers on a person queue (<see cref="StreamLocks"/>), and appends to different people share commits
/// (<see cref="GroupCommit"/>); the version check at commit still guards against other nodes.
/// </summary>
public static class PersonStream
{
    // Each retry follows a write that won (now only on another node); 40 covers a burst of that many writers on one person.
    private const int MaxAttempts = 40;
    private const int MaxBackoffMilliseconds = 50;

    /// <summary>
    /// Decides on the fetched header and on whoever already holds the new entry's id (null when nobody), reading
    /// whatever else it needs through the session.
    /// </summary>
    public delegate Task<Decision> Decide(IQuerySession session, Person person, EntryId? idTaken);

    /// <param name="newId">The id the append would create (claim, retraction, ruling); looked up with the header.</param>
    /// <param name="newIdIsFresh">The id was minted here for this append, so nobody can hold it yet.</param>
    public static async Task<IResult> AppendAsync(
        IDocumentStore store, string personId, Guid newId, long? expectedVersion, WriteRequest request, Decide decide, TimeProvider time, CancellationToken ct,
        bool newIdIsFresh = false)
    {
        using var held = await StreamLocks.AcquireAsync(personId, ct);
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                // A plain append (no key to look up, no If-Match to answer, an id nobody holds) needs nothing read but the
                // stream's version, and this node hears every commit's: the writer checks it under lock, and a version
                // that moved meanwhile is a lost race, decided again from the database below.
                if (attempt == 1 && newIdIsFresh && request.IdempotencyKey is null && expectedVersion is null
                    && EventWriter.For(store).KnownVersion(personId) is { } known)
                {
                    return await TryAppendKnownAsync(store, personId, known, request, decide, ct);
                }

                return await TryAppendAsync(store, personId, newId, expectedVersion, request, decide, time, ct);
            }
            catch (Exception ex) when (LostRaces.IsLostRace(ex))
            {
                if (await AfterLostRaceAsync(store, personId, expectedVersion, request, ct) is { } answer) return answer;
                if (attempt >= MaxAttempts)
                {
                    return Problems.Create(StatusCodes.Status409Conflict, "write-contention", "Too many concurrent writes",
                        $"'{personId}' kept changing while this claim was being appended; nothing was appended. Retry.");
                }

                await Task.Delay(TimeSpan.FromMilliseconds(Random.Shared.Next(1, Math.Min(5 * attempt, MaxBackoffMilliseconds))), ct);
            }
        }
    }

    private static async Task<IResult> TryAppendAsync(
        IDocumentStore store, string personId, Guid newId, long? expectedVersion, WriteRequest request, Decide decide, TimeProvider time,
        CancellationToken ct)
    {
        StreamWrite pending;
        Decision decided;
        await using (var query = store.QuerySession())
        {
            // One round trip for everything every append reads.
            var batch = query.CreateBatchQuery();
            var seenTask = request.IdempotencyKey is { } key ? batch.Load<IdempotencyRecord>(key) : Task.FromResult<IdempotencyRecord?>(null);
            // The header's version is the stream's: the inline projection writes both in one transaction.
            var personTask = batch.Load<Person>(personId);
            var takenTask = batch.Load<EntryId>(newId);
            await batch.Execute(ct);

            if (await seenTask is { } seen) return WriteRequest.CheckReplay(seen, request) ?? await RespondAsync(query, seen, ct);
            if (await personTask is not { } person) return Problems.NotFound($"No person '{personId}' is registered.");
            if (expectedVersion is { } expected && person.Version != expected) return Problems.StreamMoved(personId, expected, person.Version);

            var decision = await decide(query, person, await takenTask);
            if (decision.Refusal is { } refusal) return refusal;
            if (decision.Events.Count == 0) return await RespondAsync(query, decision.ResultId, decision.ClaimId, ct);

            pending = Pending(personId, person.Version, decision, request,
                request.IdempotencyKey is null ? null : request.Remember(decision.ResultId.ToString(), decision.ClaimId, time.GetUtcNow()));
            decided = decision;
        }

        return await CommitAsync(store, pending, decided);
    }

    private static async Task<IResult> TryAppendKnownAsync(
        IDocumentStore store, string personId, long version, WriteRequest request, Decide decide, CancellationToken ct)
    {
        Decision decision;
        await using (var query = store.QuerySession())
        {
            decision = await decide(query, new Person { Id = personId, Version = version }, null);
            if (decision.Refusal is { } refusal) return refusal;
            if (decision.Events.Count == 0) return await RespondAsync(query, decision.ResultId, decision.ClaimId, ct);
        }

        return await CommitAsync(store, Pending(personId, version, decision, request, null), decision);
    }

    /// <summary>The decided events at the version they were decided on, with the id they reserve and the key they answer.</summary>
    private static StreamWrite Pending(string personId, long version, Decision decision, WriteRequest request, IdempotencyRecord? remembered) =>
        new(personId, version, decision.Events, request.Principal, [new EntryId { Id = decision.ResultId, PersonId = personId }], remembered);

    private static async Task<IResult> CommitAsync(IDocumentStore store, StreamWrite pending, Decision decision)
    {
        // The writer gives the event its version, sequence and time in the commit: no read back needed.
        var appended = await GroupCommit.For(store).CommitAsync(pending);
        return Created(new AppendedEntry(
            decision.ResultId, decision.ClaimId, pending.PersonId, appended.Data.GetType().Name, appended.Version, appended.Sequence, appended.RecordedAt()));
    }

    /// <summary>The answer a lost race already settles: the same idempotency key landed first, or If-Match no longer holds.</summary>
    private static async Task<IResult?> AfterLostRaceAsync(
        IDocumentStore store, string personId, long? expectedVersion, WriteRequest request, CancellationToken ct)
    {
        await using var query = store.QuerySession();
        if (request.IdempotencyKey is not null && await query.LoadAsync<IdempotencyRecord>(request.IdempotencyKey, ct) is { } landed)
        {
            return WriteRequest.CheckReplay(landed, request) ?? await RespondAsync(query, landed, ct);
        }

        if (expectedVersion is not { } expected) return null;
        var actual = (await query.Events.FetchStreamStateAsync(personId, ct))?.Version;
        // Lost on an id, not on the version: deciding again on fresh state gives the right answer.
        return actual == expected ? null : Problems.StreamMoved(personId, expected, actual);
    }

    private static Task<IResult> RespondAsync(IQuerySession session, IdempotencyRecord seen, CancellationToken ct) =>
        RespondAsync(session, Guid.Parse(seen.ResourceId), seen.ClaimId ?? Guid.Parse(seen.ResourceId), ct);

    /// <summary>A replay's 201, read back from the claim that holds the entry: the same answer as the first time.</summary>
    private static async Task<IResult> RespondAsync(IQuerySession session, Guid resultId, Guid claimId, CancellationToken ct)
    {
        var entry = (await session.LoadClaimAsync(claimId, ct))?.Locate(resultId)
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
