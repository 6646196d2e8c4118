using Shouldly;
using Timeline.Claims;
using Timeline.Contradictions;
using Timeline.People;
using Xunit;

namespace Timeline.Tests.Views;

/// <summary>Tenures as sources report them: observations, end conflicts, scheduled terms, end causes and the status line.</summary>
public sealed class TenureRuleTests
{
    private const string Governor = "Governor";
    private const string Province = "Government of Sindh";

    private static DateOnly D(string text) => DateOnly.Parse(text, System.Globalization.CultureInfo.InvariantCulture);

    private static PropositionStanding Standing(StreamBuilder s) =>
        PropositionLedger.Evaluate(s.Dossier().Claims.Where(c => c.Proposition.Predicate == Predicates.HeldOffice));

    // --- observations ------------------------------------------------------------------------------------------

    [Fact]
    public void an_observation_holds_the_office_from_its_date_at_the_latest_and_invents_no_start()
    {
        var s = new StreamBuilder();
        s.OfficeHeld("Senator", StreamBuilder.Senate, "2013-11");

        var now = s.Status();
        var senator = now.Offices.ShouldHaveSingleItem();
        senator.Since.ShouldBeNull();
        senator.SincePrecision.ShouldBeNull();
        senator.SinceAtLatest.ShouldBe(PartialDate.Parse("2013-11"));
        now.StatusLine.ShouldBe("Senator");

        s.Status(D("2013-11-15")).Offices.ShouldHaveSingleItem().Approximate.ShouldBeTrue();
        s.Status(D("2013-10-31")).Offices.ShouldBeEmpty("before the observation nothing is known");
    }

    [Fact]
    public void an_observation_is_never_compared_as_a_start()
    {
        var s = new StreamBuilder();
        s.OfficeTaken("Senator", StreamBuilder.Senate, "2012-03");
        s.OfficeHeld("Senator", StreamBuilder.Senate, "2013-11", claimant: "The Nation");

        Standing(s).State.ShouldBe(ContestState.Uncontested);
        var senator = s.Status().Offices.ShouldHaveSingleItem();
        senator.Since.ShouldBe(PartialDate.Parse("2012-03"));
        senator.SinceAtLatest.ShouldBeNull("a start on record makes the observation's bound unnecessary");
    }

    // --- end conflicts -------------------------------------------------------------------------------------------

    [Fact]
    public void two_intervals_with_different_ends_are_a_value_conflict()
    {
        var s = new StreamBuilder();
        s.OfficeTaken(Governor, Province, "1999/2004", claimant: "Dawn");
        s.OfficeTaken(Governor, Province, "1999/2003", claimant: "The News");

        var standing = Standing(s);
        standing.State.ShouldBe(ContestState.Open);
        standing.Kind.ShouldBe(ContestKind.ValueConflict);
        var view = s.Status().Contradictions.ShouldHaveSingleItem();
        view.Sides.Select(side => side.End?.ToString()).ShouldBe(["2004", "2003"]);
    }

    [Fact]
    public void a_day_left_against_an_interval_ending_earlier_is_a_value_conflict()
    {
        var s = new StreamBuilder();
        s.OfficeTaken(Governor, Province, "1999/2003", claimant: "The News");
        s.OfficeLeft(Governor, Province, "2004-02-10", claimant: "Dawn");

        Standing(s).Kind.ShouldBe(ContestKind.ValueConflict);
        Standing(s).State.ShouldBe(ContestState.Open);
    }

    [Fact]
    public void ends_that_refine_each_other_agree()
    {
        var s = new StreamBuilder();
        s.OfficeTaken(Governor, Province, "1999/2004", claimant: "Dawn");
        s.OfficeLeft(Governor, Province, "2004-02-10", claimant: "The News", cause: LeaveCause.Dismissed);

        Standing(s).State.ShouldBe(ContestState.Uncontested);
        var former = s.Status().FormerOffices.ShouldHaveSingleItem();
        former.Until.ShouldBe(PartialDate.Parse("2004-02-10"), "of agreeing ends the one whose period ends first wins");
        former.EndCause.ShouldBe(EndCause.Dismissed, "the claim that gives a cause says how it ended");
        former.EndedBy.Count.ShouldBe(2);
    }

    // --- scheduled terms and end causes --------------------------------------------------------------------------

    [Fact]
    public void a_resignation_accepted_before_the_scheduled_term_end_ends_the_tenure_without_a_conflict()
    {
        var s = new StreamBuilder();
        s.OfficeTaken("Senator", StreamBuilder.Senate, "1997", scheduledEnd: "2003");
        s.ResignationTendered("2001-04");
        s.ResignationAccepted("2001-05");

        s.Dossier().Claims.Where(c => c.Proposition.Predicate == Predicates.HeldOffice).ShouldHaveSingleItem();
        Standing(s).State.ShouldBe(ContestState.Uncontested);
        var now = s.Status();
        var former = now.FormerOffices.ShouldHaveSingleItem();
        former.Until.ShouldBe(PartialDate.Parse("2001-05"));
        former.ScheduledEnd.ShouldBe(PartialDate.Parse("2003"), "the scheduled end is kept beside the actual end");
        former.EndCause.ShouldBe(EndCause.ResignationAccepted);
        now.StatusLine.ShouldBe("Former Senator (resignation accepted 2001-05)");
        s.Status(D("2001-04-30")).Offices.ShouldHaveSingleItem().Pending.ShouldBe("resignation tendered");
    }

