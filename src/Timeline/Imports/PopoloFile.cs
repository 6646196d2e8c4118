using System.Buffers;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Timeline.Claims;
using Timeline.Sources;

namespace Timeline.Imports;

/// <summary>A record of the file that breaks the spec, by its JSON Pointer; it is skipped and the rest imports.</summary>
public sealed record RejectedRecord(string Pointer, string Reason);

/// <summary>A claim the file states: whom it is about and the request the append path checks like any other.</summary>
public sealed record StatedClaim(string PersonId, AppendClaimRequest Request);

public sealed record AcceptedPerson(int Index, PopoloPerson Record, string Slug, PartialDate? Birth, PartialDate? Death);

/// <summary>A membership that passed the checks, with the dates it takes (its own, else its term's; a death ends it).</summary>
public sealed record AcceptedMembership(
    int Index, PopoloMembership Record, AcceptedPerson Person, PopoloOrganization Organization, PopoloOrganization? OnBehalfOf, PopoloPost? Post,
    int? Term, string ValidTime);

/// <summary>
/// A Popolo file read record by record: what it states about whom, with person ids derived from the file and the ids
/// earlier versions of its series gave (the name's slug; names shared by several persons get a suffix from the Popolo id;
/// a person an earlier version named keeps that id), so one Popolo person across terms and versions is one person and a
/// re-import finds the same people.
/// </summary>
public sealed class PopoloFile
{
    public const string WikidataScheme = "wikidata";
    public const string BornPredicate = "born";
    public const string DiedPredicate = "died";
    public const string IdentifierPredicate = "has-identifier";

    private readonly List<RejectedRecord> _rejected = [];
    private bool _membershipsRead;
    private readonly Lazy<Dictionary<int, AcceptedPerson>> _personsByIndex;

    private PopoloFile() => _personsByIndex = new(() => Persons.Values.ToDictionary(p => p.Index));

    public Dictionary<string, AcceptedPerson> Persons { get; } = new(StringComparer.Ordinal);
    public Dictionary<string, PopoloOrganization> Organizations { get; } = new(StringComparer.Ordinal);
    public Dictionary<string, PopoloPost> Posts { get; } = new(StringComparer.Ordinal);
    public Dictionary<string, PopoloEvent> Events { get; } = new(StringComparer.Ordinal);
    public Dictionary<string, PopoloArea> Areas { get; } = new(StringComparer.Ordinal);
    // By index, null where rejected; written once, as the memberships are read, each before any claim drawn from it is made.
    private AcceptedMembership?[] _memberships = [];
    public Dictionary<string, int> Counts { get; } = [];
    public IReadOnlyList<RejectedRecord> Rejected => _rejected;

    public static string? WhyRefused(JsonElement root) =>
        root.ValueKind != JsonValueKind.Object ? "a Popolo document is a JSON object"
        : !root.TryGetProperty("persons", out var persons) || persons.ValueKind != JsonValueKind.Array ? "a Popolo document has a persons array"
        : null;

    /// <param name="personIds">
    /// The person ids an earlier version of the series gave (Popolo id → person id): those persons keep them, and a new
    /// person never takes one. Null for the first version.
    /// </param>
    public static PopoloFile Read(JsonElement root, IReadOnlyDictionary<string, string>? personIds = null) =>
        ReadPeople(root, personIds).ReadMemberships(root);

