namespace Timeline.Sources;

/// <summary>When a source may say it was published: not in the future, beyond a publisher's clock running fast.</summary>
public static class Publication
{
    /// <summary>How far ahead of the server's clock a publication time may lie (a dateline in a time zone ahead, a fast clock).</summary>
    public static readonly TimeSpan ClockSkew = TimeSpan.FromDays(1);

    /// <summary>
    /// How far ahead a version of a structured source may be said to be published: its time orders the versions, so a
    /// version dated tomorrow would make every import made today an older version, changing nothing.
    /// </summary>
    public static readonly TimeSpan VersionClockSkew = TimeSpan.FromMinutes(5);

    /// <summary>Why <paramref name="publishedAt"/> cannot be a publication time as of <paramref name="now"/>; null when it can.</summary>
    public static string? RefuseFuture(DateTimeOffset publishedAt, DateTimeOffset now, TimeSpan? allowance = null) =>
        publishedAt <= now + (allowance ?? ClockSkew)
            ? null
            : $"publishedAt {publishedAt:O} is in the future: nothing can have been published later than {Describe(allowance ?? ClockSkew)} after the server's time ({now:O})";

    private static string Describe(TimeSpan span) =>
        span.TotalHours >= 1 ? $"{span.TotalHours:0} hours" : $"{span.TotalMinutes:0} minutes";
}
