using Timeline.Claims;
using Timeline.People;

namespace Timeline.Seeding;

public sealed record SeedSource(string Url, string Publisher, string Title, string? Author, DateTimeOffset PublishedAt, string TextFile);

public sealed record SeedClaim(string Person, AppendClaimRequest Claim);

/// <summary>One source document and the people and claims drawn from it (seeds/*.json beside the text file).</summary>
public sealed record SeedManifest(SeedSource Source, IReadOnlyList<RegisterPerson> People, IReadOnlyList<SeedClaim> Claims);
