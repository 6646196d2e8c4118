using Marten;
using Microsoft.AspNetCore.Mvc;
using Timeline.Hosting;
using Wolverine.Http;

namespace Timeline.People;

public sealed record PersonMatch(string Id, string Name, IReadOnlyList<string> Aliases);

public sealed record PeopleFound(IReadOnlyList<PersonMatch> Items, int Count);

public static class PeopleSearch
{
    public const int MaxLimit = 100;

    [WolverineGet("/api/people")]
    [Tags("People")]
    [EndpointSummary("Find people by name or alias")]
    [EndpointDescription("q matches any part of a name, an alias or the id, ignoring case; without q, everyone. Sorted by name.")]
    [ProducesResponseType<PeopleFound>(StatusCodes.Status200OK)]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status400BadRequest, "application/problem+json")]
    public static async Task<IResult> Find(string? q, int? limit, HttpContext context, IQuerySession session, CancellationToken ct)
    {
        if (limit is < 1 or > MaxLimit) return Problems.Create(StatusCodes.Status400BadRequest, "bad-limit", "Bad limit", $"limit must be between 1 and {MaxLimit}.");

        var term = q?.Trim() ?? "";
        // People are few next to claims; matching aliases in memory keeps the query portable across Marten versions.
        var people = await session.Query<Person>().ToListAsync(ct);
        var found = people
            .Where(p => term.Length == 0 || Matches(p, term))
            .OrderBy(p => p.Name, StringComparer.OrdinalIgnoreCase)
            .Take(limit ?? 20)
            .Select(p => new PersonMatch(p.Id, p.Name, p.Aliases))
            .ToList();
        return HttpCaching.Json(context, new PeopleFound(found, found.Count));
    }

    private static bool Matches(Person person, string term) =>
        person.Name.Contains(term, StringComparison.OrdinalIgnoreCase)
        || person.Id.Contains(term, StringComparison.OrdinalIgnoreCase)
        || person.Aliases.Any(a => a.Contains(term, StringComparison.OrdinalIgnoreCase));
}
