using Shouldly;
using Timeline.Claims;
using Timeline.Contradictions;
using Timeline.People;
using Xunit;

namespace Timeline.Tests.Views;

/// <summary>Given events → status and timeline: offices, parties, the status line, and both clocks.</summary>
public sealed class CareerViewRuleTests
{
    private static DateOnly D(string text) => DateOnly.Parse(text, System.Globalization.CultureInfo.InvariantCulture);

    private static StreamBuilder Mayor(string validTime = "2005/2010")
    {
        var s = new StreamBuilder();
        s.OfficeTaken("Mayor of Karachi", "City District Government Karachi", validTime);
        return s;
    }

    // --- valid time -------------------------------------------------------------------------------------------

    [Fact]
    public void an_office_2005_to_2010_holds_mid_term_exactly()
    {
        var status = Mayor().Status(D("2008-06-01"));

        var office = status.Offices.ShouldHaveSingleItem();
        office.Office.ShouldBe("Mayor of Karachi");
        office.Since.ShouldBe(PartialDate.Parse("2005"));
        office.SincePrecision.ShouldBe(DatePrecision.Year);
        office.Until.ShouldBe(PartialDate.Parse("2010"));
        office.Approximate.ShouldBeFalse();
        status.StatusLine.ShouldBe("Mayor of Karachi");
        status.ValidAt.ShouldBe("2008-06-01");
    }

    [Fact]
    public void an_office_2005_to_2010_holds_approximately_inside_its_last_year()
    {
        var status = Mayor().Status(D("2010-06-01"));

        status.Offices.ShouldHaveSingleItem().Approximate.ShouldBeTrue();
        Mayor().Status(D("2010-12-31")).Offices.ShouldHaveSingleItem().Approximate.ShouldBeTrue();
        Mayor().Status(D("2005-01-01")).Offices.ShouldHaveSingleItem().Approximate.ShouldBeTrue();
    }

    [Fact]
    public void an_office_2005_to_2010_is_former_after_its_last_year_and_absent_before_its_first()
    {
        var after = Mayor().Status(D("2011-01-01"));
        after.Offices.ShouldBeEmpty();
        after.FormerOffices.ShouldHaveSingleItem().Office.ShouldBe("Mayor of Karachi");
        after.StatusLine.ShouldBe("Former Mayor of Karachi (until 2010)");

        var before = Mayor().Status(D("2004-12-31"));
        before.Offices.ShouldBeEmpty();
        before.FormerOffices.ShouldBeEmpty();
        before.StatusLine.ShouldBe("No office on record");
    }

    [Fact]
    public void an_office_ended_in_the_past_is_former_now()
    {
        var status = Mayor().Status();
        status.Offices.ShouldBeEmpty();
        status.FormerOffices.ShouldHaveSingleItem();
        status.StatusLine.ShouldBe("Former Mayor of Karachi (until 2010)");
    }

    [Theory]
    [InlineData("2005-03-01", false, false)]
    [InlineData("2005-03-02", true, false)]
    [InlineData("2010-07-15", true, false)]
    [InlineData("2010-07-16", false, false)]
    public void day_precise_boundaries_are_inclusive_and_exact(string day, bool held, bool approximate)
    {
        var status = Mayor("2005-03-02/2010-07-15").Status(D(day));
        status.Offices.Count.ShouldBe(held ? 1 : 0);
        if (held) status.Offices[0].Approximate.ShouldBe(approximate);
    }

    [Theory]
    [InlineData("2005-02-28", false, false)]
    [InlineData("2005-03-01", true, true)]
    [InlineData("2005-03-31", true, true)]
    [InlineData("2005-04-01", true, false)]
    [InlineData("2010-01-31", true, false)]
    [InlineData("2010-02-01", true, true)]
    [InlineData("2010-02-28", true, true)]
    [InlineData("2010-03-01", false, false)]
    public void month_precise_boundaries_cover_their_whole_month_and_are_approximate_inside_it(string day, bool held, bool approximate)
    {
        // 2010-02 is February of a common year: its last day is the 28th.
        var status = Mayor("2005-03/2010-02").Status(D(day));
        status.Offices.Count.ShouldBe(held ? 1 : 0);
        if (held) status.Offices[0].Approximate.ShouldBe(approximate);
    }

