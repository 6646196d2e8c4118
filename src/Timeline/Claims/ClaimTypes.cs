using System.Globalization;
using Timeline.Hosting;

namespace Timeline.Claims;

/// <summary>Predicates the catalogue's events make claims about; free-form statements bring their own.</summary>
public static class Predicates
{
    public const string HeldOffice = "held-office";
    public const string ResignedFrom = "resigned-from";
    public const string WithdrewResignation = "withdrew-resignation-from";
    public const string MemberOf = "member-of";
    public const string LeftParty = "left-party";
    public const string HeldPartyRole = "held-party-role";
    public const string LeftPartyRole = "left-party-role";

    /// <summary>A <c>StatementMade</c> that the person died (the Popolo import states a death date so).</summary>
    public const string Died = "died";

    public static string OfficeObject(string office, string? organization, int? term) =>
        string.Join(", ", new[] { office, organization, term is { } t ? string.Create(CultureInfo.InvariantCulture, $"term {t}") : null }.Where(p => p is not null));

    public static string RoleObject(string role, string party) => $"{role}, {party}";
}

/// <summary>The request fields a claim type reads.</summary>
[Flags]
public enum ClaimField
{
    None = 0,
    ValidTime = 1,
    Office = 2,
    Organization = 4,
    Term = 8,
    ScheduledEnd = 16,
    Cause = 32,
    Party = 64,
    Role = 128,
    Statement = 256,
    Predicate = 512,
    Object = 1024,
    Stance = 2048,
    Value = 4096,
    TargetClaimId = 8192,
    Reason = 16384,
}

/// <summary>What a claim's valid time says of the proposition it is about.</summary>
public enum Dating
{
    /// <summary>When the claimed thing happened (a resignation tendered in 2013-11).</summary>
    Event,

    /// <summary>Its start is the proposition's start value; an interval's end is its end value (an office 2005/2010).</summary>
    Start,

    /// <summary>It is the proposition's end value (an office left in 2010).</summary>
    End,

    /// <summary>The thing was observed to hold then ("Senator" in an article of 2013-11): no start, no end.</summary>
    Observed,
}

/// <summary>
/// One claim type: its event, what it is about, what it needs, and how the views read it. The single place a type
/// is declared; checking, building, indexing, folding and the OpenAPI schema all read this table.
/// </summary>
/// <param name="Predicate">Null when the request gives it (StatementMade) or the disputed claim does (ClaimDisputed).</param>
/// <param name="Object">The proposition's object, from the checked request.</param>
/// <param name="Authoritative">The act of the body itself (an accepted resignation): it settles its proposition.</param>
/// <param name="EndsOffice">Ends the office named by its organization (or office) with this cause.</param>
/// <param name="ComparesDates">Its start and end are the proposition's values: two sources giving different ones conflict.</param>
public sealed record ClaimKind(
    string Name,
    Func<ClaimEvent> Create,
    string? Predicate,
    Stance Stance,
    ClaimField Required,
    ClaimField Optional,
    Dating Dating,
    Func<AppendClaimRequest, string>? Object,
    string Description,
    bool Authoritative = false,
    EndCause? EndsOffice = null,
    bool ComparesDates = false)
{
    public ClaimField Reads => Required | Optional;

    /// <summary>The end a claim of this kind gives its proposition, compared across sources like a start.</summary>
    public PartialDate? EndOf(ValidTime? time) => !ComparesDates || time is null ? null : Dating switch
    {
        Dating.Start => time.To,
        Dating.End => time.From,
        _ => null,
    };
}

/// <summary>Why a tenure ended.</summary>
public enum EndCause { ResignationAccepted, Resigned, TermEnded, Dismissed, Died, Other, Unstated }

/// <summary>The claim types a client may append, what each needs, and how a request becomes its event.</summary>
public static class ClaimTypes
{
    public const string Retraction = nameof(ClaimRetracted);

    private const ClaimField OfficeFields = ClaimField.Organization | ClaimField.Term;

    private static string Office(AppendClaimRequest r) => Predicates.OfficeObject(r.Office!.Trim(), Trim(r.Organization), r.Term);

    private static string Body(AppendClaimRequest r) => Trim(r.Organization) ?? r.Office!.Trim();

    private static ClaimKind Resignation<T>(string description, Stance stance = Stance.Asserts, string predicate = Predicates.ResignedFrom,
        bool authoritative = false, EndCause? ends = null) where T : ClaimEvent, new() =>
        new(typeof(T).Name, () => new T(), predicate, stance, ClaimField.Office, ClaimField.Organization | ClaimField.ValidTime, Dating.Event, Body,
            description, authoritative, ends);

