namespace Timeline.Sources;

/// <summary>When a source may say it was published: not in the future, beyond a publisher's clock running fast.</summary>
public static class Publication
{
    /// <summary>How far ahead of the server's clock a publication time may lie (a dateline in a time zone ahead, a fast clock).</summary>
    public static readonly TimeSpan ClockSkew = TimeSpan.FromDays(1);

    /// <summary>Why <paramref name="publishedAt"/> cannot be a publication time as of <paramref name="now"/>; null when it can.</summary>
    public static string? RefuseFuture(DateTimeOffset publishedAt, DateTimeOffset now) =>
        publishedAt <= now + ClockSkew
            ? null
            : $"publishedAt {publishedAt:O} is in the future: nothing can have been published later than {ClockSkew.TotalHours:0} hours after the server's time ({now:O})";
}
