using System.Security.Cryptography;
using System.Text.Json;
using Marten;
using Microsoft.AspNetCore.Mvc;
using Timeline.Claims;
using Timeline.Hosting;
using Timeline.People;
using Timeline.Sources;
using Wolverine.Http;

namespace Timeline.Imports;

/// <summary>
/// The record as Popolo: every person, and the memberships the person views derive (<see cref="CareerView"/>: one per
/// stint of an office, with the party a member sat for; one per stint of a party membership), read at a valid day and a reported time like
/// every other view. Without a valid day it is the whole career, each membership with the start and end the status view
/// gives it; with one, the memberships held that day. Claims a newer version of their source no longer states are left out.
/// </summary>
public static class PopoloExport
{
    public const string Legislature = "legislature";
    public const string Party = "party";
    public const string LegislativePeriod = "legislative period";

    // What the memberships and persons are derived from: offices, how they ended, parties, and births, deaths and ids.
    private static readonly string[] Types =
    [
        nameof(OfficeTaken), nameof(OfficeHeld), nameof(OfficeLeft), nameof(ResignationTendered), nameof(ResignationConfirmed),
        nameof(ResignationAccepted), nameof(ResignationDenied), nameof(ResignationWithdrawn), nameof(PartyJoined), nameof(PartyLeft),
        nameof(StatementMade), nameof(ClaimDisputed),
    ];

    /// <param name="today">What "now" is for the career's memberships (the status view's today); by default the clock's.</param>
    public static async Task<PopoloDocument> BuildAsync(
        IQuerySession session, DateOnly? validAt, ReportedBy? reportedBy, CancellationToken ct, DateOnly? today = null)
    {
        var people = await session.Query<Person>().OrderBy(p => p.Id).ToListAsync(ct);
        var stored = await session.ClaimsAsync(new ClaimFilter { Types = Types }, ct);
        var claimsOf = stored
            .Select(c => reportedBy is null ? c : reportedBy.Cut(c))
            .OfType<ClaimRecord>()
            .Where(c => !c.IsNoLongerStated)
            .ToLookup(c => c.PersonId);
        var day = today ?? DateOnly.FromDateTime(TimeProvider.System.GetUtcNow().UtcDateTime);

        var organizations = new SortedDictionary<string, PopoloOrganization>(StringComparer.Ordinal);
        var terms = new Dictionary<int, HashSet<string>>();
        var memberships = new List<PopoloMembership>();
        var persons = new List<PopoloPerson>();
        foreach (var person in people)
        {
            var dossier = PersonDossier.Assemble(person, claimsOf[person.Id]);
            var view = new CareerView(dossier, validAt, day);
            var live = dossier.Claims.Where(c => !c.IsWithdrawn && c.DecisiveVerdict != Verdict.False && c.Stance == Stance.Asserts).ToList();

            // A chamber seat and the party its holder sat for are one membership when they cite the same record.
            var seats = live.Where(c => c.Type == nameof(OfficeTaken) && c.Attribution.Pointer is not null)
                .Select(c => (c.SourceId, c.Attribution.Pointer)).ToHashSet();
            var satFor = live.Where(c => c.Type == nameof(PartyJoined) && seats.Contains((c.SourceId, c.Attribution.Pointer)))
                .GroupBy(c => (c.SourceId, c.Attribution.Pointer)).ToDictionary(g => g.Key, g => g.MinBy(c => c.Sequence)!);

            // Every stint a membership of its own, as in the files they came from: two stints of one office, or one term
            // split by a party switch, each with its own dates and party.
            foreach (var (tenure, held, ended) in view.Tenures(everyStint: true))
            {
                if (validAt is not null && !held) continue;
                // Ended on a day no source gives: Popolo cannot say so, and an open membership would read as held today.
                if (ended && tenure.Until is null) continue;
                var cited = tenure.ClaimIds.Select(dossier.FindClaim).OfType<ClaimRecord>().OrderBy(c => c.Sequence).ToList();
                if (tenure.Term is { } term)
                {
                    var sources = terms.TryGetValue(term, out var known) ? known : terms[term] = [];
                    sources.UnionWith(cited.Where(c => c.Attribution.Pointer is not null).Select(c => c.SourceId));
                }

                // The party a member sat for is stated by the record their seat cites. An observation ("Senator" in an
                // article of 2013-11) gives no start: it says it was held by then, not that it began then.
                var party = cited.Select(c => satFor.GetValueOrDefault((c.SourceId, c.Attribution.Pointer))).FirstOrDefault(p => p is not null);
                memberships.Add(new PopoloMembership(person.Id, Organization(organizations, tenure.Organization ?? tenure.Office, Legislature),
                    OnBehalfOfId: party is null ? null : Organization(organizations, party.Party!, Party),
                    LegislativePeriodId: tenure.Term is { } t ? TermId(t) : null,
                    Role: tenure.Office, StartDate: tenure.Since?.ToString(), EndDate: tenure.Until?.ToString()));
            }

            foreach (var (membership, held, ended) in view.PartyTenures(everyStint: true))
            {
                if (validAt is not null && !held) continue;
                if (ended && membership.Until is null) continue;
                var cited = membership.ClaimIds.Select(dossier.FindClaim).OfType<ClaimRecord>();
                if (cited.All(c => seats.Contains((c.SourceId, c.Attribution.Pointer)))) continue;
                memberships.Add(new PopoloMembership(person.Id, Organization(organizations, membership.Party, Party),
                    StartDate: membership.Since?.ToString(), EndDate: membership.Until?.ToString()));
            }

            var said = live.Where(c => c.Type == nameof(StatementMade)).OrderBy(c => c.Sequence).ToList();
            persons.Add(new PopoloPerson(person.Id, person.Name,
                person.Aliases.Count == 0 ? null : [.. person.Aliases.Select(a => new PopoloOtherName(a))],
                Identifiers(said),
                said.FirstOrDefault(s => s.Proposition.Predicate == PopoloFile.BornPredicate)?.Value,
                // The death the views read (a contested one is none), dated by its valid time as the import gives it.
                view.DiedOn?.ToString()));
        }

        var periods = new List<PopoloEvent>();
        foreach (var (term, sources) in terms.OrderBy(t => t.Key))
        {
            periods.Add(await PeriodAsync(session, term, sources, ct));
        }

        return new PopoloDocument(
            persons,
            [.. organizations.Values],
            [.. memberships.OrderBy(m => m.PersonId, StringComparer.Ordinal).ThenBy(m => m.OrganizationId, StringComparer.Ordinal)
                .ThenBy(m => m.StartDate, StringComparer.Ordinal).ThenBy(m => m.LegislativePeriodId, StringComparer.Ordinal).ThenBy(m => m.Role, StringComparer.Ordinal)],
            periods);
    }

