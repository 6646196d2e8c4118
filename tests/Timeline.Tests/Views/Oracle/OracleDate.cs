using System.Globalization;

namespace Timeline.Tests.Views.Oracle;

/// <summary>
/// The oracle's own partial date ("2005", "2013-11", "2013-11-30"), written from the README alone: a partial date
/// covers its whole period, begins on its first day, and agrees with another when one refines the other.
/// Deliberately shares nothing with the production <c>PartialDate</c>.
/// </summary>
internal readonly record struct ODate(int Year, int Month, int Day)
{
    /// <summary>1 = year, 2 = month, 3 = day.</summary>
    public int Precision => Day != 0 ? 3 : Month != 0 ? 2 : 1;

    public string PrecisionName => Precision switch { 1 => "year", 2 => "month", _ => "day" };

    public DateOnly First => new(Year, Month == 0 ? 1 : Month, Day == 0 ? 1 : Day);

    public DateOnly Last => Precision switch
    {
        3 => First,
        2 => new DateOnly(Year, Month, DateTime.DaysInMonth(Year, Month)),
        _ => new DateOnly(Year, 12, 31),
    };

    public bool Contains(DateOnly day) => First <= day && day <= Last;

    /// <summary>Agree when one refines the other; calendar periods either nest or do not meet.</summary>
    public bool Agrees(ODate other) => (First <= other.First && other.Last <= Last) || (other.First <= First && Last <= other.Last);

    /// <summary>Definitely before: every day it can mean comes before every day the other can.</summary>
    public bool DefinitelyBefore(ODate other) => Last < other.First;

    /// <summary>The README's order for partial dates: by first day, the coarser first on a tie.</summary>
    public static int Compare(ODate a, ODate b)
    {
        var byFirst = a.First.CompareTo(b.First);
        return byFirst != 0 ? byFirst : a.Precision.CompareTo(b.Precision);
    }

    public override string ToString() => Precision switch
    {
        3 => string.Create(CultureInfo.InvariantCulture, $"{Year:D4}-{Month:D2}-{Day:D2}"),
        2 => string.Create(CultureInfo.InvariantCulture, $"{Year:D4}-{Month:D2}"),
        _ => Year.ToString("D4", CultureInfo.InvariantCulture),
    };

    public static ODate Parse(string text)
    {
        var parts = text.Split('-');
        int Part(int i) => parts.Length > i ? int.Parse(parts[i], NumberStyles.None, CultureInfo.InvariantCulture) : 0;
        var date = new ODate(Part(0), Part(1), Part(2));
        if (parts.Length > 3 || parts[0].Length != 4 || date.Month > 12 || (date.Month != 0 && date.Day > DateTime.DaysInMonth(date.Year, date.Month)))
        {
            throw new FormatException($"not a partial date: {text}");
        }

        return date;
    }

    public static bool LooksLikeDate(string text)
    {
        try
        {
            Parse(text.Trim());
            return true;
        }
        catch (Exception e) when (e is FormatException or ArgumentException or OverflowException)
        {
            return false;
        }
    }
}

/// <summary>A valid time: a point ("2005"), an interval ("2003/2005") or an open interval ("2005/").</summary>
internal sealed record OValidTime(ODate From, ODate? To, bool Interval)
{
    public static OValidTime Parse(string text)
    {
        var slash = text.IndexOf('/', StringComparison.Ordinal);
        if (slash < 0) return new OValidTime(ODate.Parse(text), null, false);
        var rest = text[(slash + 1)..];
        return new OValidTime(ODate.Parse(text[..slash]), rest.Length == 0 ? null : ODate.Parse(rest), true);
    }

    public override string ToString() => Interval ? $"{From}/{To?.ToString() ?? ""}" : From.ToString();
}
