using System.Globalization;

namespace Timeline.Claims;

/// <summary>Predicates the catalogue's events make claims about; free-form statements bring their own.</summary>
public static class Predicates
{
    public const string HeldOffice = "held-office";
    public const string LeftOffice = "left-office";
    public const string ResignedFrom = "resigned-from";
    public const string WithdrewResignation = "withdrew-resignation-from";
    public const string MemberOf = "member-of";
    public const string LeftParty = "left-party";
    public const string HeldPartyRole = "held-party-role";
    public const string LeftPartyRole = "left-party-role";

    public static string OfficeObject(string office, string? organization, int? term) =>
        string.Join(", ", new[] { office, organization, term is { } t ? string.Create(CultureInfo.InvariantCulture, $"term {t}") : null }.Where(p => p is not null));

    public static string RoleObject(string role, string party) => $"{role}, {party}";
}

/// <summary>The claim types a client may append, what each needs, and how a request becomes its event.</summary>
public static class ClaimTypes
{
    public const string Retraction = nameof(ClaimRetracted);

    private static readonly string[] OfficeTypes = [nameof(OfficeTaken), nameof(OfficeLeft)];
    private static readonly string[] ResignationTypes =
        [nameof(ResignationTendered), nameof(ResignationConfirmed), nameof(ResignationAccepted), nameof(ResignationDenied), nameof(ResignationWithdrawn)];

    public static readonly IReadOnlyList<string> Names =
    [
        .. OfficeTypes, .. ResignationTypes, nameof(PartyJoined), nameof(PartyLeft), nameof(PartyRoleTaken),
        nameof(PartyRoleLeft), nameof(StatementMade), nameof(ClaimDisputed), Retraction,
    ];

    public const int MaxQuoteLength = 5_000;
    public const int MaxFieldLength = 500;

    /// <summary>Checks a request's shape; the source, quote and target are checked against the record later.</summary>
    public static Hosting.Errors Check(AppendClaimRequest r, out ValidTime? validTime)
    {
        var errors = new Hosting.Errors();
        validTime = null;
        var type = Names.FirstOrDefault(n => string.Equals(n, r.Type, StringComparison.OrdinalIgnoreCase));
        if (type is null)
        {
            errors.Add("type", string.IsNullOrWhiteSpace(r.Type)
                ? $"type is required: one of {string.Join(", ", Names)}"
                : $"'{r.Type}' is not a claim type: use one of {string.Join(", ", Names)}");
            return errors;
        }

        errors.Require("sourceId", r.SourceId);
        errors.Require("quote", r.Quote);
        errors.Require("recordedBy", r.RecordedBy);
        if (r.Claimant is null) errors.Add("claimant", "claimant is required: who said it (name, role, affiliation) or anonymous: true");
        else if (!r.Claimant.Anonymous && string.IsNullOrWhiteSpace(r.Claimant.Name)) errors.Add("claimant.name", "claimant.name is required unless the claimant is anonymous");
        if (r.Quote is { Length: > MaxQuoteLength }) errors.Add("quote", $"quote is longer than {MaxQuoteLength} characters");
        if (r.ClaimId == Guid.Empty) errors.Add("claimId", "claimId must not be the empty GUID");
        foreach (var (field, value) in new[] { ("office", r.Office), ("organization", r.Organization), ("party", r.Party), ("role", r.Role),
                     ("predicate", r.Predicate), ("object", r.Object), ("value", r.Value), ("statement", r.Statement), ("reason", r.Reason) })
        {
            if (value is { Length: > MaxFieldLength }) errors.Add(field, $"{field} is longer than {MaxFieldLength} characters");
        }

        if (r.ValidTime is not null)
        {
            if (!ValidTime.TryParse(r.ValidTime, out validTime, out var error)) errors.Add("validTime", error!);
        }
        else if (type is nameof(OfficeTaken) or nameof(OfficeLeft))
        {
            errors.Add("validTime", $"validTime is required for {type}");
        }

        if (OfficeTypes.Contains(type) || ResignationTypes.Contains(type)) errors.Require("office", r.Office);
        if (r.Term is <= 0) errors.Add("term", "term must be a positive number");
        if (type == nameof(OfficeLeft) && ParseCause(r.Cause) is null)
        {
            errors.Add("cause", $"cause is required for OfficeLeft: one of {string.Join(", ", Enum.GetNames<LeaveCause>().Select(JsonName))}");
        }

        if (type is nameof(PartyJoined) or nameof(PartyLeft) or nameof(PartyRoleTaken) or nameof(PartyRoleLeft)) errors.Require("party", r.Party);
        if (type is nameof(PartyRoleTaken) or nameof(PartyRoleLeft)) errors.Require("role", r.Role);
        if (type == nameof(StatementMade))
        {
            errors.Require("statement", r.Statement);
            errors.Require("predicate", r.Predicate);
            errors.Require("object", r.Object);
            if (r.Predicate is { Length: > 0 } && !Slugs.IsSlug(r.Predicate)) errors.Add("predicate", "predicate must be a slug, like had-differences-with");
            if (r.Stance is not null && ParseStance(r.Stance) is null) errors.Add("stance", "stance must be asserts or denies");
        }

        if (type is nameof(ClaimDisputed) or Retraction && r.TargetClaimId is null) errors.Add("targetClaimId", $"targetClaimId is required for {type}");
        if (type == Retraction) errors.Require("reason", r.Reason);
        return errors;
    }