    [Fact]
    public void an_office_whose_term_runs_into_the_future_is_held_now()
    {
        // "Now" is today: a sitting member elected for a term that ends in a future year is not a former member.
        var s = new StreamBuilder();
        var end = DateTime.UtcNow.Year + 4;
        s.OfficeTaken("Senator", StreamBuilder.Senate, $"2020/{end}");

        var status = s.Status();
        status.Offices.ShouldHaveSingleItem().Office.ShouldBe("Senator");
        status.StatusLine.ShouldBe("Senator");
    }

    [Fact]
    public void an_open_ended_office_holds_from_its_start_onwards_and_now()
    {
        var s = new StreamBuilder();
        s.OfficeTaken("Senator", StreamBuilder.Senate, "2012-03/");

        s.Status(D("2012-02-29")).Offices.ShouldBeEmpty();
        s.Status(D("2012-03-15")).Offices.ShouldHaveSingleItem().Approximate.ShouldBeTrue();
        s.Status(D("2040-01-01")).Offices.ShouldHaveSingleItem().Approximate.ShouldBeFalse();
        s.Status().Offices.ShouldHaveSingleItem().Until.ShouldBeNull();
    }

    [Fact]
    public void a_point_start_means_taken_then_and_held_until_an_end_is_claimed()
    {
        var s = new StreamBuilder();
        s.Senator("2013-11");

        s.Status(D("2013-10-31")).Offices.ShouldBeEmpty();
        s.Status(D("2013-11-15")).Offices.ShouldHaveSingleItem().Approximate.ShouldBeTrue();
        s.Status(D("2014-06-01")).Offices.ShouldHaveSingleItem().Approximate.ShouldBeFalse();
        s.Status().StatusLine.ShouldBe("Senator");
    }

    [Fact]
    public void office_left_ends_the_office_at_its_date()
    {
        var s = new StreamBuilder();
        s.OfficeTaken("Minister", "Cabinet", "2005");
        s.OfficeLeft("Minister", "Cabinet", "2009-06");

        s.Status(D("2009-05-31")).Offices.ShouldHaveSingleItem().Approximate.ShouldBeFalse();
        s.Status(D("2009-06-15")).Offices.ShouldHaveSingleItem().Approximate.ShouldBeTrue();
        s.Status(D("2009-07-01")).Offices.ShouldBeEmpty();
        var now = s.Status();
        now.Offices.ShouldBeEmpty();
        now.FormerOffices.ShouldHaveSingleItem().Until.ShouldBe(PartialDate.Parse("2009-06"));
        now.StatusLine.ShouldBe("Former Minister (resigned 2009-06)");
    }

    [Fact]
    public void a_more_precise_office_left_date_inside_the_intervals_last_year_ends_the_office_there()
    {
        // "2005/2010" says the term ended some time in 2010; "left in 2010-03" says when. On 2010-06-01 it was over.
        var s = Mayor();
        s.OfficeLeft("Mayor of Karachi", "City District Government Karachi", "2010-03");

        s.Status(D("2010-03-15")).Offices.ShouldHaveSingleItem();
        s.Status(D("2010-06-01")).Offices.ShouldBeEmpty();
    }

    [Fact]
    public void a_retracted_or_false_office_left_does_not_end_the_office()
    {
        var s = new StreamBuilder();
        s.OfficeTaken("Minister", "Cabinet", "2005");
        var left = s.OfficeLeft("Minister", "Cabinet", "2009");
        s.Retract(left);
        s.Status().Offices.ShouldHaveSingleItem();

        var t = new StreamBuilder();
        t.OfficeTaken("Minister", "Cabinet", "2005");
        var left2 = t.OfficeLeft("Minister", "Cabinet", "2009");
        t.Rule(left2, Verdict.False);
        t.Status().Offices.ShouldHaveSingleItem();
    }