    public static readonly IReadOnlyList<ClaimKind> All =
    [
        new(nameof(OfficeTaken), () => new OfficeTaken(), Predicates.HeldOffice, Stance.Asserts,
            ClaimField.ValidTime | ClaimField.Office, OfficeFields | ClaimField.ScheduledEnd, Dating.Start, Office,
            "Took an office: validTime is the start, or start/end of the tenure. scheduledEnd is when the term was due to end, which is not an end of tenure.",
            ComparesDates: true),
        new(nameof(OfficeHeld), () => new OfficeHeld(), Predicates.HeldOffice, Stance.Asserts,
            ClaimField.ValidTime | ClaimField.Office, OfficeFields, Dating.Observed, Office,
            "Held an office when observed (an article calling someone \"Senator\"): validTime is the observation, never a start."),
        new(nameof(OfficeLeft), () => new OfficeLeft(), Predicates.HeldOffice, Stance.Asserts,
            ClaimField.ValidTime | ClaimField.Office | ClaimField.Cause, OfficeFields, Dating.End, Office,
            "Left an office: validTime is the end of the tenure, cause how it ended.", ComparesDates: true),
        Resignation<ResignationTendered>("Tendered a resignation from an office."),
        Resignation<ResignationConfirmed>("A second party confirms that the resignation was tendered."),
        Resignation<ResignationAccepted>("The body itself accepted the resignation: settles the proposition and ends the office.",
            authoritative: true, ends: EndCause.ResignationAccepted),
        Resignation<ResignationDenied>("Denies that the resignation was tendered.", Stance.Denies),
        Resignation<ResignationWithdrawn>("Withdrew a tendered resignation.", predicate: Predicates.WithdrewResignation),
        new(nameof(PartyJoined), () => new PartyJoined(), Predicates.MemberOf, Stance.Asserts,
            ClaimField.Party, ClaimField.ValidTime, Dating.Start, r => r.Party!.Trim(), "Joined a party; an interval gives the membership's end."),
        new(nameof(PartyLeft), () => new PartyLeft(), Predicates.LeftParty, Stance.Asserts,
            ClaimField.Party, ClaimField.ValidTime, Dating.Event, r => r.Party!.Trim(), "Left a party; undated, it ends the membership for now."),
        new(nameof(PartyRoleTaken), () => new PartyRoleTaken(), Predicates.HeldPartyRole, Stance.Asserts,
            ClaimField.Party | ClaimField.Role, ClaimField.ValidTime, Dating.Start, r => Predicates.RoleObject(r.Role!.Trim(), r.Party!.Trim()),
            "Took a role in a party."),
        new(nameof(PartyRoleLeft), () => new PartyRoleLeft(), Predicates.LeftPartyRole, Stance.Asserts,
            ClaimField.Party | ClaimField.Role, ClaimField.ValidTime, Dating.Event, r => Predicates.RoleObject(r.Role!.Trim(), r.Party!.Trim()),
            "Left a role in a party (\"former Deputy Convener\")."),
        new(nameof(StatementMade), () => new StatementMade(), null, Stance.Asserts,
            ClaimField.Statement | ClaimField.Predicate | ClaimField.Object, ClaimField.Stance | ClaimField.Value | ClaimField.ValidTime, Dating.Event,
            r => r.Object!.Trim(), "Any other proposition: predicate (a slug) and object, asserted or denied, with an optional value."),
        new(nameof(ClaimDisputed), () => new ClaimDisputed(), null, Stance.Denies,
            ClaimField.TargetClaimId, ClaimField.Reason | ClaimField.ValidTime, Dating.Event, null,
            "Contradicts an earlier claim about the same person: joins the opposite side of its proposition."),
    ];

    private static readonly Dictionary<string, ClaimKind> ByName = All.ToDictionary(k => k.Name, StringComparer.OrdinalIgnoreCase);

    /// <summary>Every name a client may send as type: the claim kinds and the retraction.</summary>
    public static readonly IReadOnlyList<string> Names = [.. All.Select(k => k.Name), Retraction];

    public const int MaxQuoteLength = 5_000;
    public const int MaxFieldLength = 500;

    public static ClaimKind? Find(string? type) => type is null ? null : ByName.GetValueOrDefault(type);

    /// <summary>The kind of a stored claim; every stored type is in the table.</summary>
    public static ClaimKind Of(string type) => ByName[type];