    public static string Canonical(string type) => Names.First(n => string.Equals(n, type, StringComparison.OrdinalIgnoreCase));

    /// <summary>Builds the event for a checked request. <paramref name="target"/> is the disputed or retracted claim.</summary>
    public static object Build(string personId, AppendClaimRequest r, Guid claimId, ValidTime? validTime, SourceRef source, ClaimRecord? target)
    {
        var claimant = r.Claimant!.Anonymous && string.IsNullOrWhiteSpace(r.Claimant.Name)
            ? new Claimant("anonymous source", Trim(r.Claimant.Role), Trim(r.Claimant.Affiliation), true)
            : new Claimant(r.Claimant.Name!.Trim(), Trim(r.Claimant.Role), Trim(r.Claimant.Affiliation), r.Claimant.Anonymous);
        var attribution = new Attribution(source, claimant, r.Quote!, r.RecordedBy!.Trim());
        var office = Trim(r.Office) ?? "";
        var organization = Trim(r.Organization);
        var body = organization ?? office;

        ClaimDetails Details(string predicate, string @object, Stance stance = Stance.Asserts, string? value = null) =>
            new(claimId, new Proposition(personId, predicate, @object), stance, value, validTime, attribution);

        return Canonical(r.Type!) switch
        {
            nameof(OfficeTaken) => new OfficeTaken(Details(Predicates.HeldOffice, Predicates.OfficeObject(office, organization, r.Term), value: validTime!.From.ToString()), office, organization, r.Term),
            nameof(OfficeLeft) => new OfficeLeft(Details(Predicates.LeftOffice, Predicates.OfficeObject(office, organization, r.Term), value: validTime!.From.ToString()), office, organization, r.Term, ParseCause(r.Cause)!.Value),
            nameof(ResignationTendered) => new ResignationTendered(Details(Predicates.ResignedFrom, body), office, organization),
            nameof(ResignationConfirmed) => new ResignationConfirmed(Details(Predicates.ResignedFrom, body), office, organization),
            nameof(ResignationAccepted) => new ResignationAccepted(Details(Predicates.ResignedFrom, body), office, organization),
            nameof(ResignationDenied) => new ResignationDenied(Details(Predicates.ResignedFrom, body, Stance.Denies), office, organization),
            nameof(ResignationWithdrawn) => new ResignationWithdrawn(Details(Predicates.WithdrewResignation, body), office, organization),
            nameof(PartyJoined) => new PartyJoined(Details(Predicates.MemberOf, r.Party!.Trim()), r.Party.Trim()),
            nameof(PartyLeft) => new PartyLeft(Details(Predicates.LeftParty, r.Party!.Trim()), r.Party.Trim()),
            nameof(PartyRoleTaken) => new PartyRoleTaken(Details(Predicates.HeldPartyRole, Predicates.RoleObject(r.Role!.Trim(), r.Party!.Trim())), r.Party.Trim(), r.Role.Trim()),
            nameof(PartyRoleLeft) => new PartyRoleLeft(Details(Predicates.LeftPartyRole, Predicates.RoleObject(r.Role!.Trim(), r.Party!.Trim())), r.Party.Trim(), r.Role.Trim()),
            nameof(StatementMade) => new StatementMade(Details(r.Predicate!, r.Object!.Trim(), ParseStance(r.Stance) ?? Stance.Asserts, Trim(r.Value)), r.Statement!.Trim()),
            nameof(ClaimDisputed) => new ClaimDisputed(
                new ClaimDetails(claimId, target!.Proposition, target.Stance == Stance.Asserts ? Stance.Denies : Stance.Asserts, null, validTime ?? target.ValidTime, attribution),
                target.Id, Trim(r.Reason)),
            Retraction => new ClaimRetracted(claimId, target!.Id, target.Proposition, r.Reason!.Trim(), attribution),
            var other => throw new ArgumentOutOfRangeException(nameof(r), other, "unknown claim type"),
        };
    }

    public static bool NeedsTarget(string type) => Canonical(type) is nameof(ClaimDisputed) or Retraction;

    private static string? Trim(string? text) => string.IsNullOrWhiteSpace(text) ? null : text.Trim();

    private static Stance? ParseStance(string? text) => text?.Trim().ToLowerInvariant() switch
    {
        "asserts" => Stance.Asserts,
        "denies" => Stance.Denies,
        _ => null,
    };

    private static LeaveCause? ParseCause(string? text) =>
        Enum.GetValues<LeaveCause>().Cast<LeaveCause?>().FirstOrDefault(c => string.Equals(JsonName(c.ToString()!), text?.Trim(), StringComparison.OrdinalIgnoreCase) || string.Equals(c.ToString(), text?.Trim(), StringComparison.OrdinalIgnoreCase));

    private static string JsonName(string name) => char.ToLowerInvariant(name[0]) + name[1..];
}
