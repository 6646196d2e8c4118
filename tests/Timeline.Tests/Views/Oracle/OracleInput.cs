namespace Timeline.Tests.Views.Oracle;

/// <summary>
/// Turns what a test appended into the oracle's events, by the README's table of claim types alone: which
/// proposition each type is about, whether it asserts or denies, and what its valid time is.
/// </summary>
internal sealed class OracleInput
{
    private readonly Dictionary<int, OClaim> _claims = [];

    public List<OEvent> Events { get; } = [];

    public static OSource Source(int index) => new(index, World.Published[index]);

    public void Claim(int planIndex, PlannedClaim c, Guid id, DateTimeOffset recordedAt)
    {
        var order = Events.Count;
        var validTime = c.ValidTime is null ? null : OValidTime.Parse(c.ValidTime);
        OClaim claim;
        if (c.Target is { } t)
        {
            // A dispute joins the opposite side of the disputed claim's proposition, dated by it unless given.
            var target = _claims[t];
            claim = target with
            {
                Order = order, RecordedAt = recordedAt, Id = id, Type = c.Type, Asserts = !target.Asserts, ValidTime = validTime ?? target.ValidTime,
                Source = Source(c.Source), ScheduledEnd = null, Cause = null, Value = null,
                // A dispute of a day the office was left denies that end, not the office (the README's table).
                DisputedEnd = target.Type == "OfficeLeft" ? target.ValidTime!.From : null,
            };
        }
        else
        {
            var (predicate, @object, asserts) = c.Type switch
            {
                "OfficeTaken" or "OfficeHeld" or "OfficeLeft" => ("held-office", $"{c.Office}, {c.Organization}", true),
                "ResignationTendered" or "ResignationConfirmed" or "ResignationAccepted" => ("resigned-from", c.Organization!, true),
                "ResignationDenied" => ("resigned-from", c.Organization!, false),
                "ResignationWithdrawn" => ("withdrew-resignation-from", c.Organization!, true),
                "PartyJoined" => ("member-of", c.Party!, true),
                "PartyLeft" => ("left-party", c.Party!, true),
                "PartyRoleTaken" => ("held-party-role", $"{c.Role}, {c.Party}", true),
                "PartyRoleLeft" => ("left-party-role", $"{c.Role}, {c.Party}", true),
                "StatementMade" => (c.Predicate!, c.Object!, c.Stance != "denies"),
                _ => throw new InvalidOperationException(c.Type),
            };
            claim = new OClaim(order, recordedAt, id, c.Type, predicate, @object, asserts, validTime, Source(c.Source),
                c.Office, c.Organization, c.ScheduledEnd is null ? null : ODate.Parse(c.ScheduledEnd), c.Cause, c.Party, c.Role, c.Value);
        }

        _claims[planIndex] = claim;
        Events.Add(claim);
    }

    public Guid IdOf(int planIndex) => _claims[planIndex].Id;

    public void Retraction(PlannedRetraction r, DateTimeOffset recordedAt) =>
        Events.Add(new ORetraction(Events.Count, recordedAt, _claims[r.Target].Id, Source(r.Source)));

    public void Ruling(PlannedRuling r, DateTimeOffset ruledAt, DateTimeOffset recordedAt) =>
        Events.Add(new ORuling(Events.Count, recordedAt, _claims[r.Target].Id, r.Verdict, ruledAt));
}
