using Microsoft.Extensions.Primitives;
using Shouldly;
using Timeline.Hosting;
using Xunit;

namespace Timeline.Tests.Hosting;

/// <summary>If-None-Match as RFC 9110 13.1.2 reads it: a list of tags compared weakly, or *.</summary>
public sealed class IfNoneMatchTests
{
    private const string Tag = "\"0a1b2c\"";

    [Theory]
    [InlineData("\"0a1b2c\"")]
    [InlineData("W/\"0a1b2c\"")]
    [InlineData("  W/\"0a1b2c\"  ")]
    [InlineData("\"x\", W/\"0a1b2c\"")]
    [InlineData("W/\"x\",\"0a1b2c\"")]
    [InlineData("\"a,b\", \"0a1b2c\"")]
    [InlineData("junk, \"0a1b2c\"")]
    [InlineData("*")]
    [InlineData(" * ")]
    public void a_list_naming_the_tag_strongly_or_weakly_or_a_star_matches(string header) =>
        HttpCaching.NoneMatchHits(new StringValues(header), Tag).ShouldBeTrue(header);

    [Theory]
    [InlineData("")]
    [InlineData("\"0a1b2\"")]
    [InlineData("W/\"0a1b2c0\"")]
    [InlineData("w/\"0a1b2c\"")]
    [InlineData("0a1b2c")]
    [InlineData("\"0a1b2c")]
    [InlineData("\"x, \"0a1b2c")]
    [InlineData("*x")]
    [InlineData("\"a,\"0a1b2c\"\"")]
    public void anything_else_does_not(string header) =>
        HttpCaching.NoneMatchHits(new StringValues(header), Tag).ShouldBeFalse(header);

    [Fact]
    public void each_header_field_is_read()
    {
        HttpCaching.NoneMatchHits(new StringValues(["\"x\"", "W/\"0a1b2c\""]), Tag).ShouldBeTrue();
        HttpCaching.NoneMatchHits(StringValues.Empty, Tag).ShouldBeFalse();
    }

    [Fact]
    public void matching_allocates_nothing_since_every_poll_passes_here()
    {
        var header = new StringValues(["\"x\", junk, W/\"0a1b2d\"", "W/\"0a1b2c\""]);
        HttpCaching.NoneMatchHits(header, Tag).ShouldBeTrue();
        var before = GC.GetAllocatedBytesForCurrentThread();

        for (var i = 0; i < 1_000; i++) HttpCaching.NoneMatchHits(header, Tag);

        (GC.GetAllocatedBytesForCurrentThread() - before).ShouldBe(0);
    }
}
