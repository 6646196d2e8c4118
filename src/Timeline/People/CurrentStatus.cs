using Timeline.Claims;
using Timeline.Contradictions;

namespace Timeline.People;

public sealed record OfficeHeld(
    string Office,
    string? Organization,
    int? Term,
    PartialDate Since,
    DatePrecision SincePrecision,
    PartialDate? Until,
    bool Approximate,
    bool Contested,
    string? Pending,
    IReadOnlyList<Guid> ClaimIds);

public sealed record PartyMembership(string Party, PartialDate? Since, bool Approximate, IReadOnlyList<Guid> ClaimIds);

public sealed record PartyRoleHeld(string Party, string Role, PartialDate? Since, bool Approximate, IReadOnlyList<Guid> ClaimIds);

/// <summary>
/// A person's status: offices, party and roles, the status line and open contradictions, as the record stands
/// (or stood at <c>RecordedAt</c>) and as things were in the world on <c>ValidAt</c> (or now).
/// </summary>
public sealed record CurrentStatus(
    string Id,
    string Name,
    IReadOnlyList<string> Aliases,
    string StatusLine,
    IReadOnlyList<OfficeHeld> Offices,
    IReadOnlyList<OfficeHeld> FormerOffices,
    IReadOnlyList<PartyMembership> Parties,
    IReadOnlyList<PartyRoleHeld> PartyRoles,
    IReadOnlyList<PartyRoleHeld> FormerPartyRoles,
    int OpenContradictions,
    IReadOnlyList<ContradictionView> Contradictions,
    long Version,
    long LastSequence,
    DateTimeOffset LastRecordedAt,
    string? ValidAt,
    DateTimeOffset? RecordedAt,
    int UndatedClaimsSetAside)
{
    /// <param name="today">What "now" means without validAt; by default the day of recordedAt (the record as it
    /// stood then described the world as of then), else the clock's.</param>
    public static CurrentStatus From(PersonDossier dossier, DateOnly? validAt = null, DateTimeOffset? recordedAt = null, DateOnly? today = null)
    {
        var view = new CareerView(dossier, validAt, today ?? DateOnly.FromDateTime((recordedAt ?? TimeProvider.System.GetUtcNow()).UtcDateTime));
        var offices = view.Tenures().ToList();
        var held = offices.Where(t => t.Held).Select(t => t.Office).OrderByDescending(o => o.Since).ToList();
        var former = offices.Where(t => t.Ended).Select(t => t.Office).OrderByDescending(o => o.Until ?? o.Since).ToList();
        var parties = view.Parties().ToList();
        var allRoles = view.PartyRoles().ToList();
        var roles = allRoles.Where(r => r.Held).Select(r => r.Role).ToList();
        var formerRoles = allRoles.Where(r => r.Ended).Select(r => r.Role).ToList();
        var contradictions = view.Contradictions().ToList();

        return new CurrentStatus(
            dossier.Id,
            dossier.Name,
            dossier.Aliases,
            ComposeStatusLine(held, former, parties, roles, formerRoles),
            held,
            former,
            parties,
            roles,
            formerRoles,
            contradictions.Count(c => c.State == ContestState.Open),
            contradictions,
            dossier.Version,
            dossier.LastSequence,
            dossier.LastRecordedAt,
            validAt?.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture),
            recordedAt,
            view.UndatedSetAside);
    }

    private static string ComposeStatusLine(
        List<OfficeHeld> held, List<OfficeHeld> former, List<PartyMembership> parties, List<PartyRoleHeld> roles, List<PartyRoleHeld> formerRoles)
    {
        if (held.Count > 0)
        {
            var primary = held[0];
            return primary.Pending is null ? primary.Office : $"{primary.Office} — {primary.Pending}";
        }

        if (roles.Count > 0) return $"{roles[0].Role}, {roles[0].Party}";
        if (former.Count > 0) return $"Former {former[0].Office}";
        if (parties.Count > 0) return $"Member of {parties[0].Party}";
        if (formerRoles.Count > 0) return $"Former {formerRoles[0].Role}, {formerRoles[0].Party}";
        return "No office on record";
    }
}
