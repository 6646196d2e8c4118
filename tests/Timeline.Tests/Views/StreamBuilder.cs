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

    // --- claims, built from requests through the catalogue as the API builds them -------------------------------

    /// <summary>Appends the claim a request describes; returns its id.</summary>
    public Guid Request(AppendClaimRequest request, string claimant = "Reporter", string? claimantPersonId = null, SourceRef? source = null)
    {
        var full = request with
        {
            Claimant = request.Claimant ?? new ClaimantInput(claimant, PersonId: claimantPersonId),
            Quote = request.Quote ?? "a quote",
            RecordedBy = "test",
            SourceId = (source ?? Source).Id,
        };
        var errors = ClaimTypes.Check(full, out var validTime);
        if (errors.Any) throw new ArgumentException($"invalid test claim: {full}");
        var id = Guid.NewGuid();
        var target = full.TargetClaimId is { } t ? Dossier().FindClaim(t) : null;
        Append(ClaimTypes.Build(PersonId, full, id, validTime, source ?? Source, target));
        return id;
    }

    public Guid OfficeTaken(string office, string? organization, string validTime, string claimant = "Reporter", int? term = null, string? scheduledEnd = null) =>
        Request(new AppendClaimRequest(nameof(Claims.OfficeTaken), ValidTime: validTime, Office: office, Organization: organization, Term: term, ScheduledEnd: scheduledEnd), claimant);

    public Guid OfficeHeld(string office, string? organization, string validTime, string claimant = "Reporter") =>
        Request(new AppendClaimRequest(nameof(Claims.OfficeHeld), ValidTime: validTime, Office: office, Organization: organization), claimant);

    public Guid OfficeLeft(string office, string? organization, string validTime, string claimant = "Reporter", LeaveCause cause = LeaveCause.Resigned) =>
        Request(new AppendClaimRequest(nameof(Claims.OfficeLeft), ValidTime: validTime, Office: office, Organization: organization, Cause: cause.ToString()), claimant);

    public Guid Senator(string validTime = "2013-11") => OfficeTaken("Senator", Senate, validTime);

    private Guid Resignation(string type, string? validTime, string claimant) =>
        Request(new AppendClaimRequest(type, ValidTime: validTime, Office: "Senator", Organization: Senate), claimant);

    public Guid ResignationTendered(string? validTime = "2013-11", string claimant = "Reporter") => Resignation(nameof(Claims.ResignationTendered), validTime, claimant);

    public Guid ResignationConfirmed(string? validTime = "2013-11", string claimant = "Senate Secretariat") => Resignation(nameof(Claims.ResignationConfirmed), validTime, claimant);

    public Guid ResignationDenied(string? validTime = "2013-11", string claimant = "Nasir Jamal") => Resignation(nameof(Claims.ResignationDenied), validTime, claimant);

    public Guid ResignationAccepted(string? validTime = "2013-12", string claimant = "Chairman of the Senate") => Resignation(nameof(Claims.ResignationAccepted), validTime, claimant);

    public Guid PartyJoined(string party, string? validTime, string claimant = "Reporter") =>
        Request(new AppendClaimRequest(nameof(Claims.PartyJoined), ValidTime: validTime, Party: party), claimant);

    public Guid PartyLeft(string party, string? validTime, string claimant = "Reporter") =>
        Request(new AppendClaimRequest(nameof(Claims.PartyLeft), ValidTime: validTime, Party: party), claimant);

    public Guid PartyRoleTaken(string party, string role, string? validTime, string claimant = "Reporter") =>
        Request(new AppendClaimRequest(nameof(Claims.PartyRoleTaken), ValidTime: validTime, Party: party, Role: role), claimant);

    public Guid Statement(string predicate, string @object, Stance stance, string? validTime = null, string? value = null, string claimant = "Reporter") =>
        Request(new AppendClaimRequest(nameof(StatementMade), ValidTime: validTime, Predicate: predicate, Object: @object,
            Stance: stance.ToString(), Value: value, Statement: $"{predicate} {@object}"), claimant);

    public Guid Dispute(Guid claimId, string claimant = "Reporter", string? validTime = null) =>
        Request(new AppendClaimRequest(nameof(ClaimDisputed), ValidTime: validTime, TargetClaimId: claimId, Reason: "disputed"), claimant);

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

    /// <summary>A retraction published by <paramref name="source"/> (the reportedAt clock counts it from that source's dateline).</summary>
    public Guid Retract(Guid claimId, SourceRef source, string reason = "the source withdrew it")
    {
        var id = Guid.NewGuid();
        Append(new ClaimRetracted(id, claimId, PropositionOf(claimId), reason, new Attribution(source, new Claimant(source.Publisher), "correction", "test")));
        return id;
    }

    /// <summary>A ruling made at <paramref name="ruledAt"/> (the reportedAt clock counts it from then), recorded now.</summary>
    public Guid Rule(Guid claimId, Verdict verdict, DateTimeOffset ruledAt, string rationale = "checked")
    {
        var id = Guid.NewGuid();
        Append(new ClaimRuled(id, claimId, PropositionOf(claimId), verdict, rationale, "Fact Checker", null, ruledAt));
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