    /// <summary>
    /// The file but its memberships: who its people are (and their ids) is known before the memberships, most of a file, are
    /// read (<see cref="ReadMemberships"/>).
    /// </summary>
    public static PopoloFile ReadPeople(JsonElement root, IReadOnlyDictionary<string, string>? personIds = null)
    {
        var file = new PopoloFile();
        if (WhyRefused(root) is not null) return file;

        foreach (var (i, org) in file.ReadArray<PopoloOrganization>(root, "organizations"))
        {
            if (file.Require($"/organizations/{i}", org.Id, "id") && file.Require($"/organizations/{i}", org.Name, "name"))
            {
                file.Unique($"/organizations/{i}", file.Organizations.TryAdd(org.Id!, org with { Name = org.Name!.Trim() }), org.Id!);
            }
        }

        foreach (var (i, post) in file.ReadArray<PopoloPost>(root, "posts"))
        {
            if (file.Require($"/posts/{i}", post.Id, "id")) file.Unique($"/posts/{i}", file.Posts.TryAdd(post.Id!, post), post.Id!);
        }

        foreach (var (i, area) in file.ReadArray<PopoloArea>(root, "areas"))
        {
            if (file.Require($"/areas/{i}", area.Id, "id")) file.Unique($"/areas/{i}", file.Areas.TryAdd(area.Id!, area), area.Id!);
        }

        foreach (var (i, e) in file.ReadArray<PopoloEvent>(root, "events"))
        {
            var at = $"/events/{i}";
            if (file.Require(at, e.Id, "id") && file.Date(at, e.StartDate, "start_date", out _) && file.Date(at, e.EndDate, "end_date", out _))
            {
                file.Unique(at, file.Events.TryAdd(e.Id!, e), e.Id!);
            }
        }

        file.ReadPersons(root, personIds ?? new Dictionary<string, string>());
        return file;
    }

    private void ReadPersons(JsonElement root, IReadOnlyDictionary<string, string> known)
    {
        var persons = new List<(int Index, PopoloPerson Record, PartialDate? Birth, PartialDate? Death)>();
        var ids = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (i, p) in ReadArray<PopoloPerson>(root, "persons"))
        {
            var at = $"/persons/{i}";
            if (!Require(at, p.Id, "id") || !Require(at, p.Name, "name") || !Date(at, p.BirthDate, "birth_date", out var birth)
                || !Date(at, p.DeathDate, "death_date", out var death) || !Unique(at, ids.Add(p.Id!), p.Id!)) continue;
            if (birth is { } b && death is { } d && d < b)
            {
                Reject(at, "death_date is before birth_date");
                continue;
            }

            persons.Add((i, p, birth, death));
        }