    [Fact]
    public void a_retracted_or_false_office_taken_is_not_held()
    {
        var s = Mayor();
        var minister = s.OfficeTaken("Minister", "Cabinet", "2006/");
        var senator = s.OfficeTaken("Senator", StreamBuilder.Senate, "2007/");
        s.Status(D("2008-06-01")).Offices.Count.ShouldBe(3);

        s.Retract(minister);
        s.Rule(senator, Verdict.False);

        var status = s.Status(D("2008-06-01"));
        status.Offices.Select(o => o.Office).ShouldBe(["Mayor of Karachi"]);
        status.FormerOffices.ShouldBeEmpty();
    }

    [Fact]
    public void the_primary_office_in_the_status_line_is_the_latest_taken()
    {
        var s = new StreamBuilder();
        s.OfficeTaken("Party worker", "MQM", "1995/");
        s.OfficeTaken("Senator", StreamBuilder.Senate, "2012/");
        s.OfficeTaken("Minister", "Cabinet", "2003/");

        var status = s.Status();
        status.Offices.Select(o => o.Office).ShouldBe(["Senator", "Minister", "Party worker"]);
        status.StatusLine.ShouldBe("Senator");
    }

    [Fact]
    public void parties_hold_from_joining_until_leaving()
    {
        var s = new StreamBuilder();
        s.PartyJoined("Muttahida Qaumi Movement", "1998");
        s.PartyLeft("Muttahida Qaumi Movement", "2016-03");

        s.Status(D("1997-12-31")).Parties.ShouldBeEmpty();
        s.Status(D("1998-06-01")).Parties.ShouldHaveSingleItem().Approximate.ShouldBeTrue();
        s.Status(D("2010-01-01")).Parties.ShouldHaveSingleItem().Approximate.ShouldBeFalse();
        s.Status(D("2010-01-01")).StatusLine.ShouldBe("Member of Muttahida Qaumi Movement");
        s.Status(D("2016-03-15")).Parties.ShouldHaveSingleItem().Approximate.ShouldBeTrue();
        s.Status(D("2016-04-01")).Parties.ShouldBeEmpty();
        s.Status().Parties.ShouldBeEmpty();
    }

    [Fact]
    public void a_party_role_shows_in_the_status_line_when_no_office_is_held()
    {
        var s = new StreamBuilder();
        s.PartyJoined("MQM", null);
        s.PartyRoleTaken("MQM", "Deputy Convener", null);

        var status = s.Status();
        status.StatusLine.ShouldBe("Deputy Convener, MQM");
        status.PartyRoles.ShouldHaveSingleItem().Role.ShouldBe("Deputy Convener");
        status.Parties.ShouldHaveSingleItem().Since.ShouldBeNull();
    }

    [Fact]
    public void undated_claims_count_for_now_but_are_set_aside_on_a_valid_date()
    {
        var s = new StreamBuilder();
        s.PartyJoined("MQM", null);
        s.Statement("inactive-in", "MQM", Stance.Asserts);

        s.Status().Parties.ShouldHaveSingleItem();
        s.Status().UndatedClaimsSetAside.ShouldBe(0);
        var then = s.Status(D("2008-06-01"));
        then.Parties.ShouldBeEmpty();
        then.UndatedClaimsSetAside.ShouldBe(2);
    }

    [Fact]
    public void a_claim_counts_on_a_valid_date_only_once_its_valid_time_has_begun()
    {
        var s = new StreamBuilder();
        s.Senator("2010/");
        s.ResignationTendered("2013-11");
        s.ResignationDenied("2013-12");

        s.Status(D("2012-01-01")).StatusLine.ShouldBe("Senator");
        s.Status(D("2013-11-20")).StatusLine.ShouldBe("Senator — resignation tendered");
        s.Status(D("2013-11-20")).OpenContradictions.ShouldBe(0);
        s.Status(D("2013-12-20")).StatusLine.ShouldBe("Senator — resignation tendered (contested)");
    }

    // --- recorded time ----------------------------------------------------------------------------------------

