using JasperFx.Events;
using JasperFx.Events.Daemon;
using JasperFx.Events.Projections;
using Marten;
using Marten.Subscriptions;
using Timeline.Claims;
using Timeline.People;

namespace Timeline.Changes;

/// <summary>One entry of the changes feed. <see cref="Id"/> is the event's global sequence: the feed's cursor.</summary>
public sealed record Change(long Id, string Person, Guid? ClaimId, string Kind, long Version, DateTimeOffset RecordedAt)
{
    /// <summary>The views this change may have altered, as the URLs a dashboard re-reads; derived, so not stored.</summary>
    public IReadOnlyList<string> Views => ClaimId is { } id
        ? [$"/api/people/{Person}", $"/api/people/{Person}/timeline", $"/api/people/{Person}/events",
            $"/api/claims/{id}", $"/api/claims?person={Person}", $"/api/contradictions?person={Person}"]
        : [$"/api/people/{Person}", $"/api/people/{Person}/timeline", $"/api/people/{Person}/events"];
}

public static class ChangeKinds
{
    public const string PersonRegistered = "person-registered";
    public const string ClaimAppended = "claim-appended";
    public const string ClaimRuled = "claim-ruled";
    public const string ClaimRetracted = "claim-retracted";
    public const string ClaimAmended = "claim-amended";

    public static readonly IReadOnlyList<string> All = [PersonRegistered, ClaimAppended, ClaimRuled, ClaimRetracted, ClaimAmended];

    /// <summary>
    /// The feed entry an event type makes and where its event keeps the claim id; kind null for an event no dashboard
    /// needs to hear about.
    /// </summary>
    public static (string? Kind, ClaimIdIn ClaimId) Of(Type eventType) => eventType switch
    {
        _ when eventType == typeof(Timeline.People.PersonRegistered) => (PersonRegistered, ClaimIdIn.None),
        _ when typeof(IClaimEvent).IsAssignableFrom(eventType) => (ClaimAppended, ClaimIdIn.Claim),
        _ when eventType == typeof(ClaimRuled) => (ClaimRuled, ClaimIdIn.Event),
        _ when eventType == typeof(ClaimRetracted) => (ClaimRetracted, ClaimIdIn.Event),
        _ when typeof(IClaimAmendment).IsAssignableFrom(eventType) => (ClaimAmended, ClaimIdIn.Event),
        _ => (null, ClaimIdIn.None),
    };

    /// <summary>Every event type that makes a feed entry, with its kind and where it keeps the claim id.</summary>
    public static readonly IReadOnlyList<(Type Type, string Kind, ClaimIdIn ClaimId)> EventTypes =
        [.. ClaimsSetup.EventTypes.Append(typeof(Timeline.People.PersonRegistered)).Select(t => (Type: t, Entry: Of(t)))
            .Where(t => t.Entry.Kind is not null).Select(t => (t.Type, t.Entry.Kind!, t.Entry.ClaimId))];

    /// <summary>Every kind but <c>claim-appended</c> is rare: few events, served by the feed's partial index.</summary>
    public static bool IsRare(string kind) => kind != ClaimAppended;
}

/// <summary>Where an event's JSON keeps the claim it is about: nowhere, <c>claim.claimId</c>, or its own <c>claimId</c>.</summary>
public enum ClaimIdIn
{
    None,
    Claim,
    Event,
}

/// <summary>
/// The feed's safe head. The feed is read from <c>mt_events</c> itself (<see cref="ChangeFeed"/>), never copied: this
/// subscription only lets Marten's async daemon carry its progress, which the daemon moves over ranges of sequences below
/// the high-water mark. Every event up to that progress is committed and no later commit can take a sequence below it, so a
/// reader paging on <see cref="Change.Id"/> never skips or repeats. Its filter names registrations, which are few, only so
/// that the daemon loads next to nothing; Marten moves the progress over ranges with no such event too.
/// </summary>
public sealed class ChangeFeedSubscription : SubscriptionBase
{
    public const string ProjectionName = "Changes";

    /// <summary>The row of <c>mt_event_progression</c> that holds the head.</summary>
    public const string Shard = $"{ProjectionName}:All";

    public ChangeFeedSubscription()
    {
        Name = ProjectionName;
        IncludeType<PersonRegistered>();
    }

    public override Task<IChangeListener> ProcessEventsAsync(
        EventRange page, ISubscriptionController controller, IDocumentOperations operations, CancellationToken cancellationToken) =>
        Task.FromResult(NullChangeListener.Instance);
}
