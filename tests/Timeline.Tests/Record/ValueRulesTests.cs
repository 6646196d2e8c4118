using Shouldly;
using Timeline.Claims;
using Xunit;

namespace Timeline.Tests.Record;

/// <summary>The small values every claim passes through, against their written rules: dates, slugs and proposition keys.</summary>
public sealed class ValueRulesTests
{
    [Theory]
    [InlineData("2013", 2013, null, null)]
    [InlineData("2013-11", 2013, 11, null)]
    [InlineData("2013-11-30", 2013, 11, 30)]
    [InlineData("  2013-11-30 ", 2013, 11, 30)]
    [InlineData("2012-02-29", 2012, 2, 29)]
    [InlineData("0001", 1, null, null)]
    public void a_date_of_the_three_forms_reads_as_written(string text, int year, int? month, int? day)
    {
        PartialDate.TryParse(text, out var date, out var error).ShouldBeTrue(error);
        date.ShouldBe(new PartialDate(year, month, day));
        date.ToString().ShouldBe(text.Trim());
    }

    [Theory]
    [InlineData("2013-", "is not a date of the form")]
    [InlineData("2013-1", "is not a date of the form")]
    [InlineData("13", "is not a date of the form")]
    [InlineData("20131", "is not a date of the form")]
    [InlineData("2013-11-30-1", "is not a date of the form")]
    [InlineData("2013x11", "is not a date of the form")]
    [InlineData("2013/11", "is not a date of the form")]
    [InlineData("-2013", "is not a date of the form")]
    [InlineData("２０１３", "is not a date of the form")]
    [InlineData("0000", "has no year 0000")]
    [InlineData("2013-13", "has no month 13")]
    [InlineData("2013-00", "has no month 0")]
    [InlineData("2013-02-29", "is not a day of the calendar")]
    [InlineData("2013-11-31", "is not a day of the calendar")]
    [InlineData(" ", "a date is empty")]
    public void anything_else_is_refused_with_its_reason(string text, string reason)
    {
        PartialDate.TryParse(text, out _, out var error).ShouldBeFalse();
        error.ShouldNotBeNull().ShouldContain(reason);
    }

    [Theory]
    [InlineData("Senate of Pakistan", "senate-of-pakistan")]
    [InlineData("  senate of  Pakistan ", "senate-of-pakistan")]
    [InlineData("Muttahida Qaumi Movement (MQM)", "muttahida-qaumi-movement-mqm")]
    [InlineData("Ｓｅｎａｔｅ ２０１３", "senate-2013")]
    [InlineData("Peña Nieto", "peña-nieto")]
    [InlineData("---", "")]
    [InlineData("", "")]
    public void a_slug_keeps_letters_and_digits_lower_cased_with_one_dash_between_runs(string text, string slug) =>
        Slugs.Normalize(text).ShouldBe(slug);

    [Fact]
    public void a_long_text_slugs_the_same_way()
    {
        var words = Enumerable.Range(0, 100).Select(i => $"Word{i}").ToList();
        Slugs.Normalize(string.Join(" , ", words)).ShouldBe(string.Join("-", words).ToLowerInvariant());
    }

    [Fact]
    public void a_proposition_key_follows_its_parts_and_a_copy_never_keeps_the_old_key()
    {
        var senator = new Proposition("mustafa-kamal", "held-office", "Senator, Senate of Pakistan");
        senator.Key.ShouldBe("mustafa-kamal/held-office/senator-senate-of-pakistan");

        var mayor = senator with { Object = "Mayor of Karachi" };
        mayor.Key.ShouldBe("mustafa-kamal/held-office/mayor-of-karachi");
        (senator with { Subject = "anis-kaimkhani" }).Key.ShouldBe("anis-kaimkhani/held-office/senator-senate-of-pakistan");

        // Equal by their parts, whether or not a key was asked for.
        var fresh = new Proposition("mustafa-kamal", "held-office", "Senator, Senate of Pakistan");
        fresh.ShouldBe(senator);
        fresh.GetHashCode().ShouldBe(senator.GetHashCode());
        mayor.ShouldNotBe(senator);
    }
}