    /// <summary>
    /// A legislative period as the newest Popolo source that cites it names and dates it; a term no structured source
    /// describes (an office taken by hand for term 21) is only its number.
    /// </summary>
    private static async Task<PopoloEvent> PeriodAsync(IQuerySession session, int term, IEnumerable<string> sourceIds, CancellationToken ct)
    {
        PopoloEvent? described = null;
        DateTimeOffset? describedAt = null;
        foreach (var id in sourceIds.Order(StringComparer.Ordinal))
        {
            if (await SourceCache.LoadAsync(session.DocumentStore, id, ct) is not { Structured.Popolo: { } file } source) continue;
            var period = file.Events.Values.Where(e => PopoloFile.TermNumber(e) == term).OrderBy(e => e.Id, StringComparer.Ordinal).FirstOrDefault();
            if (period is null || (describedAt is { } at && source.Document.PublishedAt <= at)) continue;
            (described, describedAt) = (period, source.Document.PublishedAt);
        }

        return new PopoloEvent(TermId(term), described?.Name ?? $"Term {term}", described?.Classification ?? LegislativePeriod,
            described?.StartDate, described?.EndDate);
    }

    [WolverineGet("/api/exports/popolo")]
    [Tags("Imports")]
    [EndpointSummary("The record as a Popolo document")]
    [EndpointDescription("People, organizations and memberships as the status view derives them: one membership per stint of an office (with the party a member sat for) and of a party membership, with their start and end dates. validAt=YYYY-MM-DD keeps the memberships held that day; reportedAt keeps what sources published by then. Claims marked no longer stated by their source are left out.")]
    [ProducesResponseType<PopoloDocument>(StatusCodes.Status200OK)]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status400BadRequest, "application/problem+json")]
    public static async Task<IResult> Get(HttpContext context, IQuerySession session, TimeProvider time, CancellationToken ct, string? validAt = null, string? reportedAt = null)
    {
        if (!Clocks.TryParse(validAt, reportedAt, null, out var clocks, out var problem)) return problem!;
        var document = await BuildAsync(session, clocks.ValidAt, clocks.ReportedBy, ct, DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime));
        var body = JsonSerializer.SerializeToUtf8Bytes(document, PopoloJson.Options);
        return HttpCaching.Bytes(context, body, HttpCaching.Tag(Convert.ToHexString(SHA256.HashData(body))));
    }

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
