using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Timeline.Claims;

public enum DatePrecision { Year, Month, Day }

/// <summary>A date known to a year, a month or a day: "2005", "2013-11", "2013-11-30".</summary>
[JsonConverter(typeof(PartialDateJsonConverter))]
public readonly record struct PartialDate(int Year, int? Month = null, int? Day = null) : IComparable<PartialDate>
{
    public DatePrecision Precision => Day is not null ? DatePrecision.Day : Month is not null ? DatePrecision.Month : DatePrecision.Year;

    /// <summary>The first day the date can mean.</summary>
    public DateOnly Start => new(Year, Month ?? 1, Day ?? 1);

    /// <summary>The last day the date can mean.</summary>
    public DateOnly End => Precision switch
    {
        DatePrecision.Day => Start,
        DatePrecision.Month => Start.AddMonths(1).AddDays(-1),
        _ => new DateOnly(Year, 12, 31),
    };

    /// <summary>True when one date refines the other ("2011" and "2011-03"), so they cannot disagree.</summary>
    // Calendar periods are nested or disjoint, so overlapping means one contains the other.
    public bool IsCompatibleWith(PartialDate other) => Start <= other.End && other.Start <= End;

    public bool Contains(DateOnly day) => Start <= day && day <= End;

    // Sensible order for partial dates: by the earliest day they can mean, coarser first on a tie.
    public int CompareTo(PartialDate other)
    {
        var byStart = Start.CompareTo(other.Start);
        return byStart != 0 ? byStart : Precision.CompareTo(other.Precision);
    }

    public static bool operator <(PartialDate left, PartialDate right) => left.CompareTo(right) < 0;
    public static bool operator >(PartialDate left, PartialDate right) => left.CompareTo(right) > 0;
    public static bool operator <=(PartialDate left, PartialDate right) => left.CompareTo(right) <= 0;
    public static bool operator >=(PartialDate left, PartialDate right) => left.CompareTo(right) >= 0;

    public override string ToString() => Precision switch
    {
        DatePrecision.Day => string.Create(CultureInfo.InvariantCulture, $"{Year:D4}-{Month!.Value:D2}-{Day!.Value:D2}"),
        DatePrecision.Month => string.Create(CultureInfo.InvariantCulture, $"{Year:D4}-{Month!.Value:D2}"),
        _ => Year.ToString("D4", CultureInfo.InvariantCulture),
    };

    public static bool TryParse(string? text, out PartialDate date, out string? error)
    {
        date = default;
        error = null;
        if (string.IsNullOrWhiteSpace(text))
        {
            error = "a date is empty";
            return false;
        }

        // YYYY, YYYY-MM or YYYY-MM-DD: read in place (every claim's dates pass here, twice on an import).
        var shape = text.AsSpan().Trim();
        if (shape.Length is not (4 or 7 or 10) || !IsDateShape(shape))
        {
            error = $"'{text}' is not a date of the form YYYY, YYYY-MM or YYYY-MM-DD";
            return false;
        }

        var year = Digits(shape[..4]);
        int? month = shape.Length > 4 ? Digits(shape.Slice(5, 2)) : null;
        int? day = shape.Length > 7 ? Digits(shape.Slice(8, 2)) : null;
        if (year < 1)
        {
            error = $"'{text}' has no year 0000";
            return false;
        }

        if (month is < 1 or > 12)
        {
            error = $"'{text}' has no month {month}";
            return false;
        }

        if (day is not null && (day < 1 || day > DateTime.DaysInMonth(year, month!.Value)))
        {
            error = $"'{text}' is not a day of the calendar";
            return false;
        }

        date = new PartialDate(year, month, day);
        return true;
    }

    private static bool IsDateShape(ReadOnlySpan<char> text)
    {
        for (var i = 0; i < text.Length; i++)
        {
            if (i is 4 or 7 ? text[i] != '-' : !char.IsAsciiDigit(text[i])) return false;
        }

        return true;
    }

    private static int Digits(ReadOnlySpan<char> digits)
    {
        var value = 0;
        foreach (var c in digits) value = value * 10 + (c - '0');
        return value;
    }

    public static PartialDate Parse(string text) =>
        TryParse(text, out var date, out var error) ? date : throw new FormatException(error);
}

public sealed class PartialDateJsonConverter : JsonConverter<PartialDate>
{
    public override PartialDate Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        var text = reader.TokenType == JsonTokenType.String ? reader.GetString() : null;
        return PartialDate.TryParse(text, out var date, out var error) ? date : throw new JsonException(error);
    }

    public override void Write(Utf8JsonWriter writer, PartialDate value, JsonSerializerOptions options) =>
        writer.WriteStringValue(value.ToString());
}

/// <summary>
/// When a claimed thing held in the world: a partial date, or an interval of two ("2003/2005", "2005/" open-ended).
/// </summary>
public sealed record ValidTime(PartialDate From, PartialDate? To = null, bool IsInterval = false)
{
    public DatePrecision Precision => From.Precision;

    /// <summary>Whether it had begun by the day (its start period began on or before it).</summary>
    public bool HasBegunBy(DateOnly day) => From.Start <= day;

    public override string ToString() => IsInterval ? $"{From}/{To?.ToString() ?? ""}" : From.ToString();

    public static bool TryParse(string? text, out ValidTime? validTime, out string? error)
    {
        validTime = null;
        error = null;
        if (string.IsNullOrWhiteSpace(text))
        {
            error = "validTime is empty";
            return false;
        }

        var slash = text.IndexOf('/', StringComparison.Ordinal);
        if (slash < 0)
        {
            if (!PartialDate.TryParse(text, out var point, out error)) return false;
            validTime = new ValidTime(point);
            return true;
        }

        if (!PartialDate.TryParse(text[..slash], out var from, out error)) return false;
        var rest = text[(slash + 1)..];
        if (rest.Length == 0)
        {
            validTime = new ValidTime(from, null, IsInterval: true);
            return true;
        }

        if (!PartialDate.TryParse(rest, out var to, out error)) return false;
        if (to.End < from.Start)
        {
            error = $"validTime '{text}' ends before it starts";
            return false;
        }

        validTime = new ValidTime(from, to, IsInterval: true);
        return true;
    }
}