    [Fact]
    public void a_scheduled_term_end_ends_the_tenure_only_when_no_source_says_when_it_ended()
    {
        var s = new StreamBuilder();
        var taken = s.OfficeTaken("Senator", StreamBuilder.Senate, "1997", scheduledEnd: "2003");

        s.Status(D("2002-06-01")).Offices.ShouldHaveSingleItem().ScheduledEnd.ShouldBe(PartialDate.Parse("2003"));
        var former = s.Status().FormerOffices.ShouldHaveSingleItem();
        former.EndCause.ShouldBe(EndCause.TermEnded);
        former.EndedBy.ShouldBe([taken]);
        s.Status().StatusLine.ShouldBe("Former Senator (term ended 2003)");

        var left = s.OfficeLeft("Senator", StreamBuilder.Senate, "2005-03-01", cause: LeaveCause.Died);
        Standing(s).State.ShouldBe(ContestState.Uncontested, "a scheduled end is never compared");
        var after = s.Status().FormerOffices.ShouldHaveSingleItem();
        after.Until.ShouldBe(PartialDate.Parse("2005-03-01"));
        after.EndCause.ShouldBe(EndCause.Died);
        after.EndedBy.ShouldBe([left]);
        s.Status(D("2004-06-01")).Offices.ShouldHaveSingleItem("the actual end, not the scheduled one, ends it");
    }

    [Fact]
    public void an_end_given_with_no_cause_reads_as_until()
    {
        var s = new StreamBuilder();
        var taken = s.OfficeTaken("Mayor of Karachi", null, "2005/2010");

        var former = s.Status().FormerOffices.ShouldHaveSingleItem();
        former.EndCause.ShouldBe(EndCause.Unstated);
        former.EndedBy.ShouldBe([taken]);
        s.Status().StatusLine.ShouldBe("Former Mayor of Karachi (until 2010)");
    }

    // --- the status line's precedence ----------------------------------------------------------------------------

    [Fact]
    public void a_former_office_comes_before_a_current_party_role_on_the_status_line()
    {
        var s = new StreamBuilder();
        s.PartyRoleTaken("MQM", "Telephone operator", null);
        s.Status().StatusLine.ShouldBe("Telephone operator, MQM");

        s.OfficeTaken(Governor, Province, "1999/2001");
        s.Status().StatusLine.ShouldBe("Former Governor (until 2001)");

        s.OfficeTaken("Senator", StreamBuilder.Senate, "2012/");
        s.Status().StatusLine.ShouldBe("Senator");
    }

    [Fact]
    public void of_several_former_offices_the_latest_ended_leads()
    {
        var s = new StreamBuilder();
        s.OfficeTaken("Mayor of Karachi", null, "2005/2010");
        s.OfficeTaken(Governor, Province, "1999/2001");

        s.Status().StatusLine.ShouldBe("Former Mayor of Karachi (until 2010)");
    }

    // --- reversals -----------------------------------------------------------------------------------------------

    [Fact]
    public void a_claimant_who_asserted_and_later_denied_has_made_a_reversal_ordered_by_valid_time()
    {
        var s = new StreamBuilder();
        // Recorded in the opposite order of valid time: the reversal follows the world's order.
        var later = s.Request(new AppendClaimRequest(nameof(ResignationDenied), ValidTime: "2013-12", Office: "Senator", Organization: StreamBuilder.Senate),
            claimant: "Nasir Jamal", claimantPersonId: "nasir-jamal");
        var earlier = s.Request(new AppendClaimRequest(nameof(ResignationConfirmed), ValidTime: "2013-11", Office: "Senator", Organization: StreamBuilder.Senate),
            claimant: "Nasir Jamal", claimantPersonId: "nasir-jamal");
        s.ResignationTendered(claimant: "Reporter");

        var reversal = PropositionLedger.Reversals(s.Dossier().Claims).ShouldHaveSingleItem();
        reversal.ClaimantPersonId.ShouldBe("nasir-jamal");
        reversal.Before.Id.ShouldBe(earlier);
        reversal.After.Id.ShouldBe(later);
        s.Status().Contradictions.ShouldHaveSingleItem().Reversals.ShouldHaveSingleItem().After.Id.ShouldBe(later);
    }

    [Fact]
    public void anonymous_sources_and_retracted_claims_make_no_reversal()
    {
        var s = new StreamBuilder();
        s.Request(new AppendClaimRequest(nameof(ResignationConfirmed), ValidTime: "2013-11", Office: "Senator", Organization: StreamBuilder.Senate,
            Claimant: new ClaimantInput(null, Anonymous: true)));
        s.Request(new AppendClaimRequest(nameof(ResignationDenied), ValidTime: "2013-12", Office: "Senator", Organization: StreamBuilder.Senate,
            Claimant: new ClaimantInput(null, Anonymous: true)));
        var said = s.ResignationTendered("2013-11", claimant: "Nasir Jamal");
        s.ResignationDenied("2013-12", claimant: "Nasir Jamal");
        s.Retract(said);

        PropositionLedger.Reversals(s.Dossier().Claims).ShouldBeEmpty();
    }

    [Fact]
    public void a_start_upheld_by_a_ruling_holds_on_days_before_it_and_the_overruled_earlier_start_counts_for_nothing()
    {
        var s = new StreamBuilder();
        s.OfficeTaken(Governor, Province, "2012-03", claimant: "Daily A");
        var later = s.OfficeTaken(Governor, Province, "2013", claimant: "Daily B");
        s.Status(D("2012-06-01")).StatusLine.ShouldBe("Governor", "before any ruling, the only start begun by then counts");

        s.Rule(later, Verdict.True, "the gazette notification is dated 2013");

        s.Status(D("2012-06-01")).StatusLine.ShouldBe("No office on record", "the record settled that the tenure began in 2013");
        s.Status(D("2013-06-01")).Offices.ShouldHaveSingleItem().Since.ShouldBe(PartialDate.Parse("2013"));
    }

    // --- a death ---

    [Fact]
    public void a_death_ends_every_office_party_and_role_held_then()
    {
        var s = new StreamBuilder();
        s.OfficeTaken(Governor, Province, "2014-02-01", claimant: "Dawn");
        s.OfficeTaken("Senator", StreamBuilder.Senate, "2012-03-12", claimant: "The News");
        s.PartyJoined("Green Party", "2015");
        s.PartyRoleTaken("Green Party", "Convener", "2016-01-10");
        var died = s.OfficeLeft(Governor, Province, "2018-05-04", claimant: "Dawn", cause: LeaveCause.Died);

        var alive = s.Status(D("2018-05-01"));
        alive.Offices.Count.ShouldBe(2);
        alive.Parties.ShouldHaveSingleItem();

        var now = s.Status();
        now.Offices.ShouldBeEmpty();
        now.Parties.ShouldBeEmpty();
        now.PartyRoles.ShouldBeEmpty();
        now.FormerPartyRoles.ShouldHaveSingleItem().Role.ShouldBe("Convener");
        now.FormerOffices.Select(o => (o.Office, o.Until, o.EndCause)).ShouldBe(
            [(Governor, PartialDate.Parse("2018-05-04"), EndCause.Died), ("Senator", PartialDate.Parse("2018-05-04"), EndCause.Died)], ignoreOrder: true);
        now.FormerOffices.Single(o => o.Office == "Senator").EndedBy.ShouldBe([died]);
        now.StatusLine.ShouldBeOneOf("Former Governor (died 2018-05-04)", "Former Senator (died 2018-05-04)");
    }