        // A person an earlier version named keeps its id. A new one takes its name's slug unless another new person of
        // the file shares it or an earlier version gave it to someone: then both are told apart by their Popolo ids.
        var taken = known.Values.ToHashSet(StringComparer.Ordinal);
        var shared = persons.Where(p => !known.ContainsKey(p.Record.Id!)).Select(p => BaseSlug(p.Record.Name!))
            .GroupBy(s => s).Where(g => g.Count() > 1).Select(g => g.Key).ToHashSet(StringComparer.Ordinal);
        foreach (var (i, p, birth, death) in persons)
        {
            if (!known.TryGetValue(p.Id!, out var slug))
            {
                slug = BaseSlug(p.Name!);
                if (shared.Contains(slug) || taken.Contains(slug)) slug = $"{Cut(slug, Slugs.MaxLength - 7)}-{Hash(p.Id!)[..6]}";
            }

            Persons[p.Id!] = new AcceptedPerson(i, p, slug, birth, death);
        }
    }

    /// <summary>The person each accepted person of the file is (Popolo id → person id).</summary>
    public Dictionary<string, string> PersonIds() => Persons.ToDictionary(p => p.Key, p => p.Value.Slug, StringComparer.Ordinal);

    /// <summary>Reads the memberships of a file whose people <see cref="ReadPeople"/> read; returns the file.</summary>
    public PopoloFile ReadMemberships(JsonElement root)
    {
        foreach (var _ in ReadMemberships(root, int.MaxValue))
        {
        }

        return this;
    }

    /// <summary>
    /// Reads the memberships <paramref name="chunk"/> at a time, and yields the range of each part once read, so the claims
    /// drawn from the first are made (and appended) while the rest are read. Yields at least one range, maybe empty.
    /// </summary>
    public IEnumerable<(int From, int To)> ReadMemberships(JsonElement root, int chunk)
    {
        if (_membershipsRead || WhyRefused(root) is not null)
        {
            yield return (0, 0);
            yield break;
        }

        _membershipsRead = true;
        var any = false;
        foreach (var (from, to, records) in ReadArray<PopoloMembership>(root, "memberships", chunk))
        {
            if (!any) _memberships = new AcceptedMembership?[Counts["memberships"]];
            any = true;
            ReadMemberships(records);
            yield return (from, to);
        }

        if (!any) yield return (0, 0);
    }

    private void ReadMemberships(IEnumerable<(int Index, PopoloMembership Record)> records)
    {
        foreach (var (i, m) in records)
        {
            var at = $"/memberships/{i}";
            if (!Require(at, m.PersonId, "person_id")) continue;
            if (!Persons.TryGetValue(m.PersonId!, out var person))
            {
                Reject(at, $"person_id '{m.PersonId}' is not an accepted person of the file");
                continue;
            }

            PopoloPost? post = null;
            if (m.PostId is { } postId && !Posts.TryGetValue(postId, out post))
            {
                Reject(at, $"post_id '{postId}' is not a post of the file");
                continue;
            }

            var organizationId = m.OrganizationId ?? post?.OrganizationId;
            if (organizationId is null || !Organizations.TryGetValue(organizationId, out var organization))
            {
                Reject(at, organizationId is null ? "organization_id is required" : $"organization_id '{organizationId}' is not an organization of the file");
                continue;
            }

            PopoloOrganization? onBehalfOf = null;
            if (m.OnBehalfOfId is { } partyId && !Organizations.TryGetValue(partyId, out onBehalfOf))
            {
                Reject(at, $"on_behalf_of_id '{partyId}' is not an organization of the file");
                continue;
            }

            PopoloEvent? term = null;
            if (m.LegislativePeriodId is { } periodId && !Events.TryGetValue(periodId, out term))
            {
                Reject(at, $"legislative_period_id '{periodId}' is not an event of the file");
                continue;
            }

            if (m.AreaId is { } areaId && !Areas.ContainsKey(areaId))
            {
                Reject(at, $"area_id '{areaId}' is not an area of the file");
                continue;
            }

            if (!Date(at, m.StartDate, "start_date", out var ownStart) || !Date(at, m.EndDate, "end_date", out var ownEnd)) continue;
            // Blank dates take the term's; a death ends what is still open.
            var start = ownStart ?? (term?.StartDate is { } ts ? PartialDate.Parse(ts) : null);
            var end = ownEnd ?? (term?.EndDate is { } te ? PartialDate.Parse(te) : null);
            if (end is null && person.Death is { } death && (start is null || start <= death)) end = death;
            if (start is null)
            {
                Reject(at, "the membership has no start_date and no legislative period with one");
                continue;
            }

            if (end is { } e && e.End < start.Value.Start)
            {
                Reject(at, "end_date is before start_date");
                continue;
            }

            _memberships[i] = new AcceptedMembership(i, m, person, organization, onBehalfOf, post, TermNumber(term), $"{start}/{end?.ToString() ?? ""}");
        }
    }

    /// <summary>The claims the file states, in file order, each with an id derived from the series and the claim's content.</summary>
    public IReadOnlyList<StatedClaim> Claims(string sourceId, string series, string claimant) =>
        Claims(sourceId, series, claimant, persons: true, (0, _memberships.Length));

    /// <summary>
    /// The claims of the file's persons (when <paramref name="persons"/>), then of the memberships in the range (read by
    /// <see cref="ReadMemberships(JsonElement, int)"/>), in file order.
    /// </summary>
    public IReadOnlyList<StatedClaim> Claims(string sourceId, string series, string claimant, bool persons, (int From, int To) memberships)
    {
        // The ids are hashes of each claim's JSON, most of the work, and independent of each other: spread over the cores.
        var requests = Requests(sourceId, claimant, persons, memberships).ToList();
        var claims = new StatedClaim[requests.Count];
        Parallel.For(0, requests.Count, i => claims[i] = Stated(series, requests[i].PersonId, requests[i].Request));
        return claims;
    }

    private IEnumerable<(string PersonId, AppendClaimRequest Request)> Requests(string sourceId, string claimant, bool persons, (int From, int To) memberships)
    {
        var by = new ClaimantInput(claimant);
        foreach (var person in persons ? Persons.Values.OrderBy(p => p.Index) : Enumerable.Empty<AcceptedPerson>())
        {
            var at = $"/persons/{person.Index}";
            if (person.Birth is { } birth)
            {
                yield return (person.Slug, new AppendClaimRequest("StatementMade", ValidTime: birth.ToString(), SourceId: sourceId, Claimant: by,
                    Predicate: BornPredicate, Object: "birth", Value: birth.ToString(), Statement: $"Born {birth}", Pointer: at));
            }

            if (person.Death is { } death)
            {
                yield return (person.Slug, new AppendClaimRequest("StatementMade", ValidTime: death.ToString(), SourceId: sourceId, Claimant: by,
                    Predicate: DiedPredicate, Object: "death", Value: death.ToString(), Statement: $"Died {death}", Pointer: at));
            }

            foreach (var q in WikidataIds(person.Record))
            {
                yield return (person.Slug, new AppendClaimRequest("StatementMade", SourceId: sourceId, Claimant: by,
                    Predicate: IdentifierPredicate, Object: $"{WikidataScheme}:{q}", Statement: $"Wikidata {q}", Pointer: at));
            }
        }

        for (var i = memberships.From; i < memberships.To; i++)
        {
            if (_memberships[i] is not { } m) continue;
            var at = $"/memberships/{m.Index}";
            if (IsParty(m.Organization))
            {
                if (IsUnknownParty(m.Organization)) continue;
                yield return (m.Person.Slug, new AppendClaimRequest("PartyJoined", ValidTime: m.ValidTime, SourceId: sourceId, Claimant: by,
                    Party: m.Organization.Name, Pointer: at));
                continue;
            }

            yield return (m.Person.Slug, new AppendClaimRequest("OfficeTaken", ValidTime: m.ValidTime, SourceId: sourceId, Claimant: by,
                Office: OfficeOf(m), Organization: m.Organization.Name, Term: m.Term, Pointer: at));
            if (m.OnBehalfOf is { } party && !IsUnknownParty(party))
            {
                yield return (m.Person.Slug, new AppendClaimRequest("PartyJoined", ValidTime: m.ValidTime, SourceId: sourceId, Claimant: by,
                    Party: party.Name, Pointer: at));
            }
        }
    }

    /// <summary>Why the record at <paramref name="pointer"/> does not support the claim; null when it does.</summary>
    public string? WhyNotSupported(string pointer, string personId, AppendClaimRequest r)
    {
        if (RecordOf(pointer) is not var (persons, index)) return $"{pointer} is not a person or membership record";
        if (persons)
        {
            if (!_personsByIndex.Value.TryGetValue(index, out var person)) return $"the person at {pointer} was rejected as breaking the Popolo spec";
            if (person.Slug != personId) return $"the person at {pointer} is '{person.Slug}', not '{personId}'";
            return r.Predicate switch
            {
                BornPredicate when r.Value == person.Birth?.ToString() => null,
                DiedPredicate when r.Value == person.Death?.ToString() => null,
                IdentifierPredicate when WikidataIds(person.Record).Any(q => r.Object == $"{WikidataScheme}:{q}") => null,
                _ => $"the person at {pointer} does not state {r.Predicate} {r.Object} {r.Value}".TrimEnd(),
            };
        }

        if (index >= _memberships.Length || _memberships[index] is not { } m) return $"the membership at {pointer} was rejected as breaking the Popolo spec";
        if (m.Person.Slug != personId) return $"the membership at {pointer} is of '{m.Person.Slug}', not '{personId}'";
        return r.Type switch
        {
            "OfficeTaken" when !IsParty(m.Organization) && Same(r.Organization, m.Organization.Name) && Same(r.Office, OfficeOf(m)) => null,
            "PartyJoined" when (IsParty(m.Organization) ? m.Organization : m.OnBehalfOf) is { } party && !IsUnknownParty(party) && Same(r.Party, party.Name) => null,
            "OfficeTaken" or "PartyJoined" => $"the membership at {pointer} is in {m.Organization.Name}{(m.OnBehalfOf is { } p ? $" for {p.Name}" : "")}, which does not say this",
            _ => $"a membership supports OfficeTaken or PartyJoined, not {r.Type}",
        };
    }

    public static bool IsParty(PopoloOrganization organization) => string.Equals(organization.Classification, "party", StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// EveryPolitician's mark for a party not known (<c>party/unknown</c>, "Unknown"): it says nothing of a party, so no
    /// party is claimed; taken as one, every such member read "Member of Unknown".
    /// </summary>
    /// An organization a seat is held on behalf of is a party whatever its classification says, so its id or name is enough.
    public static bool IsUnknownParty(PopoloOrganization organization) =>
        string.Equals(organization.Id, "party/unknown", StringComparison.OrdinalIgnoreCase)
        || ((IsParty(organization) || organization.Classification is null) && string.Equals(organization.Name?.Trim(), "Unknown", StringComparison.OrdinalIgnoreCase));

    public static string OfficeOf(AcceptedMembership m) => m.Post?.Label?.Trim() is { Length: > 0 } label ? label : Capitalised(m.Record.Role ?? "member");

    private static IEnumerable<string> WikidataIds(PopoloPerson p) =>
        (p.Identifiers ?? []).Where(i => string.Equals(i?.Scheme, WikidataScheme, StringComparison.OrdinalIgnoreCase) && i?.Identifier is { Length: > 0 })
            .Select(i => i!.Identifier!.Trim()).Distinct();

    // Per thread, for Stated: the bytes of one claim's hash input, rewritten for each claim.
    [ThreadStatic] private static ArrayBufferWriter<byte>? t_hashInput;
    [ThreadStatic] private static Utf8JsonWriter? t_hashWriter;

    private static StatedClaim Stated(string series, string personId, AppendClaimRequest request)
    {
        // The same statement in any version of the series gets the same id: a re-import finds it on record.
        // SHA-256 of "{series}\n{personId}\n{the request's JSON}" in UTF-8 (the JSON as SerializeToUtf8Bytes writes it).
        var input = t_hashInput ??= new ArrayBufferWriter<byte>(1024);
        input.ResetWrittenCount();
        var prefix = $"{series}\n{personId}\n";
        input.Advance(Encoding.UTF8.GetBytes(prefix, input.GetSpan(Encoding.UTF8.GetMaxByteCount(prefix.Length))));
        var writer = t_hashWriter ??= new Utf8JsonWriter(input, new JsonWriterOptions { Encoder = PopoloJson.Options.Encoder });
        writer.Reset(input);
        JsonSerializer.Serialize(writer, request with { SourceId = null, Pointer = null }, PopoloJson.Options);
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(input.WrittenSpan, hash);
        return new StatedClaim(personId, request with { ClaimId = new Guid(hash[..16]) });
    }

    /// <summary>The term number a legislative period's id gives (its trailing number: <c>term/21</c> is 21).</summary>
    public static int? TermNumber(PopoloEvent? term)
    {
        if (term?.Id is not { } id) return null;
        var digits = id.AsSpan(id.AsSpan().LastIndexOfAnyExceptInRange('0', '9') + 1);
        return int.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n > 0 ? n : null;
    }

    // A claim made from the file names its record's words exactly: only others are normalised.
    private static bool Same(string? a, string? b) => a is not null && b is not null && (a == b || Slugs.Normalize(a) == Slugs.Normalize(b));

    private static string Capitalised(string text) => text.Length == 0 ? text : char.ToUpperInvariant(text[0]) + text[1..];

    private static string BaseSlug(string name)
    {
        var slug = Cut(Slugs.Normalize(name), Slugs.MaxLength);
        return slug.Length == 0 ? "person" : slug;
    }

    private static string Cut(string slug, int length) => slug.Length <= length ? slug : slug[..length].TrimEnd('-');

    private static string Hash(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));

    private IEnumerable<(int Index, T Record)> ReadArray<T>(JsonElement root, string name) where T : class =>
        ReadArray<T>(root, name, int.MaxValue).SelectMany(part => part.Records);

    /// <summary>The array's records, <paramref name="chunk"/> at a time; each part's are taken before the next is read.</summary>
    private IEnumerable<(int From, int To, IEnumerable<(int Index, T Record)> Records)> ReadArray<T>(JsonElement root, string name, int chunk) where T : class
    {
        Counts[name] = 0;
        if (!root.TryGetProperty(name, out var array)) yield break;
        if (array.ValueKind != JsonValueKind.Array)
        {
            Reject($"/{name}", $"{name} must be an array");
            yield break;
        }

        // The records are read on all cores (a parsed document is safe to read from several threads), then taken in order.
        var elements = array.EnumerateArray().ToArray();
        Counts[name] = elements.Length;
        for (var from = 0; from < elements.Length; from += chunk)
        {
            var to = (int)Math.Min(elements.Length, (long)from + chunk);
            var read = new (T? Record, string? Error)[to - from];
            Parallel.For(0, read.Length, new ParallelOptions { MaxDegreeOfParallelism = read.Length < 1_000 ? 1 : -1 }, i => read[i] = Deserialize<T>(elements[from + i]));
            yield return (from, to, Records(read, from, name));
        }
    }

    private IEnumerable<(int Index, T Record)> Records<T>((T? Record, string? Error)[] read, int from, string name) where T : class
    {
        for (var i = 0; i < read.Length; i++)
        {
            if (read[i].Error is { } error) Reject($"/{name}/{from + i}", error);
            else yield return (from + i, read[i].Record!);
        }
    }

    private static (T? Record, string? Error) Deserialize<T>(JsonElement element) where T : class
    {
        try
        {
            return element.ValueKind == JsonValueKind.Object && element.Deserialize<T>(PopoloJson.Options) is { } record
                ? (record, null)
                : (null, "a record must be a JSON object");
        }
        catch (JsonException ex)
        {
            return (null, $"a field has the wrong type ({ex.Path})");
        }
    }

    private bool Require(string at, string? value, string field)
    {
        if (!string.IsNullOrWhiteSpace(value)) return true;
        Reject(at, $"{field} is required");
        return false;
    }

    private bool Unique(string at, bool added, string id)
    {
        if (!added) Reject(at, $"id '{id}' is used by an earlier record");
        return added;
    }

    private bool Date(string at, string? text, string field, out PartialDate? date)
    {
        date = null;
        if (string.IsNullOrEmpty(text)) return true;
        if (PartialDate.TryParse(text, out var parsed, out var error))
        {
            date = parsed;
            return true;
        }

        Reject(at, $"{field}: {error}");
        return false;
    }

    private void Reject(string pointer, string reason) => _rejected.Add(new RejectedRecord(pointer, reason));

    /// <summary>Which record "/persons/N" or "/memberships/N" names (N without leading zeros); null for any other pointer.</summary>
    private static (bool Persons, int Index)? RecordOf(string pointer)
    {
        var persons = pointer.StartsWith("/persons/", StringComparison.Ordinal);
        if (!persons && !pointer.StartsWith("/memberships/", StringComparison.Ordinal)) return null;
        return StructuredDocument.IsIndex(pointer.AsSpan(persons ? "/persons/".Length : "/memberships/".Length), out var index) ? (persons, index) : null;
    }
}
