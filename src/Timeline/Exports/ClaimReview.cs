using System.Text.Json.Serialization;
using Timeline.Claims;

namespace Timeline.Exports;

/// <summary>A schema.org ClaimReview (JSON-LD) of one ruled claim, as fact-check aggregators read it.</summary>
public sealed record ClaimReview(
    [property: JsonPropertyName("@context")] string Context,
    [property: JsonPropertyName("@type")] string Type,
    [property: JsonPropertyName("@id")] string Id,
    string Url,
    string ClaimReviewed,
    ReviewedClaim ItemReviewed,
    Rating ReviewRating,
    Organization Author,
    string DatePublished,
    string ReviewBody)
{
    public const string SchemaOrg = "https://schema.org";

    /// <summary>
    /// The review of a claim's latest ruling (a later ruling supersedes an earlier one, as the record's own views read
    /// it). <paramref name="appearances"/> are the live claims that report the same statement: same proposition, stance
    /// and claimant, the claim itself among them.
    /// </summary>
    public static ClaimReview From(ClaimRecord claim, IReadOnlyList<ClaimRecord> appearances, string baseUrl)
    {
        var ruling = claim.LatestRuling ?? throw new InvalidOperationException($"claim {claim.Id} has no ruling");
        var self = $"{baseUrl}/api/claims/{claim.Id}/claimreview";
        var works = appearances
            .Select(a => a.Attribution.Source)
            .DistinctBy(s => s.Id)
            .OrderBy(s => s.PublishedAt)
            .ThenBy(s => s.Id, StringComparer.Ordinal)
            .Select(CreativeWork.Of)
            .ToList();
        var first = works[0];
        return new ClaimReview(
            SchemaOrg, "ClaimReview", self, ruling.ReviewUrl ?? self, claim.Attribution.Quote,
            new ReviewedClaim("Claim", $"{baseUrl}/api/claims/{claim.Id}", ClaimAuthor.Of(claim.Attribution.Claimant, baseUrl),
                first.DatePublished, works, first),
            Rating.Of(ruling.Verdict), new Organization("Organization", ruling.Reviewer), Day(ruling.RuledAt), ruling.Rationale);
    }

    internal static string Day(DateTimeOffset at) => at.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
}

public sealed record ReviewedClaim(
    [property: JsonPropertyName("@type")] string Type,
    [property: JsonPropertyName("@id")] string Id,
    ClaimAuthor Author,
    string DatePublished,
    IReadOnlyList<CreativeWork> Appearance,
    CreativeWork FirstAppearance);

/// <summary>Who made the claim, as they were at the time; a claimant linked to a registered person carries that person's URL.</summary>
public sealed record ClaimAuthor(
    [property: JsonPropertyName("@type")] string Type,
    [property: JsonPropertyName("@id"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Id,
    string Name,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? JobTitle,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] Organization? Affiliation)
{
    public static ClaimAuthor Of(Claimant claimant, string baseUrl) => new(
        "Person",
        claimant.PersonId is { } personId ? $"{baseUrl}/api/people/{personId}" : null,
        claimant.Name,
        claimant.Role,
        claimant.Affiliation is { } affiliation ? new Organization("Organization", affiliation) : null);
}

public sealed record Organization([property: JsonPropertyName("@type")] string Type, string Name);

public sealed record CreativeWork(
    [property: JsonPropertyName("@type")] string Type,
    string Url,
    string Headline,
    string DatePublished,
    Organization Publisher)
{
    public static CreativeWork Of(SourceRef source) =>
        new("CreativeWork", source.Url, source.Title, source.PublishedAt.ToString("yyyy-MM-dd'T'HH:mm:sszzz", System.Globalization.CultureInfo.InvariantCulture),
            new Organization("Organization", source.Publisher));
}

/// <summary>
/// The verdict on schema.org's numeric scale, 1 (worst) to 5 (best): false 1, misleading 2, unproven 3 (the
/// midpoint: neither way), true 5; <c>alternateName</c> is the verdict in words, which readers show.
/// </summary>
public sealed record Rating(
    [property: JsonPropertyName("@type")] string Type,
    int RatingValue,
    int BestRating,
    int WorstRating,
    string AlternateName)
{
    public const int Worst = 1;
    public const int Best = 5;

    public static Rating Of(Verdict verdict) => new("Rating", verdict switch
    {
        Verdict.False => 1,
        Verdict.Misleading => 2,
        Verdict.Unproven => 3,
        Verdict.True => 5,
        _ => throw new ArgumentOutOfRangeException(nameof(verdict), verdict, null),
    }, Best, Worst, verdict.ToString());
}