    [Fact]
    public void a_death_stated_ends_what_was_held_and_gives_its_cause_to_an_end_on_the_same_day()
    {
        // As a Popolo file gives it: the seat's interval ends on the death date, and a statement says the person died.
        var s = new StreamBuilder();
        s.OfficeTaken("Member", "Springfield Assembly", "2019-01-15/2021-03-09", claimant: "Springfield Assembly", term: 21);
        s.PartyJoined("Blue Party", "2010-05-01");
        s.Statement(Predicates.Died, "death", Stance.Asserts, "2021-03-09", value: "2021-03-09", claimant: "Springfield Assembly");

        var now = s.Status();
        now.StatusLine.ShouldBe("Former Member (died 2021-03-09)");
        now.Parties.ShouldBeEmpty();
        s.Status(D("2021-03-09")).Parties.ShouldHaveSingleItem("held on the day of the death itself");
    }

    [Fact]
    public void a_death_known_by_its_year_beside_a_term_scheduled_to_end_within_it_gives_no_month_of_death()
    {
        var s = new StreamBuilder();
        var taken = s.OfficeTaken("Senator", StreamBuilder.Senate, "2012", scheduledEnd: "2018-11");
        s.Statement(Predicates.Died, "death", Stance.Asserts, "2018", claimant: "Registry");

        // Either may have come first; the date shown is the term's, so is the cause.
        var former = s.Status(D("2019-06-01")).FormerOffices.ShouldHaveSingleItem();
        (former.Until, former.EndCause).ShouldBe((PartialDate.Parse("2018-11"), EndCause.TermEnded));
        s.Status(D("2019-06-01")).StatusLine.ShouldBe("Former Senator (term ended 2018-11)");
        former.EndedBy.ShouldContain(taken);
    }

    [Fact]
    public void a_party_membership_or_role_that_ended_is_a_former_one_with_its_end()
    {
        var s = new StreamBuilder();
        var joined = s.PartyJoined("Unity Party", "2000");
        s.PartyJoined("Green Party", "2003-02-01");
        var left = s.PartyLeft("Green Party", "2009-06-30");
        s.PartyRoleTaken("Unity Party", "Deputy Leader", "2011");
        s.Statement(Predicates.Died, "death", Stance.Asserts, "2016-05-04", claimant: "Registry");

        var in2012 = s.Status(D("2012-01-01"));
        in2012.Parties.Select(p => (p.Party, p.Until)).ShouldBe([("Unity Party", (PartialDate?)null)]);
        in2012.FormerParties.Select(p => (p.Party, p.Until)).ShouldBe([("Green Party", (PartialDate?)PartialDate.Parse("2009-06-30"))]);

        var now = s.Status();
        now.Parties.ShouldBeEmpty();
        now.FormerParties.Select(p => (p.Party, p.Until)).ShouldBe([
            ("Unity Party", (PartialDate?)PartialDate.Parse("2016-05-04")), ("Green Party", PartialDate.Parse("2009-06-30"))], "latest ended first");
        now.FormerParties[0].ClaimIds.ShouldBe([joined]);
        now.FormerPartyRoles.ShouldHaveSingleItem().Until.ShouldBe(PartialDate.Parse("2016-05-04"));
        _ = left;
    }

    [Fact]
    public void a_party_role_left_and_taken_again_lists_the_earlier_term_as_a_former_role()
    {
        var s = new StreamBuilder();
        s.PartyJoined("Unity Party", "2000");
        var first = s.PartyRoleTaken("Unity Party", "Deputy Leader", "2008-03-01");
        s.Request(new Timeline.Claims.AppendClaimRequest("PartyRoleLeft", ValidTime: "2010-06-30", Party: "Unity Party", Role: "Deputy Leader"));
        var again = s.PartyRoleTaken("Unity Party", "Deputy Leader", "2014-01-15");

        var now = s.Status();
        now.PartyRoles.ShouldHaveSingleItem().ClaimIds.ShouldBe([again]);
        var former = now.FormerPartyRoles.ShouldHaveSingleItem();
        (former.Since, former.Until).ShouldBe((PartialDate.Parse("2008-03-01"), PartialDate.Parse("2010-06-30")));
        former.ClaimIds.ShouldBe([first]);
    }

    [Fact]
    public void the_latest_ended_office_is_the_one_that_can_have_ended_last()
    {
        // The seat's term ends in November; the chair ends with a death known only by its year, so possibly in December.
        var s = new StreamBuilder();
        s.OfficeTaken("Senator", StreamBuilder.Senate, "2012", scheduledEnd: "2018-11");
        s.OfficeTaken("Chair", "Rowing Club", "2015");
        s.Statement(Predicates.Died, "death", Stance.Asserts, "2018", claimant: "Registry");

        var status = s.Status(D("2019-01-01"));
        status.FormerOffices.Select(o => o.Office).ShouldBe(["Chair", "Senator"]);
        status.StatusLine.ShouldBe("Former Chair (died 2018)");
    }

