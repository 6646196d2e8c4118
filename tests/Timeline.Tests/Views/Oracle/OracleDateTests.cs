using Shouldly;
using Xunit;

namespace Timeline.Tests.Views.Oracle;

/// <summary>The oracle's own partial dates, held to the README's examples so the oracle is not wrong in the same way as the service.</summary>
public sealed class OracleDateTests
{
    [Theory]
    [InlineData("2005", "2005-01-01", "2005-12-31", "year")]
    [InlineData("2013-11", "2013-11-01", "2013-11-30", "month")]
    [InlineData("2012-02", "2012-02-01", "2012-02-29", "month")]
    [InlineData("2013-11-30", "2013-11-30", "2013-11-30", "day")]
    public void A_partial_date_covers_its_whole_period(string text, string first, string last, string precision)
    {
        var date = ODate.Parse(text);
        date.First.ShouldBe(DateOnly.Parse(first, System.Globalization.CultureInfo.InvariantCulture));
        date.Last.ShouldBe(DateOnly.Parse(last, System.Globalization.CultureInfo.InvariantCulture));
        date.PrecisionName.ShouldBe(precision);
        date.ToString().ShouldBe(text);
    }

    [Theory]
    [InlineData("2011", "2011-03", true)]
    [InlineData("2011-03", "2011-03-31", true)]
    [InlineData("2011", "2012", false)]
    [InlineData("2004", "2003", false)]
    [InlineData("2011-03", "2011-04-01", false)]
    public void Partial_dates_agree_when_one_refines_the_other(string a, string b, bool agree)
    {
        ODate.Parse(a).Agrees(ODate.Parse(b)).ShouldBe(agree);
        ODate.Parse(b).Agrees(ODate.Parse(a)).ShouldBe(agree);
    }

    [Fact]
    public void Partial_dates_order_by_first_day_the_coarser_first_on_a_tie()
    {
        string[] dates = ["2005-06-15", "2005-01-01", "2005-01", "2005", "2004-12-31"];
        dates.Select(ODate.Parse).Order(Comparer<ODate>.Create(ODate.Compare)).Select(d => d.ToString())
            .ShouldBe(["2004-12-31", "2005", "2005-01", "2005-01-01", "2005-06-15"]);
    }

    [Theory]
    [InlineData("2003/2005", "2003", "2005", true)]
    [InlineData("2005/", "2005", null, true)]
    [InlineData("2013-11", "2013-11", null, false)]
    public void Valid_times_are_points_intervals_or_open_intervals(string text, string from, string? to, bool interval)
    {
        var time = OValidTime.Parse(text);
        time.From.ToString().ShouldBe(from);
        time.To?.ToString().ShouldBe(to);
        if (to is null) time.To.ShouldBeNull();
        time.Interval.ShouldBe(interval);
        time.ToString().ShouldBe(text);
    }

    [Theory]
    [InlineData("2013-13")]
    [InlineData("2013-02-30")]
    [InlineData("13")]
    public void Impossible_dates_are_not_dates(string text) => ODate.LooksLikeDate(text).ShouldBeFalse();
}