    /// <summary>Checks a request's shape; the source, quote and target are checked against the record later.</summary>
    public static Errors Check(AppendClaimRequest r, out ValidTime? validTime)
    {
        var errors = new Errors();
        validTime = null;
        var isRetraction = string.Equals(r.Type, Retraction, StringComparison.OrdinalIgnoreCase);
        var kind = Find(r.Type);
        if (kind is null && !isRetraction)
        {
            errors.Add("type", string.IsNullOrWhiteSpace(r.Type)
                ? $"type is required: one of {string.Join(", ", Names)}"
                : $"'{r.Type}' is not a claim type: use one of {string.Join(", ", Names)}");
            return errors;
        }

        var name = kind?.Name ?? Retraction;
        var required = kind?.Required ?? ClaimField.TargetClaimId | ClaimField.Reason;
        CheckAttribution(r, errors);
        foreach (var (field, value) in Texts(r))
        {
            if (value is { Length: > MaxFieldLength }) errors.Add(JsonName(field), $"{JsonName(field)} is longer than {MaxFieldLength} characters");
            if (required.HasFlag(field) && string.IsNullOrWhiteSpace(value)) errors.Add(JsonName(field), $"{JsonName(field)} is required for {name}");
        }

        if (r.ValidTime is not null)
        {
            if (!ValidTime.TryParse(r.ValidTime, out validTime, out var error)) errors.Add("validTime", error!);
            else if (kind?.Dating == Dating.End && validTime!.IsInterval) errors.Add("validTime", $"validTime for {name} is the day the office was left, not an interval");
        }
        else if (required.HasFlag(ClaimField.ValidTime))
        {
            errors.Add("validTime", $"validTime is required for {name}");
        }

        if (r.Term is <= 0) errors.Add("term", "term must be a positive number");
        if (r.ScheduledEnd is not null)
        {
            if (!PartialDate.TryParse(r.ScheduledEnd, out var scheduled, out var endError)) errors.Add("scheduledEnd", endError!);
            // A term due to end before it began would read "since 2013, until 1990" in every view.
            else if (validTime is not null && scheduled.End < validTime.From.Start)
            {
                errors.Add("scheduledEnd", $"scheduledEnd '{r.ScheduledEnd}' ends before validTime '{r.ValidTime}' starts: a term cannot be due to end before it began");
            }
        }

        if (required.HasFlag(ClaimField.Cause) && ParseCause(r.Cause) is null)
        {
            errors.Add("cause", $"cause is required for {name}: one of {string.Join(", ", Enum.GetNames<LeaveCause>().Select(JsonName))}");
        }

        if (r.Predicate is { Length: > 0 } && !Slugs.IsSlug(r.Predicate)) errors.Add("predicate", "predicate must be a slug, like had-differences-with");
        if (r.Stance is not null && ParseStance(r.Stance) is null) errors.Add("stance", "stance must be asserts or denies");
        if (required.HasFlag(ClaimField.TargetClaimId) && r.TargetClaimId is null) errors.Add("targetClaimId", $"targetClaimId is required for {name}");
        return errors;
    }

    private static void CheckAttribution(AppendClaimRequest r, Errors errors)
    {
        errors.Require("sourceId", r.SourceId);
        // A claim from a structured source cites a record pointer instead; which one the source needs is checked against it.
        if (string.IsNullOrWhiteSpace(r.Pointer)) errors.Require("quote", r.Quote);
        else if (!r.Pointer.StartsWith('/') || r.Pointer.Length > MaxFieldLength) errors.Add("pointer", "pointer must be a JSON Pointer into the source, like /memberships/12");
        errors.Require("recordedBy", r.RecordedBy);
        if (r.Claimant is null) errors.Add("claimant", "claimant is required: who said it (name, role, affiliation) or anonymous: true");
        else if (!r.Claimant.Anonymous && string.IsNullOrWhiteSpace(r.Claimant.Name)) errors.Add("claimant.name", "claimant.name is required unless the claimant is anonymous");
        if (r.Claimant?.PersonId is { } claimantId && !Slugs.IsSlug(claimantId)) errors.Add("claimant.personId", $"'{claimantId}' is not a person id");
        if (r.Quote is { Length: > MaxQuoteLength }) errors.Add("quote", $"quote is longer than {MaxQuoteLength} characters");
        if (r.ClaimId == Guid.Empty) errors.Add("claimId", "claimId must not be the empty GUID");
    }

    private static IEnumerable<(ClaimField Field, string? Value)> Texts(AppendClaimRequest r) =>
    [
        (ClaimField.Office, r.Office), (ClaimField.Organization, r.Organization), (ClaimField.Party, r.Party), (ClaimField.Role, r.Role),
        (ClaimField.Predicate, r.Predicate), (ClaimField.Object, r.Object), (ClaimField.Value, r.Value), (ClaimField.Statement, r.Statement),
        (ClaimField.Reason, r.Reason),
    ];