    [Fact]
    public void a_claim_dated_after_the_death_on_record_is_marked_in_the_timeline()
    {
        var s = new StreamBuilder();
        var senator = s.OfficeTaken("Senator", StreamBuilder.Senate, "2012-03-12", claimant: "Dawn");
        var death = s.Statement(Predicates.Died, "death", Stance.Asserts, "2018-05", claimant: "Registry");
        var sameMonth = s.PartyJoined("Green Party", "2018-05-20", claimant: "Party Secretariat");
        var later = s.OfficeTaken(Governor, Province, "2019-01-02", claimant: "The News");

        var after = s.Timeline().Entries.Where(e => e.AfterDeath).Select(e => e.Claim.Id).ToList();
        after.ShouldBe([later], "only a claim begun after the death's last day; within its month it may have come first");
        s.Timeline().Entries.Single(e => e.Claim.Id == death).AfterDeath.ShouldBeFalse();
        s.Timeline(D("2018-12-31")).Entries.ShouldNotContain(e => e.AfterDeath, "read before the later claim counts");
        _ = (senator, sameMonth);
    }

    [Fact]
    public void an_undated_death_does_not_take_the_date_of_a_term_that_had_already_ended()
    {
        var s = new StreamBuilder();
        var taken = s.OfficeTaken("Senator", StreamBuilder.Senate, "2010", scheduledEnd: "2016");
        s.Statement(Predicates.Died, "death", Stance.Asserts, claimant: "Registry");

        var former = s.Status().FormerOffices.ShouldHaveSingleItem();
        (former.Until, former.EndCause).ShouldBe((PartialDate.Parse("2016"), EndCause.TermEnded));
        former.EndedBy.ShouldBe([taken]);
        s.Status().StatusLine.ShouldBe("Former Senator (term ended 2016)");
    }

    [Fact]
    public void a_death_the_record_contests_or_a_fact_checker_overturned_ends_nothing_else()
    {
        var disputed = new StreamBuilder();
        disputed.OfficeTaken("Senator", StreamBuilder.Senate, "2012-03-12", claimant: "The News");
        var died = disputed.OfficeLeft(Governor, Province, "2018-05-04", claimant: "Dawn", cause: LeaveCause.Died);
        var dispute = disputed.Dispute(died, claimant: "Family");
        disputed.Rule(dispute, Verdict.True, "alive, and seen in the Senate since");
        disputed.Status().Offices.Select(o => o.Office).ShouldContain("Senator");

        var contested = new StreamBuilder();
        contested.PartyJoined("Green Party", "2015");
        contested.Statement(Predicates.Died, "death", Stance.Asserts, "2018-05-04", claimant: "Dawn");
        contested.Statement(Predicates.Died, "death", Stance.Denies, "2018-05-04", claimant: "Family");
        contested.Status().Parties.ShouldHaveSingleItem("a death that is contested and unresolved ends nothing");
    }

    [Fact]
    public void an_office_left_by_death_that_another_source_disputes_ends_nothing_else_until_ruled_on()
    {
        StreamBuilder History(out Guid died, out Guid dispute)
        {
            var s = new StreamBuilder();
            s.OfficeTaken("Senator", StreamBuilder.Senate, "2012-03-12", claimant: "The News");
            s.PartyJoined("Green Party", "2015");
            died = s.OfficeLeft(Governor, Province, "2018-05-04", claimant: "Dawn", cause: LeaveCause.Died);
            dispute = s.Dispute(died, claimant: "Family");
            return s;
        }

        // Open, as a contested "died" statement: the Senate seat and the party stand.
        var open = History(out _, out _).Status();
        open.Offices.Select(o => o.Office).ShouldBe(["Senator"]);
        open.Parties.ShouldHaveSingleItem();

        // The dispute ruled false, or the death ruled true: a death, which ends the seat and the membership.
        var disputeFalse = History(out _, out var d1);
        disputeFalse.Rule(d1, Verdict.False, "the death certificate is on file");
        var deathTrue = History(out var died2, out _);
        deathTrue.Rule(died2, Verdict.True, "the death certificate is on file");
        foreach (var settled in new[] { disputeFalse.Status(), deathTrue.Status() })
        {
            settled.Offices.ShouldBeEmpty();
            settled.Parties.ShouldBeEmpty();
            settled.FormerOffices.Single(o => o.Office == "Senator").EndCause.ShouldBe(EndCause.Died);
        }
    }

    // --- found in review: party stints judged apart, a death by its year, a day left that a ruling overturned ---

    [Fact]
    public void party_rejoined_after_an_upheld_dispute_of_the_first_joining_is_held()
    {
        var s = new StreamBuilder();
        var first = s.PartyJoined("Green Party", "2010-02-01", claimant: "Dawn");
        s.PartyLeft("Green Party", "2012-05-20");
        s.PartyJoined("Green Party", "2014-09-01", claimant: "Party Secretariat");
        s.Rule(s.Dispute(first, claimant: "Party Secretariat"), Verdict.True, "he joined only in 2014");

        var now = s.Status();
        now.Parties.ShouldHaveSingleItem().Since.ShouldBe(PartialDate.Parse("2014-09-01"));
        now.StatusLine.ShouldBe("Member of Green Party");
    }

    [Fact]
    public void party_stint_whose_joining_was_disputed_and_upheld_is_no_membership()
    {
        var s = new StreamBuilder();
        s.PartyJoined("Green Party", "2010-02-01", claimant: "Dawn");
        s.PartyLeft("Green Party", "2012-05-20");
        var second = s.PartyJoined("Green Party", "2014-09-01", claimant: "X");
        s.Rule(s.Dispute(second, claimant: "Party Secretariat"), Verdict.True, "never rejoined");

        // 2011: the first stint stands on its own claims.
        s.Status(D("2011-01-01")).Parties.ShouldHaveSingleItem().Since.ShouldBe(PartialDate.Parse("2010-02-01"));
        // Now: the 2014 stint is no membership; the first ended in 2012.
        s.Status().Parties.ShouldBeEmpty();
    }

