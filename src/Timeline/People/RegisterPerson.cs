using Marten;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Http.HttpResults;
using Timeline.Claims;
using Timeline.Hosting;
using Wolverine.Http;

namespace Timeline.People;

public sealed record RegisterPerson(string? Id, string? Name, IReadOnlyList<string>? Aliases, string? RecordedBy);

public sealed record RegisteredPerson(string Id, string Name, IReadOnlyList<string> Aliases, long Version, long Sequence);

public static class RegisterPersonEndpoint
{
    public static ProblemHttpResult? Check(RegisterPerson command)
    {
        var errors = new Errors();
        errors.Require("id", command.Id);
        if (command.Id is { Length: > 0 } && !Slugs.IsSlug(command.Id))
        {
            errors.Add("id", $"'{command.Id}' is not a slug: use lower-case letters, digits and single dashes, at most {Slugs.MaxLength} characters");
        }

        errors.Require("name", command.Name);
        if (command.Aliases?.Any(string.IsNullOrWhiteSpace) == true) errors.Add("aliases", "aliases must not be empty");
        return errors.Any ? errors.ToProblem() : null;
    }

    [WolverinePost("/api/people")]
    [Tags("People")]
    [EndpointSummary("Register a person")]
    [EndpointDescription("Opens the person's stream under a slug id. Honours Idempotency-Key.")]
    [ProducesResponseType<RegisteredPerson>(StatusCodes.Status201Created)]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status400BadRequest, "application/problem+json")]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status413PayloadTooLarge, "application/problem+json")]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status415UnsupportedMediaType, "application/problem+json")]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status422UnprocessableEntity, "application/problem+json")]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status409Conflict, "application/problem+json")]
    public static async Task<IResult> Post(RegisterPerson? command, HttpContext context, IDocumentStore store, TimeProvider time, CancellationToken ct)
    {
        if (command is null) return Problems.MissingBody();
        if (Principals.RefuseRecordedBy(command.RecordedBy) is { } refused) return refused;
        if (!Preconditions.TryGetIdempotencyKey(context.Request, out var key, out var keyProblem)) return keyProblem!;
        var request = WriteRequest.For(context, key, command);
        return await RegisterAsync(store, command with { RecordedBy = request.Principal }, request, time, ct);
    }

    /// <summary>Opens the person's stream; the seeder registers people through here too.</summary>
    public static async Task<IResult> RegisterAsync(IDocumentStore store, RegisterPerson command, WriteRequest request, TimeProvider time, CancellationToken ct)
    {
        if (Check(command) is { } problem) return problem;
        var key = request.IdempotencyKey;
        await using var session = store.LightweightSession();
        if (key is not null && await session.LoadAsync<IdempotencyRecord>(key, ct) is { } seen)
        {
            return WriteRequest.CheckReplay(seen, request) ?? await Created(store, seen.ResourceId, ct);
        }

        var registered = new PersonRegistered(
            command.Id!, command.Name!.Trim(), command.Aliases?.Select(a => a.Trim()).Distinct().ToList() ?? [], command.RecordedBy?.Trim() ?? "api");
        var started = session.Events.StartStream<Person>(command.Id!, registered);
        foreach (var e in started.Events) e.UserName = registered.RecordedBy;
        if (key is not null) session.Insert(request.Remember(command.Id!, null, time.GetUtcNow()));
        try
        {
            await session.SaveChangesAsync(ct);
        }
        catch (Exception ex) when (LostRaces.IsLostRace(ex))
        {
            await using var again = store.QuerySession();
            if (key is not null && await again.LoadAsync<IdempotencyRecord>(key, ct) is { } raced)
            {
                return WriteRequest.CheckReplay(raced, request) ?? await Created(store, raced.ResourceId, ct);
            }

            return Problems.Conflict($"A person with id '{command.Id}' is already registered.");
        }

        return await Created(store, command.Id!, ct);
    }

    private static async Task<IResult> Created(IDocumentStore store, string id, CancellationToken ct)
    {
        await using var session = store.QuerySession();
        var person = await session.LoadAsync<Person>(id, ct) ?? throw new InvalidOperationException($"'{id}' is not on record after registering");
        return TypedResults.Created($"/api/people/{id}", new RegisteredPerson(person.Id, person.Name, person.Aliases, 1, person.RegisteredSequence));
    }
}
