namespace Timeline.Claims;

/// <summary>
/// The third clock: what had been published by a day (in the publication's own time zone, as its dateline reads) or
/// by an instant. Claims count by their source's publication, retractions by theirs, rulings by when they were made.
/// </summary>
public sealed record ReportedBy(DateOnly? Day, DateTimeOffset? Instant)
{
    public override string ToString() =>
        Day?.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture) ?? Instant!.Value.ToString("O", System.Globalization.CultureInfo.InvariantCulture);

    public bool Includes(DateTimeOffset published) =>
        Day is { } day ? DateOnly.FromDateTime(published.DateTime) <= day : published <= Instant!.Value;

    /// <summary>Whether an event of a person's stream had been published by then; registrations always count.</summary>
    public bool Includes(object data) => data switch
    {
        IClaimEvent claim => Includes(claim.Claim.Attribution.Source.PublishedAt),
        ClaimRetracted retraction => Includes(retraction.Attribution.Source.PublishedAt),
        ClaimRuled ruling => Includes(ruling.RuledAt),
        ClaimNoLongerStated notice => Includes(notice.NewerPublishedAt),
        ClaimStatedAgain again => Includes(again.NewerPublishedAt),
        _ => true,
    };

    /// <summary>The claim as published by then (without later retractions and rulings), or null if it was not yet published.</summary>
    public ClaimRecord? Cut(ClaimRecord claim)
    {
        if (!Includes(claim.ReportedAt)) return null;
        var copy = claim.Copy();
        if (copy.Retraction is { } r && !Includes(r.Attribution.Source.PublishedAt)) copy.Retraction = null;
        copy.Rulings = [.. copy.Rulings.Where(x => Includes(x.RuledAt))];
        // The latest notice of each kind published by then, among the ones later notices replaced.
        copy.NoLongerStated = (claim.EarlierNoLongerStated ?? []).Append(claim.NoLongerStated)
            .Where(n => n is not null && Includes(n.NewerPublishedAt)).MaxBy(n => n!.NewerPublishedAt);
        copy.StatedAgain = (claim.EarlierStatedAgain ?? []).Append(claim.StatedAgain)
            .Where(a => a is not null && Includes(a.NewerPublishedAt)).MaxBy(a => a!.NewerPublishedAt);
        return copy;
    }
}