    [Fact]
    public void the_record_at_a_recorded_time_holds_only_what_was_appended_by_then()
    {
        var s = new StreamBuilder();
        s.Senator();
        s.ResignationTendered();
        var beforeDenial = s.Clock;
        s.ResignationDenied();

        var then = CurrentStatus.From(s.DossierAt(beforeDenial), null, beforeDenial);
        then.StatusLine.ShouldBe("Senator — resignation tendered");
        then.OpenContradictions.ShouldBe(0);
        then.Version.ShouldBe(3);
        then.LastRecordedAt.ShouldBe(beforeDenial);
        then.RecordedAt.ShouldBe(beforeDenial);

        var between = CurrentStatus.From(s.DossierAt(beforeDenial.AddSeconds(30)), null, null);
        between.Version.ShouldBe(3);
        s.Status().Version.ShouldBe(4);
        s.Status().StatusLine.ShouldBe("Senator — resignation tendered (contested)");
    }

    [Fact]
    public void a_ruling_counts_only_from_when_it_was_recorded()
    {
        var s = new StreamBuilder();
        s.Senator();
        var tendered = s.ResignationTendered();
        s.ResignationDenied();
        var beforeRuling = s.Clock;
        s.Rule(tendered, Verdict.True);

        CurrentStatus.From(s.DossierAt(beforeRuling)).StatusLine.ShouldBe("Senator — resignation tendered (contested)");
        s.Status().StatusLine.ShouldBe("Senator — resignation tendered (confirmed)");
        CareerTimeline.From(s.DossierAt(beforeRuling)).Entries.Single(e => e.Claim.Id == tendered).Ruling.ShouldBeNull();
        s.Timeline().Entries.Single(e => e.Claim.Id == tendered).Ruling.ShouldBe(Verdict.True);
    }

    [Fact]
    public void a_claim_recorded_late_about_an_early_date_comes_first_and_counts_for_early_dates()
    {
        var s = new StreamBuilder();
        s.Senator("2013-11");
        s.OfficeTaken("Mayor of Karachi", "City District Government Karachi", "2005/2010");
        var beforeLateClaim = s.Clock;
        var late = s.OfficeTaken("Information Technology Minister of Sindh", "Government of Sindh", "2003/2005");

        // The timeline is in valid-time order, whatever the recorded order.
        var timeline = s.Timeline();
        timeline.Entries[0].Claim.Id.ShouldBe(late);
        timeline.Entries.Select(e => e.ValidTime).ShouldBe(["2003/2005", "2005/2010", "2013-11"]);
        s.Dossier().FindClaim(late)!.Sequence.ShouldBeGreaterThan(timeline.Entries[1].Claim.Sequence);

        // It counts for an early valid date...
        s.Status(D("2004-01-01")).Offices.ShouldHaveSingleItem().Office.ShouldBe("Information Technology Minister of Sindh");
        // ...but the record as it stood before it was appended knew nothing of it (both clocks together).
        var believedThen = CurrentStatus.From(s.DossierAt(beforeLateClaim), D("2004-01-01"), beforeLateClaim);
        believedThen.Offices.ShouldBeEmpty();
        believedThen.StatusLine.ShouldBe("No office on record");
        CareerTimeline.From(s.DossierAt(beforeLateClaim)).Entries.ShouldNotContain(e => e.Claim.Id == late);
    }

    [Fact]
    public void a_backdated_recorded_time_is_not_needed_for_late_claims_the_order_is_by_sequence()
    {
        // Two events recorded in the same instant: both are in the record at that instant.
        var s = new StreamBuilder();
        var at = s.Clock.AddMinutes(5);
        s.ClaimAt(new OfficeTaken
        {
            Claim = new ClaimDetails(Guid.NewGuid(), new Proposition(StreamBuilder.PersonId, Predicates.HeldOffice, "Senator, Senate of Pakistan"),
                Stance.Asserts, "2013-11", StreamBuilder.Time("2013-11"), StreamBuilder.By("Reporter")),
            Office = "Senator", Organization = StreamBuilder.Senate,
        }, at);
        s.ClaimAt(new ResignationTendered
        {
            Claim = new ClaimDetails(Guid.NewGuid(), new Proposition(StreamBuilder.PersonId, Predicates.ResignedFrom, StreamBuilder.Senate),
                Stance.Asserts, null, StreamBuilder.Time("2013-11"), StreamBuilder.By("Reporter")),
            Office = "Senator", Organization = StreamBuilder.Senate,
        }, at);

        CurrentStatus.From(s.DossierAt(at)).StatusLine.ShouldBe("Senator — resignation tendered");
        CurrentStatus.From(s.DossierAt(at.AddTicks(-1))).StatusLine.ShouldBe("No office on record");
    }

