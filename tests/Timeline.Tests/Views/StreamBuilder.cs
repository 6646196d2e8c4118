using JasperFx.Events;
using Timeline.Claims;
using Timeline.People;

namespace Timeline.Tests.Views;

/// <summary>
/// Builds a person's stream in memory, the way Marten hands it to the fold: each event wrapped with its stream
/// version, global sequence and recorded time. Claims are built by hand (not through the write path) so the pure
/// tests state exactly which events the views are given.
/// </summary>
internal sealed class StreamBuilder
{
    public const string PersonId = "test-person";
    public const string Senate = "Senate of Pakistan";

    public static readonly SourceRef Source = new(
        "src-0000000000000001", "https://example.org/article", "The Example", "An article",
        new DateTimeOffset(2013, 12, 1, 2, 39, 59, TimeSpan.FromHours(5)));

    private readonly List<IEvent> _events = [];
    private long _sequence = 1_000;

    public StreamBuilder(string name = "Test Person", DateTimeOffset? start = null)
    {
        Clock = start ?? new DateTimeOffset(2024, 1, 1, 9, 0, 0, TimeSpan.Zero);
        Append(new PersonRegistered(PersonId, name, [], "test"), Clock);
    }

    /// <summary>The recorded time of the last event appended.</summary>
    public DateTimeOffset Clock { get; private set; }

    public IReadOnlyList<IEvent> Events => _events;

    /// <summary>Appends an event recorded one minute after the previous one, or at <paramref name="at"/>.</summary>
    public IEvent Append(object data, DateTimeOffset? at = null)
    {
        Clock = at ?? Clock.AddMinutes(1);
        var e = Event.AsEvent(data);
        e.Version = _events.Count + 1;
        e.Sequence = ++_sequence;
        e.Timestamp = Clock;
        _events.Add(e);
        return e;
    }

    public PersonDossier Dossier() => PersonDossier.Replay(_events);

    public PersonDossier DossierAt(DateTimeOffset recordedAt) => PersonDossier.Replay(_events.Where(e => e.Timestamp <= recordedAt));

    public CurrentStatus Status(DateOnly? validAt = null) => CurrentStatus.From(Dossier(), validAt);

    public CareerTimeline Timeline(DateOnly? validAt = null) => CareerTimeline.From(Dossier(), validAt);

    public static Attribution By(string claimant, string? role = null, string quote = "a quote") =>
        new(Source, new Claimant(claimant, role), quote, "test");

    public static ValidTime? Time(string? text)
    {
        if (text is null) return null;
        return ValidTime.TryParse(text, out var time, out var error) ? time : throw new FormatException(error);
    }

    private static ClaimDetails Details(string predicate, string @object, string? validTime, string claimant, Stance stance = Stance.Asserts, string? value = null) =>
        new(Guid.NewGuid(), new Proposition(PersonId, predicate, @object), stance, value, Time(validTime), By(claimant));

    // --- claims -------------------------------------------------------------------------------------------------

    public Guid OfficeTaken(string office, string? organization, string validTime, string claimant = "Reporter", int? term = null) =>
        Claim(new OfficeTaken(
            Details(Predicates.HeldOffice, Predicates.OfficeObject(office, organization, term), validTime, claimant, value: Time(validTime)!.From.ToString()),
            office, organization, term));

    public Guid OfficeLeft(string office, string? organization, string validTime, string claimant = "Reporter", LeaveCause cause = LeaveCause.Resigned) =>
        Claim(new OfficeLeft(
            Details(Predicates.LeftOffice, Predicates.OfficeObject(office, organization, null), validTime, claimant, value: Time(validTime)!.From.ToString()),
            office, organization, null, cause));

    public Guid Senator(string validTime = "2013-11") => OfficeTaken("Senator", Senate, validTime);

    public Guid ResignationTendered(string? validTime = "2013-11", string claimant = "Reporter") =>
        Claim(new ResignationTendered(Details(Predicates.ResignedFrom, Senate, validTime, claimant), "Senator", Senate));

    public Guid ResignationConfirmed(string? validTime = "2013-11", string claimant = "Senate Secretariat") =>
        Claim(new ResignationConfirmed(Details(Predicates.ResignedFrom, Senate, validTime, claimant), "Senator", Senate));

    public Guid ResignationDenied(string? validTime = "2013-11", string claimant = "Nasir Jamal") =>
        Claim(new ResignationDenied(Details(Predicates.ResignedFrom, Senate, validTime, claimant, Stance.Denies), "Senator", Senate));

    public Guid ResignationAccepted(string? validTime = "2013-12", string claimant = "Chairman of the Senate") =>
        Claim(new ResignationAccepted(Details(Predicates.ResignedFrom, Senate, validTime, claimant), "Senator", Senate));

    public Guid PartyJoined(string party, string? validTime, string claimant = "Reporter") =>
        Claim(new PartyJoined(Details(Predicates.MemberOf, party, validTime, claimant), party));

    public Guid PartyLeft(string party, string? validTime, string claimant = "Reporter") =>
        Claim(new PartyLeft(Details(Predicates.LeftParty, party, validTime, claimant), party));

    public Guid PartyRoleTaken(string party, string role, string? validTime, string claimant = "Reporter") =>
        Claim(new PartyRoleTaken(Details(Predicates.HeldPartyRole, Predicates.RoleObject(role, party), validTime, claimant), party, role));

    public Guid Statement(string predicate, string @object, Stance stance, string? validTime = null, string? value = null, string claimant = "Reporter") =>
        Claim(new StatementMade(Details(predicate, @object, validTime, claimant, stance, value), $"{predicate} {@object}"));

    /// <summary>A claim event recorded at a given time (for "recorded late about an early date").</summary>
    public Guid ClaimAt(IClaimEvent claim, DateTimeOffset? at = null)
    {
        Append(claim, at);
        return claim.Claim.ClaimId;
    }

    public Guid Retract(Guid claimId, string reason = "the source withdrew it")
    {
        var id = Guid.NewGuid();
        Append(new ClaimRetracted(id, claimId, PropositionOf(claimId), reason, By("The Example", quote: "correction")));
        return id;
    }

    public Guid Rule(Guid claimId, Verdict verdict, string rationale = "checked")
    {
        var id = Guid.NewGuid();
        Append(new ClaimRuled(id, claimId, PropositionOf(claimId), verdict, rationale, "Fact Checker", null, Clock));
        return id;
    }

    private Guid Claim(IClaimEvent claim)
    {
        Append(claim);
        return claim.Claim.ClaimId;
    }

    private Proposition PropositionOf(Guid claimId) =>
        _events.Select(e => e.Data).OfType<IClaimEvent>().Single(c => c.Claim.ClaimId == claimId).Claim.Proposition;

    public static string ResignationKey => new Proposition(PersonId, Predicates.ResignedFrom, Senate).Key;
}