    [Fact]
    public void a_death_known_by_year_ends_a_stint_begun_that_year_even_after_an_earlier_stint()
    {
        var alone = new StreamBuilder();
        alone.OfficeTaken("Senator", StreamBuilder.Senate, "2018-06-01", claimant: "Dawn");
        alone.Statement(Predicates.Died, "death", Stance.Asserts, "2018", claimant: "Registry");
        alone.Status().Offices.ShouldBeEmpty("one stint: the 2018 death ends the seat taken 2018-06");

        var again = new StreamBuilder();
        again.OfficeTaken("Senator", StreamBuilder.Senate, "2010-03-12/2012-03-11", claimant: "Dawn");
        again.OfficeTaken("Senator", StreamBuilder.Senate, "2018-06-01", claimant: "Dawn");
        again.Statement(Predicates.Died, "death", Stance.Asserts, "2018", claimant: "Registry");
        again.Status().Offices.ShouldBeEmpty("the same seat, taken a second time in 2018, is ended by the same 2018 death");
    }

    [Fact]
    public void a_death_known_by_year_ends_a_party_rejoined_that_year()
    {
        var s = new StreamBuilder();
        s.PartyJoined("Green Party", "2010-02-01");
        s.PartyLeft("Green Party", "2012-05-20");
        s.PartyJoined("Green Party", "2018-06-01");
        s.Statement(Predicates.Died, "death", Stance.Asserts, "2018", claimant: "Registry");
        s.Status().Parties.ShouldBeEmpty();
    }

    [Fact]
    public void a_day_left_that_a_ruling_overturned_does_not_split_the_tenure()
    {
        var s = new StreamBuilder();
        s.OfficeTaken("Senator", StreamBuilder.Senate, "2010-03-12", claimant: "Dawn");
        var left = s.OfficeLeft("Senator", StreamBuilder.Senate, "2012-07-15", claimant: "The News");
        s.Rule(s.Dispute(left, claimant: "Senate Secretariat"), Verdict.True, "never left");
        s.OfficeTaken("Senator", StreamBuilder.Senate, "2014-01-10", claimant: "Daily Times");

        s.Status(D("2013-01-01")).Offices.ShouldHaveSingleItem().Since.ShouldBe(PartialDate.Parse("2010-03-12"));
        s.Status().Offices.ShouldHaveSingleItem().Since.ShouldBe(PartialDate.Parse("2010-03-12"));
    }

    [Fact]
    public void died_on_is_the_most_precise_of_compatible_deaths()
    {
        var s = new StreamBuilder();
        s.OfficeTaken("Senator", StreamBuilder.Senate, "2019-01-15", claimant: "Dawn");
        s.Statement(Predicates.Died, "death", Stance.Asserts, "2021-03-09", claimant: "Registry");
        s.OfficeLeft("Senator", StreamBuilder.Senate, "2021", claimant: "Reporter", cause: LeaveCause.Died);

        s.Status().FormerOffices.ShouldHaveSingleItem().Until.ShouldBe(PartialDate.Parse("2021-03-09"));
        new CareerView(s.Dossier(), null, new DateOnly(2025, 1, 1)).DiedOn.ShouldBe(PartialDate.Parse("2021-03-09"));
    }

    [Fact]
    public void an_end_denied_by_an_upheld_dispute_stays_denied_after_a_later_true_ruling()
    {
        var s = new StreamBuilder();
        var taken = s.OfficeTaken("Senator", StreamBuilder.Senate, "2010-01-01", claimant: "Dawn");
        var left = s.OfficeLeft("Senator", StreamBuilder.Senate, "2012-06-01", claimant: "Reporter");
        s.Rule(s.Dispute(left, claimant: "Senate Secretariat", validTime: "2012-06-01"), Verdict.True, "he never left");
        s.Status().Offices.ShouldHaveSingleItem("before the second ruling: held");
        s.Rule(taken, Verdict.True, "he took the seat on 2010-01-01");
        s.Status().Offices.ShouldHaveSingleItem("the 2012 end is still denied");
    }

    // --- stints ---

    [Fact]
    public void a_stint_whose_claim_was_disputed_and_the_dispute_upheld_is_gone_and_the_other_stint_stands()
    {
        var s = new StreamBuilder();
        s.OfficeTaken("Senator", StreamBuilder.Senate, "2010-01-01/2012-12-31", claimant: "Gazette");
        var second = s.OfficeTaken("Senator", StreamBuilder.Senate, "2016-01-01/2018-12-31", claimant: "X");
        var dispute = s.Dispute(second, claimant: "Senate Secretariat");
        s.Rule(dispute, Verdict.True, "no such term in the Senate's records");

        var after = s.Status(D("2019-06-01"));
        after.StatusLine.ShouldBe("Former Senator (until 2012-12-31)");
        after.FormerOffices.ShouldHaveSingleItem().Contested.ShouldBeFalse();
        s.Status(D("2017-01-01")).Offices.ShouldBeEmpty("the second stint was never held");
    }

    [Fact]
    public void each_stint_is_judged_apart_so_a_ruling_on_one_neither_settles_nor_denies_the_other()
    {
        // The 2016 seat was disputed and the dispute upheld: the office was still held, in 2010-2012.
        var upheld = new StreamBuilder();
        upheld.OfficeTaken("Senator", StreamBuilder.Senate, "2010-01-01/2012-12-31", claimant: "Gazette");
        var second = upheld.OfficeTaken("Senator", StreamBuilder.Senate, "2016-01-01/2018-12-31", claimant: "X");
        upheld.Rule(upheld.Dispute(second, claimant: "Senate Secretariat"), Verdict.True);
        var resolved = upheld.Status().Contradictions.ShouldHaveSingleItem();
        (resolved.State, resolved.Standing.Holds).ShouldBe((ContestState.Resolved, (bool?)true));

        // The first term's start is settled by a ruling; the second term's two starts are not: still open.
        var open = new StreamBuilder();
        var early = open.OfficeTaken("Senator", StreamBuilder.Senate, "2006-03-12/2009-03-11", claimant: "Dawn");
        open.OfficeTaken("Senator", StreamBuilder.Senate, "2006-04-01/2009-03-11", claimant: "The News");
        open.OfficeTaken("Senator", StreamBuilder.Senate, "2012-03-12", claimant: "Dawn");
        open.OfficeTaken("Senator", StreamBuilder.Senate, "2012-05-01", claimant: "The News");
        open.Rule(early, Verdict.True);
        var contradiction = open.Status().Contradictions.ShouldHaveSingleItem();
        (contradiction.State, contradiction.Kind).ShouldBe((ContestState.Open, ContestKind.ValueConflict));
        open.Status().Offices.ShouldHaveSingleItem().Contested.ShouldBeTrue();
        open.Status(D("2007-01-01")).Offices.ShouldHaveSingleItem().ShouldSatisfyAllConditions(
            o => o.Contested.ShouldBeFalse(), o => o.Since.ShouldBe(PartialDate.Parse("2006-03-12")));
    }