    public static bool NeedsTarget(string type) => string.Equals(type, Retraction, StringComparison.OrdinalIgnoreCase) || Find(type)?.Required.HasFlag(ClaimField.TargetClaimId) == true;

    /// <summary>Builds the event for a checked request. <paramref name="target"/> is the disputed or retracted claim.</summary>
    public static object Build(string personId, AppendClaimRequest r, Guid claimId, ValidTime? validTime, SourceRef source, ClaimRecord? target)
    {
        var c = r.Claimant!;
        var claimant = c.Anonymous && string.IsNullOrWhiteSpace(c.Name)
            ? new Claimant("anonymous source", Trim(c.Role), Trim(c.Affiliation), true, Trim(c.PersonId))
            : new Claimant(c.Name!.Trim(), Trim(c.Role), Trim(c.Affiliation), c.Anonymous, Trim(c.PersonId));
        var attribution = new Attribution(source, claimant, r.Quote!, r.RecordedBy!.Trim(), Trim(r.Pointer));
        if (Find(r.Type) is not { } kind) return new ClaimRetracted(claimId, target!.Id, target.Proposition, r.Reason!.Trim(), attribution);

        var details = target is not null
            ? new ClaimDetails(claimId, target.Proposition, Opposite(target.Stance), null, validTime ?? target.ValidTime, attribution)
            : new ClaimDetails(claimId, new Proposition(personId, kind.Predicate ?? r.Predicate!, kind.Object!(r)),
                kind.Reads.HasFlag(ClaimField.Stance) ? ParseStance(r.Stance) ?? kind.Stance : kind.Stance,
                ValueOf(kind, r, validTime), validTime, attribution);

        string? Read(ClaimField field, string? value) => kind.Reads.HasFlag(field) ? Trim(value) : null;
        var made = kind.Create() with
        {
            Claim = details,
            Office = Read(ClaimField.Office, r.Office),
            Organization = Read(ClaimField.Organization, r.Organization),
            Term = kind.Reads.HasFlag(ClaimField.Term) ? r.Term : null,
            ScheduledEnd = kind.Reads.HasFlag(ClaimField.ScheduledEnd) && r.ScheduledEnd is { } end ? PartialDate.Parse(end) : null,
            Cause = kind.Reads.HasFlag(ClaimField.Cause) ? ParseCause(r.Cause) : null,
            Party = Read(ClaimField.Party, r.Party),
            Role = Read(ClaimField.Role, r.Role),
            Statement = Read(ClaimField.Statement, r.Statement),
            DisputedClaimId = target?.Id,
            Reason = Read(ClaimField.Reason, r.Reason),
        };

        // A dispute is about what its target names: it carries the office, party and role, so a view that counts the
        // dispute without its target (read at an earlier date or publication) still knows what is disputed.
        return target is null ? made : made with
        {
            Office = target.Office, Organization = target.Organization, Term = target.Term, Party = target.Party, Role = target.Role,
            // "He was not dismissed on 2005-05-05" contests when the office ended, not that it was held.
            DisputedEnd = target.Kind.Dating == Dating.End ? target.End : null,
        };
    }

    /// <summary>The value a claim gives its proposition: a start date for the types dated by their start, else the request's value.</summary>
    private static string? ValueOf(ClaimKind kind, AppendClaimRequest r, ValidTime? validTime) => kind.Dating switch
    {
        Dating.Start when kind.ComparesDates => validTime!.From.ToString(),
        _ => kind.Reads.HasFlag(ClaimField.Value) ? Trim(r.Value) : null,
    };

    private static Stance Opposite(Stance stance) => stance == Stance.Asserts ? Stance.Denies : Stance.Asserts;

    private static string? Trim(string? text) => string.IsNullOrWhiteSpace(text) ? null : text.Trim();

    private static Stance? ParseStance(string? text) => text?.Trim().ToLowerInvariant() switch
    {
        "asserts" => Stance.Asserts,
        "denies" => Stance.Denies,
        _ => null,
    };

    private static LeaveCause? ParseCause(string? text) =>
        Enum.GetValues<LeaveCause>().Cast<LeaveCause?>().FirstOrDefault(c => string.Equals(JsonName(c.ToString()!), text?.Trim(), StringComparison.OrdinalIgnoreCase) || string.Equals(c.ToString(), text?.Trim(), StringComparison.OrdinalIgnoreCase));

    public static string JsonName(ClaimField field) => JsonName(field.ToString());

    private static string JsonName(string name) => char.ToLowerInvariant(name[0]) + name[1..];
}
