using Timeline.Claims;
using Timeline.Contradictions;

namespace Timeline.People;

/// <param name="Ruling">The latest ruling's verdict, whatever it is.</param>
/// <param name="DecisiveVerdict">The latest <c>true</c> or <c>false</c> verdict: the one that decides (misleading and unproven decide nothing).</param>
/// <param name="NoLongerStated">A newer version of the claim's structured source no longer states it: it takes no side, as a retracted claim does.</param>
/// <param name="AfterDeath">Its valid time begins after the death on record (<see cref="CareerView.DiedOn"/>): worth a second look, not refused.</param>
public sealed record TimelineEntry(
    ClaimRecord Claim,
    string? ValidTime,
    DatePrecision? Precision,
    ContestState ContestState,
    bool? PropositionHolds,
    bool Retracted,
    Verdict? Ruling,
    Verdict? DecisiveVerdict,
    bool NoLongerStated,
    bool AfterDeath = false);

/// <summary>Every claim about a person in valid-time order (partial dates by their first day, coarser first; undated last).</summary>
public sealed record CareerTimeline(
    string PersonId,
    string Name,
    IReadOnlyList<TimelineEntry> Entries,
    long Version,
    long LastSequence,
    string? ValidAt,
    string? ReportedAt,
    DateTimeOffset? RecordedAt)
{
    public static CareerTimeline From(PersonDossier dossier, DateOnly? validAt = null, DateTimeOffset? recordedAt = null)
    {
        // Contest state does not depend on "today"; any day serves.
        var view = new CareerView(dossier, validAt, validAt ?? DateOnly.MinValue);
        var diedOn = view.DiedOn;
        var entries = dossier.Claims
            .Where(view.Counts)
            .OrderBy(c => c.ValidTime is null)
            .ThenBy(c => c.ValidTime?.From)
            .ThenBy(c => c.ValidTime?.To)
            .ThenBy(c => c.Sequence)
            .Select(c =>
            {
                var standing = view.StandingOf(c);
                return new TimelineEntry(
                    c, c.ValidTime?.ToString(), c.ValidTime?.Precision, standing.State, standing.Holds,
                    c.IsRetracted, c.LatestRuling?.Verdict, c.DecisiveVerdict, c.IsNoLongerStated, AfterDeath(c, diedOn));
            })
            .ToList();

        return new CareerTimeline(
            dossier.Id, dossier.Name, entries, dossier.Version, dossier.LastSequence,
            validAt?.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture), dossier.ReportedBy?.ToString(), recordedAt);
    }

    // Begun wholly after the death's last day; another death date is the died proposition's own conflict.
    private static bool AfterDeath(ClaimRecord claim, PartialDate? diedOn) =>
        diedOn is { } died && claim.ValidTime is { } time && time.From.Start > died.End && claim.Proposition.Predicate != Predicates.Died;
}
