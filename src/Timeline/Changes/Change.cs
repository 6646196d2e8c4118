using JasperFx.Events;
using Marten;
using Marten.Events.Projections;
using Timeline.Claims;
using Timeline.People;

namespace Timeline.Changes;

/// <summary>One entry of the changes feed. <see cref="Id"/> is the event's global sequence: the feed's cursor.</summary>
/// <param name="Views">The views this change may have altered, as the URLs a dashboard re-reads.</param>
public sealed record Change(
    long Id, string Person, Guid? ClaimId, string Kind, IReadOnlyList<string> Views, long Version, DateTimeOffset RecordedAt);

public static class ChangeKinds
{
    public const string PersonRegistered = "person-registered";
    public const string ClaimAppended = "claim-appended";
    public const string ClaimRuled = "claim-ruled";
    public const string ClaimRetracted = "claim-retracted";
    public const string ClaimAmended = "claim-amended";

    public static readonly IReadOnlyList<string> All = [PersonRegistered, ClaimAppended, ClaimRuled, ClaimRetracted, ClaimAmended];

    /// <summary>The feed entry an event makes, or null for an event no dashboard needs to hear about.</summary>
    public static Change? Describe(IEvent e)
    {
        var person = e.StreamKey ?? e.StreamId.ToString();
        string[] personViews = [$"/api/people/{person}", $"/api/people/{person}/timeline", $"/api/people/{person}/events"];
        var (kind, claimId) = e.Data switch
        {
            Timeline.People.PersonRegistered => (PersonRegistered, (Guid?)null),
            IClaimEvent claim => (ClaimAppended, claim.Claim.ClaimId),
            ClaimRuled ruled => (ClaimRuled, ruled.ClaimId),
            ClaimRetracted retracted => (ClaimRetracted, retracted.ClaimId),
            IClaimAmendment amendment => (ClaimAmended, amendment.ClaimId),
            _ => ((string?)null, (Guid?)null),
        };
        if (kind is null) return null;

        var views = claimId is { } id
            ? [.. personViews, $"/api/claims/{id}", $"/api/claims?person={person}", $"/api/contradictions?person={person}"]
            : personViews;
        return new Change(e.Sequence, person, claimId, kind, views, e.Version, e.Timestamp);
    }
}

/// <summary>
/// Writes the changes feed under the async daemon, which only hands over events below Marten's high-water mark and
/// commits each batch with its progress. Rows therefore appear in sequence order with no gaps a later commit could
/// fill, so a reader paging on <see cref="Change.Id"/> never skips or repeats.
/// </summary>
public sealed partial class ChangeFeedProjection : EventProjection
{
    public const string ProjectionName = "Changes";

    public ChangeFeedProjection()
    {
        Name = ProjectionName;
        RegisterPublishedType(typeof(Change));
    }

    public override ValueTask ApplyAsync(IDocumentOperations operations, IEvent e, CancellationToken cancellation)
    {
        if (ChangeKinds.Describe(e) is { } change) operations.Store(change);
        return ValueTask.CompletedTask;
    }
}
