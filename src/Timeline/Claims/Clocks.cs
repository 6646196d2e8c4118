using System.Globalization;
using Timeline.Hosting;

namespace Timeline.Claims;

/// <summary>The three clocks a view can be read at: valid time (the world), reported time (the sources), recorded time (the record).</summary>
public sealed record Clocks(DateOnly? ValidAt, ReportedBy? ReportedBy, DateTimeOffset? RecordedAt)
{
    public static bool TryParse(string? validAt, string? reportedAt, string? recordedAt, out Clocks clocks, out IResult? problem)
    {
        clocks = new Clocks(null, null, null);
        problem = null;
        if (!string.IsNullOrEmpty(validAt))
        {
            if (!DateOnly.TryParseExact(validAt, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day))
            {
                problem = Problems.Create(StatusCodes.Status400BadRequest, "bad-valid-at", "validAt is not a date",
                    $"validAt must be a calendar date like 2008-06-01; got '{validAt}'.");
                return false;
            }

            clocks = clocks with { ValidAt = day };
        }

        if (!string.IsNullOrEmpty(reportedAt))
        {
            if (DateOnly.TryParseExact(reportedAt, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day))
            {
                clocks = clocks with { ReportedBy = new ReportedBy(day, null) };
            }
            else if (TryParseInstant(reportedAt, out var instant))
            {
                clocks = clocks with { ReportedBy = new ReportedBy(null, instant) };
            }
            else
            {
                problem = Problems.Create(StatusCodes.Status400BadRequest, "bad-reported-at", "reportedAt is not a date",
                    $"reportedAt must be a date like 2013-12-05 (sources published that day or before) or an ISO 8601 time; got '{reportedAt}'.");
                return false;
            }
        }

        if (!string.IsNullOrEmpty(recordedAt))
        {
            if (!TryParseInstant(recordedAt, out var at))
            {
                problem = Problems.Create(StatusCodes.Status400BadRequest, "bad-recorded-at", "recordedAt is not a time",
                    $"recordedAt must be an ISO 8601 time like 2013-12-05T00:00:00Z; got '{recordedAt}'.");
                return false;
            }

            clocks = clocks with { RecordedAt = at };
        }

        return true;
    }

    private static bool TryParseInstant(string text, out DateTimeOffset instant) =>
        DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out instant);
}