    // --- timeline ---------------------------------------------------------------------------------------------

    [Fact]
    public void the_timeline_orders_partial_dates_sensibly_intervals_by_start_and_undated_last()
    {
        var s = new StreamBuilder();
        var texts = new[] { "2005-03-02", null, "2005", "2005/2010", "2004", "2005-03", "2003/2005", "2005-01", null, "2005/2006" };
        var ids = texts.Select((t, i) => (Text: t, Id: s.Statement($"did-thing-{i}", "something", Stance.Asserts, t))).ToList();

        var entries = s.Timeline().Entries;
        entries.Select(e => e.ValidTime).ShouldBe(
            ["2003/2005", "2004", "2005", "2005/2006", "2005/2010", "2005-01", "2005-03", "2005-03-02", null, null]);
        entries.Where(e => e.ValidTime is null).Select(e => e.Claim.Id).ShouldBe(ids.Where(x => x.Text is null).Select(x => x.Id)); // recorded order
        entries.Single(e => e.ValidTime == "2005-03").Precision.ShouldBe(DatePrecision.Month);
        entries.Single(e => e.ValidTime == "2005/2010").Precision.ShouldBe(DatePrecision.Year);
    }

    [Fact]
    public void the_timeline_keeps_every_claim_with_its_contest_ruling_and_retraction_state()
    {
        var s = new StreamBuilder();
        s.Senator();
        var tendered = s.ResignationTendered();
        var denied = s.ResignationDenied();
        var statement = s.Statement("inactive-in", "MQM", Stance.Asserts, "2013-08/2013-11");
        s.Retract(statement);
        s.Rule(denied, Verdict.Misleading);
        var visited = s.Statement("visited", "Karachi", Stance.Asserts, "2013-09");
        s.Rule(visited, Verdict.True);
        s.Rule(visited, Verdict.Misleading);

        var entries = s.Timeline().Entries;
        entries.Count.ShouldBe(5);
        var t = entries.Single(e => e.Claim.Id == tendered);
        t.ContestState.ShouldBe(ContestState.Open);
        t.PropositionHolds.ShouldBeNull();
        entries.Single(e => e.Claim.Id == denied).ShouldSatisfyAllConditions(e => e.Ruling.ShouldBe(Verdict.Misleading), e => e.DecisiveVerdict.ShouldBeNull());
        // The latest ruling, and the one that decides: a later "misleading" does not undo the "true".
        entries.Single(e => e.Claim.Id == visited).ShouldSatisfyAllConditions(
            e => e.Ruling.ShouldBe(Verdict.Misleading), e => e.DecisiveVerdict.ShouldBe(Verdict.True), e => e.NoLongerStated.ShouldBeFalse());
        entries.Single(e => e.Claim.Id == statement).Retracted.ShouldBeTrue();
        entries[0].Claim.Id.ShouldBe(statement); // 2013-08 starts before 2013-11
        entries.ShouldAllBe(e => e.Claim.Attribution.Source.Publisher == "The Example");
    }

    [Fact]
    public void the_timeline_on_a_valid_date_leaves_out_what_had_not_begun()
    {
        var s = new StreamBuilder();
        s.OfficeTaken("Mayor of Karachi", "City District Government Karachi", "2005/2010");
        s.Senator("2013-11");
        s.PartyJoined("MQM", null);

        var timeline = s.Timeline(D("2008-06-01"));
        timeline.Entries.Select(e => e.ValidTime).ShouldBe(["2005/2010"]);
        timeline.ValidAt.ShouldBe("2008-06-01");
    }
}