    [Fact]
    public void a_scheduled_end_ends_its_own_stint_even_when_an_earlier_stint_has_an_end_on_record()
    {
        var s = new StreamBuilder();
        s.OfficeTaken("Senator", StreamBuilder.Senate, "2015-01-01/2017-06-30", claimant: "Dawn");
        s.OfficeTaken("Senator", StreamBuilder.Senate, "2018-03-12", claimant: "The News", scheduledEnd: "2021-03-11");

        s.Status(D("2019-01-01")).Offices.ShouldHaveSingleItem().ScheduledEnd.ShouldBe(PartialDate.Parse("2021-03-11"));
        s.Status(D("2024-01-01")).StatusLine.ShouldBe("Former Senator (term ended 2021-03-11)");
    }

    [Fact]
    public void a_resignation_accepted_in_an_earlier_stint_ends_that_stint_and_is_not_pending_in_the_next()
    {
        var s = new StreamBuilder();
        s.OfficeTaken("Senator", StreamBuilder.Senate, "2010-01-01/2012-06-30", claimant: "Dawn");
        s.ResignationTendered("2012-05");
        s.ResignationAccepted("2012-06-30");
        s.OfficeTaken("Senator", StreamBuilder.Senate, "2015-03-12/2021-03-11", claimant: "The News");

        s.Status(D("2012-06-30")).StatusLine.ShouldBe("Senator — resignation accepted");
        s.Status(D("2013-01-01")).StatusLine.ShouldBe("Former Senator (resignation accepted 2012-06-30)");
        s.Status(D("2020-01-01")).StatusLine.ShouldBe("Senator", "the resignation of 2012 is not pending in the seat taken again in 2015");
    }

    [Fact]
    public void a_term_split_by_a_party_switch_is_one_tenure_held_from_the_first_start()
    {
        // Popolo records a switch as two memberships of one term; one file states both.
        var s = new StreamBuilder();
        s.OfficeTaken("Member", "Springfield Assembly", "2019-01-15/2020-06-30", claimant: "Springfield Assembly", term: 21);
        s.OfficeTaken("Member", "Springfield Assembly", "2020-07-01/2023-01-14", claimant: "Springfield Assembly", term: 21);

        Standing(s).State.ShouldBe(ContestState.Uncontested);
        var member = s.Status(D("2021-01-01")).Offices.ShouldHaveSingleItem();
        (member.Since, member.Until, member.Contested).ShouldBe((PartialDate.Parse("2019-01-15"), PartialDate.Parse("2023-01-14"), false));
        s.Status(D("2021-01-01")).StatusLine.ShouldBe("Member");
        s.Status(D("2020-06-30")).Offices.ShouldHaveSingleItem().Since.ShouldBe(PartialDate.Parse("2019-01-15"));
        s.Status(D("2023-01-15")).StatusLine.ShouldBe("Former Member (until 2023-01-14)");
    }

    [Fact]
    public void an_office_left_and_taken_again_is_two_stints_and_between_them_it_is_former()
    {
        var s = new StreamBuilder();
        s.OfficeTaken(Governor, Province, "1999/2002-10", claimant: "Dawn");
        s.OfficeTaken(Governor, Province, "2005-03-01", claimant: "The News");

        Standing(s).State.ShouldBe(ContestState.Uncontested, "the two starts belong to two stints");
        s.Status(D("2003-06-01")).StatusLine.ShouldBe("Former Governor (until 2002-10)");
        var again = s.Status(D("2006-01-01")).Offices.ShouldHaveSingleItem();
        (again.Since, again.Until).ShouldBe((PartialDate.Parse("2005-03-01"), null));
        s.Status().StatusLine.ShouldBe("Governor");
    }

    [Fact]
    public void a_start_inside_an_earlier_interval_still_conflicts_and_an_open_start_reaches_every_later_one()
    {
        var overlapping = new StreamBuilder();
        overlapping.OfficeTaken(Governor, Province, "1999/2004", claimant: "Dawn");
        overlapping.OfficeTaken(Governor, Province, "2002/2006", claimant: "The News");
        Standing(overlapping).Kind.ShouldBe(ContestKind.ValueConflict);

        var open = new StreamBuilder();
        open.OfficeTaken(Governor, Province, "1999", claimant: "Dawn");
        open.OfficeTaken(Governor, Province, "2005/2007", claimant: "The News");
        Standing(open).Kind.ShouldBe(ContestKind.ValueConflict, "a start with no end on record says it was still held in 2005");

        // One source of a stint says it went on past the next start: that stint has not ended before it.
        var disputed = new StreamBuilder();
        disputed.OfficeTaken(Governor, Province, "1999/2002", claimant: "Dawn");
        disputed.OfficeTaken(Governor, Province, "1999/2006", claimant: "The News");
        disputed.OfficeTaken(Governor, Province, "2004/2006", claimant: "Daily Times");
        var sides = disputed.Status().Contradictions.ShouldHaveSingleItem().Sides;
        sides.Select(side => side.Value).ShouldBe(["1999", "1999", "2004"]);
    }

    [Fact]
    public void a_day_left_ends_the_stint_begun_by_then_and_only_that_one()
    {
        var s = new StreamBuilder();
        s.OfficeTaken(Governor, Province, "1999/2002-10", claimant: "Dawn");
        s.OfficeLeft(Governor, Province, "2002-10-12", claimant: "The News", cause: LeaveCause.Dismissed);
        s.OfficeTaken(Governor, Province, "2005-03-01", claimant: "Daily Times");

        Standing(s).State.ShouldBe(ContestState.Uncontested);
        s.Status(D("2003-01-01")).StatusLine.ShouldBe("Former Governor (dismissed 2002-10-12)");
        s.Status(D("2006-01-01")).StatusLine.ShouldBe("Governor");

        // Left in 2006 is within the second stint: it ends that one.
        s.OfficeLeft(Governor, Province, "2006-05-02", claimant: "Dawn", cause: LeaveCause.Resigned);
        s.Status(D("2007-01-01")).StatusLine.ShouldBe("Former Governor (resigned 2006-05-02)");
    }

