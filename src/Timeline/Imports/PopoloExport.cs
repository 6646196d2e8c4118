using System.Security.Cryptography;
using System.Text.Json;
using Marten;
using Microsoft.AspNetCore.Mvc;
using Timeline.Claims;
using Timeline.Hosting;
using Timeline.People;
using Wolverine.Http;

namespace Timeline.Imports;

/// <summary>
/// The record as Popolo: every person, and the memberships the live claims state (offices held in a chamber, with the
/// party a member sat for; party memberships), read at a valid day and a reported time like every other view.
/// </summary>
public static class PopoloExport
{
    public const string Legislature = "legislature";
    public const string Party = "party";

    private static readonly string[] Types = [nameof(OfficeTaken), nameof(PartyJoined), nameof(StatementMade)];

    public static async Task<PopoloDocument> BuildAsync(IQuerySession session, DateOnly? validAt, ReportedBy? reportedBy, CancellationToken ct)
    {
        var people = await session.Query<Person>().OrderBy(p => p.Id).ToListAsync(ct);
        var stored = await session.Query<ClaimRecord>().Where(c => c.Type.IsOneOf(Types)).ToListAsync(ct);
        var claims = stored
            .Select(c => reportedBy is null ? c : reportedBy.Cut(c))
            .OfType<ClaimRecord>()
            .Where(c => !c.IsRetracted && c.DecisiveVerdict != Verdict.False && c.NoLongerStated is null && c.Stance == Stance.Asserts)
            .OrderBy(c => c.Sequence)
            .ToList();

        var organizations = new SortedDictionary<string, PopoloOrganization>(StringComparer.Ordinal);
        var terms = new SortedSet<int>();
        var memberships = new List<PopoloMembership>();
        // A chamber seat and the party its holder sat for are one membership when they cite the same record.
        var parties = claims.Where(c => c.Type == nameof(PartyJoined)).ToList();
        var sittingFor = claims.Where(c => c.Type == nameof(OfficeTaken) && c.Attribution.Pointer is not null)
            .Select(c => (c.PersonId, c.SourceId, c.Attribution.Pointer))
            .ToHashSet();

        foreach (var c in claims.Where(c => c.Type == nameof(OfficeTaken) && Holds(c, validAt)))
        {
            var chamber = Organization(organizations, c.Organization ?? c.Office!, Legislature);
            var party = c.Attribution.Pointer is null ? null
                : parties.FirstOrDefault(p => p.PersonId == c.PersonId && p.SourceId == c.SourceId && p.Attribution.Pointer == c.Attribution.Pointer);
            if (c.Term is { } term) terms.Add(term);
            memberships.Add(new PopoloMembership(c.PersonId, chamber,
                OnBehalfOfId: party is null ? null : Organization(organizations, party.Party!, Party),
                LegislativePeriodId: c.Term is { } t ? TermId(t) : null,
                Role: char.ToLowerInvariant(c.Office![0]) + c.Office[1..],
                StartDate: c.ValidTime?.From.ToString(), EndDate: c.ValidTime?.To?.ToString()));
        }

        foreach (var p in parties.Where(p => Holds(p, validAt) && !sittingFor.Contains((p.PersonId, p.SourceId, p.Attribution.Pointer))))
        {
            memberships.Add(new PopoloMembership(p.PersonId, Organization(organizations, p.Party!, Party),
                StartDate: p.ValidTime?.From.ToString(), EndDate: p.ValidTime?.To?.ToString()));
        }

        var statements = claims.Where(c => c.Type == nameof(StatementMade)).ToLookup(c => c.PersonId);
        var persons = people.Select(p =>
        {
            var said = statements[p.Id].ToList();
            return new PopoloPerson(p.Id, p.Name,
                p.Aliases.Count == 0 ? null : [.. p.Aliases.Select(a => new PopoloOtherName(a))],
                Identifiers(said),
                said.FirstOrDefault(s => s.Proposition.Predicate == PopoloFile.BornPredicate)?.Value,
                said.FirstOrDefault(s => s.Proposition.Predicate == PopoloFile.DiedPredicate)?.Value);
        }).ToList();

        return new PopoloDocument(
            persons,
            [.. organizations.Values],
            [.. memberships.OrderBy(m => m.PersonId, StringComparer.Ordinal).ThenBy(m => m.OrganizationId, StringComparer.Ordinal).ThenBy(m => m.StartDate, StringComparer.Ordinal)],
            [.. terms.Select(t => new PopoloEvent(TermId(t), $"Term {t}", "legislative period"))]);
    }

    [WolverineGet("/api/exports/popolo")]
    [Tags("Imports")]
    [EndpointSummary("The record as a Popolo document")]
    [EndpointDescription("People, organizations and memberships as the live claims state them. validAt=YYYY-MM-DD keeps the memberships held that day; reportedAt keeps what sources published by then. Claims marked no longer stated by their source are left out.")]
    [ProducesResponseType<PopoloDocument>(StatusCodes.Status200OK)]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status400BadRequest, "application/problem+json")]
    public static async Task<IResult> Get(HttpContext context, IQuerySession session, CancellationToken ct, string? validAt = null, string? reportedAt = null)
    {
        if (!Clocks.TryParse(validAt, reportedAt, null, out var clocks, out var problem)) return problem!;
        var document = await BuildAsync(session, clocks.ValidAt, clocks.ReportedBy, ct);
        var body = JsonSerializer.SerializeToUtf8Bytes(document, PopoloJson.Options);
        return HttpCaching.Bytes(context, body, HttpCaching.Tag(Convert.ToHexString(SHA256.HashData(body))));
    }

    private static bool Holds(ClaimRecord c, DateOnly? day) =>
        day is not { } d || c.ValidTime is not { } t || (t.From.Start <= d && (t.To is not { } end ? true : d <= end.End));

    private static IReadOnlyList<PopoloIdentifier>? Identifiers(IEnumerable<ClaimRecord> said)
    {
        var prefix = PopoloFile.WikidataScheme + ":";
        var ids = said.Where(s => s.Proposition.Predicate == PopoloFile.IdentifierPredicate && s.Proposition.Object.StartsWith(prefix, StringComparison.Ordinal))
            .Select(s => new PopoloIdentifier(PopoloFile.WikidataScheme, s.Proposition.Object[prefix.Length..])).Distinct().ToList();
        return ids.Count == 0 ? null : ids;
    }

    private static string Organization(SortedDictionary<string, PopoloOrganization> organizations, string name, string classification)
    {
        var id = $"{classification}/{Slugs.Normalize(name)}";
        organizations.TryAdd(id, new PopoloOrganization(id, name, classification));
        return id;
    }

    private static string TermId(int term) => $"term/{term}";
}
