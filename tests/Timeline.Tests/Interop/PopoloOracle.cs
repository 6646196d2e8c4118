using System.Globalization;
using System.Text.Json.Nodes;
using Timeline.Tests.Infrastructure;

namespace Timeline.Tests.Interop;

/// <summary>A membership as a reader of the file understands it: names, not ids, and the dates it takes.</summary>
public sealed record Seat(string Person, string Organization, string? Party, int? Term, string Start, string? End)
{
    public override string ToString() => $"{Person} in {Organization} for {Party} term {Term} {Start}/{End}";
}

/// <summary>
/// What a Popolo file states, read here with plain JSON nodes from the import's rules, never by the code under test:
/// a membership without dates takes its term's; a death date ends an open one.
/// </summary>
public static class PopoloOracle
{
    public const string NauruFileName = "everypolitician-nauru-parliament-popolo.json";

    /// <summary>The real EveryPolitician file, read from shared/ beside the repository (never copied into it).</summary>
    public static string NauruPath { get; } =
        Path.Combine(Directory.GetParent(TestDirectories.RepositoryRoot)!.FullName, "shared", "data", NauruFileName);

    public static JsonObject Nauru() => (JsonObject)JsonNode.Parse(File.ReadAllText(NauruPath))!;

    public static JsonArray Array(JsonObject file, string name) => (JsonArray)file[name]!;

    public static string? Text(JsonNode? node, string field) => node?[field]?.GetValue<string>();

    public static int Parties(JsonObject file) => Array(file, "organizations").Count(o => Text(o, "classification") == "party" && !Unknown(o));

    /// <summary>EveryPolitician's "party not known" (party/unknown), which states no party.</summary>
    public static bool Unknown(JsonNode? organization) => Text(organization, "id") == "party/unknown"
        || (Text(organization, "classification") is null or "party" && string.Equals(Text(organization, "name"), "Unknown", StringComparison.OrdinalIgnoreCase));

    public static List<Seat> Seats(JsonObject file)
    {
        var persons = Array(file, "persons").ToDictionary(p => Text(p, "id")!);
        var organizations = Array(file, "organizations").ToDictionary(o => Text(o, "id")!);
        var events = Array(file, "events").ToDictionary(e => Text(e, "id")!);
        return [.. Array(file, "memberships").Select(m =>
        {
            var person = persons[Text(m, "person_id")!];
            var term = Text(m, "legislative_period_id") is { } t ? events[t] : null;
            var start = Text(m, "start_date") ?? Text(term, "start_date")!;
            var end = Text(m, "end_date") ?? Text(term, "end_date");
            if (end is null && Text(person, "death_date") is { } death && string.CompareOrdinal(start, death) <= 0) end = death;
            var party = Text(m, "on_behalf_of_id") is { } p && !Unknown(organizations[p]) ? Text(organizations[p], "name") : null;
            return new Seat(Text(person, "name")!, Text(organizations[Text(m, "organization_id")!], "name")!, party, TermNumber(Text(m, "legislative_period_id")), start, end);
        }).OrderBy(s => s.ToString(), StringComparer.Ordinal)];
    }

    /// <summary>The claims the import makes of a file: a seat, the party sat for, and each birth, death and Wikidata id.</summary>
    public static int Claims(JsonObject file) =>
        Array(file, "memberships").Sum(m => Text(m, "on_behalf_of_id") is { } p && !Unknown(Array(file, "organizations").First(o => Text(o, "id") == p)) ? 2 : 1)
        + Array(file, "persons").Sum(p => (Text(p, "birth_date") is null ? 0 : 1) + (Text(p, "death_date") is null ? 0 : 1)
            + ((p!["identifiers"] as JsonArray)?.Count(i => Text(i, "scheme") == "wikidata") ?? 0));

    /// <summary>The seats an exported document states, in the same terms.</summary>
    public static List<Seat> ExportedSeats(JsonObject export)
    {
        var persons = Array(export, "persons").ToDictionary(p => Text(p, "id")!);
        var organizations = Array(export, "organizations").ToDictionary(o => Text(o, "id")!);
        return [.. Array(export, "memberships").Select(m => new Seat(
                Text(persons[Text(m, "person_id")!], "name")!,
                Text(organizations[Text(m, "organization_id")!], "name")!,
                Text(m, "on_behalf_of_id") is { } p ? Text(organizations[p], "name") : null,
                TermNumber(Text(m, "legislative_period_id")),
                Text(m, "start_date")!,
                Text(m, "end_date")))
            .OrderBy(s => s.ToString(), StringComparer.Ordinal)];
    }

    private static int? TermNumber(string? id) => id is null ? null : int.Parse(id[(id.LastIndexOf('/') + 1)..], CultureInfo.InvariantCulture);
}