    [Fact]
    public void an_office_taken_left_and_taken_again_without_an_interval_is_two_stints()
    {
        // As news reports it: taken (no end given), left, taken again.
        var s = new StreamBuilder();
        s.OfficeTaken(Governor, Province, "2010-03-01", claimant: "Dawn");
        s.OfficeLeft(Governor, Province, "2012-07-15", claimant: "The News", cause: LeaveCause.Dismissed);
        var again = s.OfficeTaken(Governor, Province, "2014-01-10", claimant: "Daily Times");

        Standing(s).State.ShouldBe(ContestState.Uncontested, "a day left between two starts makes them two stints, not two answers");
        s.Status().Contradictions.ShouldBeEmpty();
        // Read in 2011 the day left has not come (a claim counts once its valid time has begun).
        var first = s.Status(D("2011-01-01")).Offices.ShouldHaveSingleItem();
        (first.Since, first.Until).ShouldBe((PartialDate.Parse("2010-03-01"), null));
        s.Status(D("2013-01-01")).StatusLine.ShouldBe("Former Governor (dismissed 2012-07-15)");
        var now = s.Status().Offices.ShouldHaveSingleItem();
        (now.Since, now.Until, now.Contested).ShouldBe((PartialDate.Parse("2014-01-10"), null, false));
        now.ClaimIds.ShouldBe([again], "the tenure cites its own term's claims, not the earlier term's");
    }

    [Fact]
    public void every_earlier_term_of_an_office_is_a_former_office_of_its_own()
    {
        // Governor twice, then a Senate term that ran on from one term into the next: three tenures on the record.
        var s = new StreamBuilder();
        var first = s.OfficeTaken(Governor, Province, "2001-03-01", claimant: "Dawn");
        var left = s.OfficeLeft(Governor, Province, "2003-07-15", claimant: "The News", cause: LeaveCause.Dismissed);
        var again = s.OfficeTaken(Governor, Province, "2008-01-10", claimant: "Daily Times");
        var resigned = s.OfficeLeft(Governor, Province, "2011-11-30", claimant: "Daily Times", cause: LeaveCause.Resigned);
        s.OfficeTaken("Senator", StreamBuilder.Senate, "2012-03-12/2015-03-11", claimant: "Dawn");
        s.OfficeTaken("Senator", StreamBuilder.Senate, "2015-03-12/2018-03-11", claimant: "Dawn");

        var status = s.Status(D("2016-01-01"));
        status.Offices.Select(t => (t.Office, t.Since)).ShouldBe([("Senator", PartialDate.Parse("2012-03-12"))],
            "two Senate terms, the second begun the day after the first ended, are one tenure");
        status.FormerOffices.Select(t => (t.Office, t.Since, t.Until, t.EndCause)).ShouldBe([
            (Governor, PartialDate.Parse("2008-01-10"), PartialDate.Parse("2011-11-30"), EndCause.Resigned),
            (Governor, PartialDate.Parse("2001-03-01"), PartialDate.Parse("2003-07-15"), EndCause.Dismissed)], "latest ended first");
        status.FormerOffices.Select(t => t.ClaimIds).ShouldBe([[again, resigned], [first, left]], "each term cites its own claims");
        status.StatusLine.ShouldBe("Senator");
        s.Status(D("2011-12-01")).StatusLine.ShouldBe("Former Governor (resigned 2011-11-30)");

        // Read in 2010, the second governorship is held and the first is a former office beside it.
        var in2010 = s.Status(D("2010-01-01"));
        in2010.Offices.ShouldHaveSingleItem().ClaimIds.ShouldBe([again]);
        in2010.FormerOffices.ShouldHaveSingleItem().Until.ShouldBe(PartialDate.Parse("2003-07-15"));
        // Read in 2002 only the first had begun: no earlier term, nothing former.
        s.Status(D("2002-01-01")).FormerOffices.ShouldBeEmpty();
    }

    [Fact]
    public void an_earlier_term_whose_end_an_upheld_dispute_denies_is_not_a_second_held_office()
    {
        // A term 2001-2003 per Dawn, dismissed on 2003-07-15 per The News; a fact-checker upholds "he was not dismissed
        // on 2003-07-15". A second term from 2008.
        var s = new StreamBuilder();
        s.OfficeTaken(Governor, Province, "2001-03-01/2003-07-15", claimant: "Dawn");
        var left = s.OfficeLeft(Governor, Province, "2003-07-15", claimant: "The News", cause: LeaveCause.Dismissed);
        s.Rule(s.Dispute(left, claimant: "Secretariat", validTime: "2003-07-15"), Verdict.True, "not dismissed then");
        s.OfficeTaken(Governor, Province, "2008-01-10", claimant: "Daily Times");

        var status = s.Status(D("2010-01-01"));
        status.Offices.Select(t => (t.Office, t.Since)).ShouldHaveSingleItem(
            "one Governor held on the day; got " + string.Join(" + ", status.Offices.Select(t => $"{t.Office} since {t.Since}")));
    }

    [Fact]
    public void a_day_left_ruled_false_splits_nothing_as_a_dispute_of_it_upheld_does()
    {
        var s = new StreamBuilder();
        s.OfficeTaken("Senator", StreamBuilder.Senate, "2010-03-12", claimant: "Dawn");
        var left = s.OfficeLeft("Senator", StreamBuilder.Senate, "2012-07-15", claimant: "The News");
        s.OfficeTaken("Senator", StreamBuilder.Senate, "2014-01-10", claimant: "Daily Times");
        s.Rule(left, Verdict.False, "never left");

        // The two starts are then one stint's, and they disagree.
        Standing(s).Kind.ShouldBe(ContestKind.ValueConflict);
        s.Status().Offices.ShouldHaveSingleItem().Contested.ShouldBeTrue();
    }

