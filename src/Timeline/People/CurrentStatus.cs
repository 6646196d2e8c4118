using Timeline.Claims;
using Timeline.Contradictions;

namespace Timeline.People;

/// <summary>An office as the record gives it.</summary>
/// <param name="Since">The start claimed; null when no source gives one.</param>
/// <param name="SinceAtLatest">With no start on record, the earliest observation of the office being held.</param>
/// <param name="Until">When the tenure ended (or, with no actual end on record, when its term was scheduled to).</param>
/// <param name="EndCause">How it ended; <c>EndedBy</c> lists the claims that say so.</param>
/// <param name="ScheduledEnd">When the term it was taken for was due to end, whatever actually happened.</param>
public sealed record Tenure(
    string Office,
    string? Organization,
    int? Term,
    PartialDate? Since,
    DatePrecision? SincePrecision,
    PartialDate? SinceAtLatest,
    PartialDate? Until,
    EndCause? EndCause,
    IReadOnlyList<Guid> EndedBy,
    PartialDate? ScheduledEnd,
    bool Approximate,
    bool Contested,
    string? Pending,
    IReadOnlyList<Guid> ClaimIds);

/// <param name="Until">The end on record (the earliest, as an office's); null when none is, or it is undated.</param>
public sealed record PartyMembership(string Party, PartialDate? Since, bool Approximate, IReadOnlyList<Guid> ClaimIds, PartialDate? Until = null);

/// <param name="Until">The end on record (the earliest, as an office's); null when none is, or it is undated.</param>
public sealed record PartyRoleHeld(string Party, string Role, PartialDate? Since, bool Approximate, IReadOnlyList<Guid> ClaimIds, PartialDate? Until = null);

/// <summary>
/// A person's status: offices, party and roles, the status line and open contradictions, as the record stands
/// (or stood at <c>RecordedAt</c>) and as things were in the world on <c>ValidAt</c> (or now).
/// </summary>
public sealed record CurrentStatus(
    string Id,
    string Name,
    IReadOnlyList<string> Aliases,
    string StatusLine,
    IReadOnlyList<Tenure> Offices,
    IReadOnlyList<Tenure> FormerOffices,
    IReadOnlyList<PartyMembership> Parties,
    IReadOnlyList<PartyMembership> FormerParties,
    IReadOnlyList<PartyRoleHeld> PartyRoles,
    IReadOnlyList<PartyRoleHeld> FormerPartyRoles,
    int OpenContradictions,
    IReadOnlyList<ContradictionView> Contradictions,
    long Version,
    long LastSequence,
    DateTimeOffset LastRecordedAt,
    string? ValidAt,
    string? ReportedAt,
    DateTimeOffset? RecordedAt,
    int UndatedClaimsSetAside)
{
    /// <param name="today">What "now" means without validAt; by default the day of recordedAt (the record as it
    /// stood then described the world as of then), else the clock's.</param>
    public static CurrentStatus From(PersonDossier dossier, DateOnly? validAt = null, DateTimeOffset? recordedAt = null, DateOnly? today = null)
    {
        var view = new CareerView(dossier, validAt, today ?? DateOnly.FromDateTime((recordedAt ?? TimeProvider.System.GetUtcNow()).UtcDateTime));
        var offices = view.Tenures().ToList();
        var held = offices.Where(t => t.Held).Select(t => t.Office).OrderByDescending(o => o.Since ?? o.SinceAtLatest).ToList();
        // Latest ended first, by the last day an end can mean: "2018" (a death known by its year) after "2018-11".
        var former = offices.Where(t => t.Ended).Select(t => t.Office).OrderByDescending(o => (o.Until ?? o.Since)?.End).ThenByDescending(o => o.Until ?? o.Since).ToList();
        var memberships = view.PartyTenures().ToList();
        var parties = memberships.Where(p => p.Held).Select(p => p.Membership).ToList();
        // A membership that ended is part of the career too: latest ended first.
        var formerParties = memberships.Where(p => p.Ended).Select(p => p.Membership).OrderByDescending(p => p.Until?.End).ToList();
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
            formerParties,
            roles,
            formerRoles,
            contradictions.Count(c => c.State == ContestState.Open),
            contradictions,
            dossier.Version,
            dossier.LastSequence,
            dossier.LastRecordedAt,
            validAt?.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture),
            dossier.ReportedBy?.ToString(),
            recordedAt,
            view.UndatedSetAside);
    }

    /// <summary>
    /// The status line, by precedence: a current office (with a pending resignation); else the latest former office
    /// with how and when it ended; else a current party role; else a party membership; else a former party role.
    /// </summary>
    private static string ComposeStatusLine(
        List<Tenure> held, List<Tenure> former, List<PartyMembership> parties, List<PartyRoleHeld> roles, List<PartyRoleHeld> formerRoles)
    {
        if (held.Count > 0)
        {
            var primary = held[0];
            return primary.Pending is null ? primary.Office : $"{primary.Office} — {primary.Pending}";
        }

        if (former.Count > 0) return $"Former {former[0].Office}{HowItEnded(former[0])}";
        if (roles.Count > 0) return $"{roles[0].Role}, {roles[0].Party}";
        if (parties.Count > 0) return $"Member of {parties[0].Party}";
        if (formerRoles.Count > 0) return $"Former {formerRoles[0].Role}, {formerRoles[0].Party}";
        return "No office on record";
    }

    private static string HowItEnded(Tenure tenure)
    {
        var how = tenure.EndCause switch
        {
            Claims.EndCause.ResignationAccepted => "resignation accepted",
            Claims.EndCause.Resigned => "resigned",
            Claims.EndCause.TermEnded => "term ended",
            Claims.EndCause.Dismissed => "dismissed",
            Claims.EndCause.Died => "died",
            Claims.EndCause.Other => "left",
            _ => "until",
        };
        return tenure.Until is { } until ? $" ({how} {until})" : tenure.EndCause is null or Claims.EndCause.Unstated ? "" : $" ({how})";
    }
}
