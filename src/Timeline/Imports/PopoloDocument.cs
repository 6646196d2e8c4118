using System.Text.Json;
using System.Text.Json.Serialization;

namespace Timeline.Imports;

// The Popolo records the import reads and the export writes (http://www.popoloproject.com/specs/), snake_case as the spec spells them.
public sealed record PopoloIdentifier(string? Scheme, string? Identifier);

public sealed record PopoloOtherName(string? Name);

public sealed record PopoloPerson(
    string? Id, string? Name, IReadOnlyList<PopoloOtherName>? OtherNames = null, IReadOnlyList<PopoloIdentifier>? Identifiers = null,
    string? BirthDate = null, string? DeathDate = null);

public sealed record PopoloOrganization(string? Id, string? Name, string? Classification = null, IReadOnlyList<PopoloIdentifier>? Identifiers = null);

public sealed record PopoloPost(string? Id, string? Label = null, string? OrganizationId = null);

public sealed record PopoloArea(string? Id, string? Name = null, string? Type = null);

public sealed record PopoloEvent(string? Id, string? Name = null, string? Classification = null, string? StartDate = null, string? EndDate = null);

public sealed record PopoloMembership(
    string? PersonId, string? OrganizationId, string? OnBehalfOfId = null, string? PostId = null, string? AreaId = null,
    string? LegislativePeriodId = null, string? Role = null, string? StartDate = null, string? EndDate = null);

/// <summary>A Popolo document as the export writes it.</summary>
public sealed record PopoloDocument(
    IReadOnlyList<PopoloPerson> Persons,
    IReadOnlyList<PopoloOrganization> Organizations,
    IReadOnlyList<PopoloMembership> Memberships,
    IReadOnlyList<PopoloEvent> Events);

public static class PopoloJson
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };
}