    [Fact]
    public void a_day_left_splits_only_when_it_falls_after_the_open_start_and_wholly_before_the_next()
    {
        // Left before the first start: it splits nothing, the two starts are one stint's and conflict.
        var before = new StreamBuilder();
        before.OfficeTaken(Governor, Province, "2010-03-01", claimant: "Dawn");
        before.OfficeLeft(Governor, Province, "2009-12-31", claimant: "The News");
        before.OfficeTaken(Governor, Province, "2014-01-10", claimant: "Daily Times");
        Standing(before).Kind.ShouldBe(ContestKind.ValueConflict);

        // "Left in 2014" may be after the start of 2014-01-10: no split.
        var imprecise = new StreamBuilder();
        imprecise.OfficeTaken(Governor, Province, "2010-03-01", claimant: "Dawn");
        imprecise.OfficeLeft(Governor, Province, "2014", claimant: "The News");
        imprecise.OfficeTaken(Governor, Province, "2014-01-10", claimant: "Daily Times");
        Standing(imprecise).Kind.ShouldBe(ContestKind.ValueConflict);

        // Two sources disagree on the first start (2010 against 2011), both before the day left: that conflict stays, and
        // the start of 2014 is a stint of its own.
        var conflicting = new StreamBuilder();
        conflicting.OfficeTaken(Governor, Province, "2010-03-01", claimant: "Dawn");
        conflicting.OfficeTaken(Governor, Province, "2011-03-01", claimant: "The Nation");
        conflicting.OfficeLeft(Governor, Province, "2012-07-15", claimant: "The News");
        conflicting.OfficeTaken(Governor, Province, "2014-01-10", claimant: "Daily Times");
        Standing(conflicting).Kind.ShouldBe(ContestKind.ValueConflict);
        conflicting.Status(D("2012-01-01")).Offices.ShouldHaveSingleItem().Contested.ShouldBeTrue();
        conflicting.Status().Offices.ShouldHaveSingleItem().Contested.ShouldBeFalse("the stint held now is not the contested one");
    }

    [Fact]
    public void a_party_joined_left_and_joined_again_is_held_from_the_rejoining()
    {
        var s = new StreamBuilder();
        var joined = s.PartyJoined("Green Party", "2010-02-01");
        var left = s.PartyLeft("Green Party", "2012-05-20");
        s.PartyJoined("Green Party", "2014-09-01");

        s.Status(D("2011-01-01")).Parties.ShouldHaveSingleItem().Since.ShouldBe(PartialDate.Parse("2010-02-01"));
        s.Status(D("2013-01-01")).StatusLine.ShouldBe("No office on record");
        var now = s.Status();
        now.Parties.ShouldHaveSingleItem().Since.ShouldBe(PartialDate.Parse("2014-09-01"));
        now.StatusLine.ShouldBe("Member of Green Party");
        now.Contradictions.ShouldBeEmpty();
        // The first membership is part of the career too, with its own claims.
        var former = now.FormerParties.ShouldHaveSingleItem();
        (former.Since, former.Until).ShouldBe((PartialDate.Parse("2010-02-01"), PartialDate.Parse("2012-05-20")));
        former.ClaimIds.ShouldBe([joined]);
        _ = left;
    }

    [Fact]
    public void a_party_membership_of_two_consecutive_terms_is_held_from_the_first_and_a_rejoining_from_its_own_start()
    {
        var s = new StreamBuilder();
        s.PartyJoined("Green Party", "2015-01-15/2019-01-14");
        s.PartyJoined("Green Party", "2019-01-15/2023-01-14");
        s.PartyJoined("Blue Party", "2005/2008");
        s.PartyJoined("Blue Party", "2024-02");

        s.Status(D("2021-01-01")).Parties.ShouldHaveSingleItem().ShouldSatisfyAllConditions(
            p => p.Party.ShouldBe("Green Party"), p => p.Since.ShouldBe(PartialDate.Parse("2015-01-15")));
        s.Status(D("2023-06-01")).StatusLine.ShouldBe("No office on record");
        s.Status(D("2024-03-01")).Parties.ShouldHaveSingleItem().Since.ShouldBe(PartialDate.Parse("2024-02"));
    }

    // --- the reported clock --------------------------------------------------------------------------------------

    [Fact]
    public void reported_at_folds_only_what_had_been_published_by_then_in_the_sources_own_time_zone()
    {
        var s = new StreamBuilder();
        var early = new SourceRef("src-early", "https://example.org/early", "Dawn", "Early", new DateTimeOffset(2013, 11, 30, 9, 0, 0, TimeSpan.FromHours(5)));
        var late = new SourceRef("src-late", "https://example.org/late", "The Nation", "Late", new DateTimeOffset(2013, 12, 1, 2, 39, 59, TimeSpan.FromHours(5)));
        s.Request(new AppendClaimRequest(nameof(OfficeHeld), ValidTime: "2013-11", Office: "Senator", Organization: StreamBuilder.Senate), source: early);
        s.Request(new AppendClaimRequest(nameof(ResignationTendered), ValidTime: "2013-11", Office: "Senator", Organization: StreamBuilder.Senate), source: early);
        s.Request(new AppendClaimRequest(nameof(ResignationDenied), ValidTime: "2013-11", Office: "Senator", Organization: StreamBuilder.Senate), source: late);

        StatusReportedBy(s, "2013-11-30").StatusLine.ShouldBe("Senator — resignation tendered");
        // 2013-12-01T02:39:59+05:00 is 2013-11-30 in UTC, but its dateline says 1 December.
        StatusReportedBy(s, "2013-12-01").StatusLine.ShouldBe("Senator — resignation tendered (contested)");
        StatusReportedBy(s, "2013-11-29").StatusLine.ShouldBe("No office on record");
    }

    private static CurrentStatus StatusReportedBy(StreamBuilder s, string day) =>
        CurrentStatus.From(PersonDossier.Replay(s.Events, new ReportedBy(D(day), null)));
}
