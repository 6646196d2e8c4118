using Shouldly;
using Timeline.Claims;
using Timeline.Contradictions;
using Timeline.People;
using Xunit;

namespace Timeline.Tests.Views;

/// <summary>Given events → document: how claims about one proposition contest it and how it is resolved.</summary>
public sealed class ContradictionRuleTests
{
    private static PropositionStanding Standing(StreamBuilder s, string key) =>
        PropositionLedger.Evaluate(s.Dossier().Claims.Where(c => c.Proposition.Key == key));

    private static ContradictionView? Contradiction(CurrentStatus status, string key) =>
        status.Contradictions.SingleOrDefault(c => c.Id == key);

    [Fact]
    public void an_assertion_and_a_denial_of_the_same_proposition_are_an_open_contradiction()
    {
        var s = new StreamBuilder();
        s.Senator();
        var tendered = s.ResignationTendered();
        var denied = s.ResignationDenied();

        var standing = Standing(s, StreamBuilder.ResignationKey);
        standing.State.ShouldBe(ContestState.Open);
        standing.Kind.ShouldBe(ContestKind.AssertionDenied);
        standing.Holds.ShouldBeNull();

        var status = s.Status();
        status.StatusLine.ShouldBe("Senator — resignation tendered (contested)");
        status.OpenContradictions.ShouldBe(1);
        var contradiction = Contradiction(status, StreamBuilder.ResignationKey).ShouldNotBeNull();
        contradiction.State.ShouldBe(ContestState.Open);
        contradiction.Sides.Count.ShouldBe(2);
        contradiction.Sides[0].Stance.ShouldBe(Stance.Asserts);
        contradiction.Sides[0].Claims.Select(c => c.Id).ShouldBe([tendered]);
        contradiction.Sides[1].Stance.ShouldBe(Stance.Denies);
        contradiction.Sides[1].Claims.Select(c => c.Id).ShouldBe([denied]);
        contradiction.Sides[1].Claims[0].Attribution.Claimant.Name.ShouldBe("Nasir Jamal");
        contradiction.ContestedSince.ShouldBe(s.Dossier().FindClaim(denied)!.RecordedAt);
    }

    [Fact]
    public void a_contradiction_is_found_by_proposition_not_by_wording()
    {
        // Different claim types and claimants, object spelled differently: the same proposition.
        var s = new StreamBuilder();
        s.Statement("had-differences-with", "Muttahida Qaumi Movement", Stance.Asserts, claimant: "Agencies");
        s.Statement("had-differences-with", "muttahida  qaumi movement", Stance.Denies, claimant: "Babar Ghauri");

        var status = s.Status();
        status.OpenContradictions.ShouldBe(1);
        status.Contradictions.Single().Id.ShouldBe($"{StreamBuilder.PersonId}/had-differences-with/muttahida-qaumi-movement");
    }

    [Fact]
    public void assertions_alone_or_claims_about_different_propositions_do_not_conflict()
    {
        var s = new StreamBuilder();
        s.Senator();
        s.ResignationTendered();
        s.ResignationConfirmed();
        s.Statement("had-differences-with", "MQM", Stance.Denies);

        var status = s.Status();
        status.OpenContradictions.ShouldBe(0);
        status.Contradictions.ShouldBeEmpty();
        status.StatusLine.ShouldBe("Senator — resignation tendered");
    }

    [Fact]
    public void two_different_start_years_for_one_office_are_an_open_value_conflict()
    {
        var s = new StreamBuilder();
        s.OfficeTaken("Senator", StreamBuilder.Senate, "2011", claimant: "Paper A");
        s.OfficeTaken("Senator", StreamBuilder.Senate, "2012", claimant: "Paper B");

        var status = s.Status();
        status.OpenContradictions.ShouldBe(1);
        var contradiction = status.Contradictions.Single();
        contradiction.Kind.ShouldBe(ContestKind.ValueConflict);
        contradiction.State.ShouldBe(ContestState.Open);
        contradiction.Sides.Select(side => side.Value).ShouldBe(["2011", "2012"]);
        contradiction.Sides.ShouldAllBe(side => side.Stance == Stance.Asserts);
        status.Offices.Single().Contested.ShouldBeTrue();
    }

    [Fact]
    public void a_date_that_refines_another_is_no_value_conflict()
    {
        var s = new StreamBuilder();
        s.OfficeTaken("Senator", StreamBuilder.Senate, "2011", claimant: "Paper A");
        s.OfficeTaken("Senator", StreamBuilder.Senate, "2011-03", claimant: "Paper B");
        s.OfficeTaken("Senator", StreamBuilder.Senate, "2011-03-12", claimant: "Paper C");

        var status = s.Status();
        status.OpenContradictions.ShouldBe(0);
        status.Contradictions.ShouldBeEmpty();
        status.Offices.Single().Contested.ShouldBeFalse();
        PropositionLedger.ValuesAgree("2011", "2011-03").ShouldBeTrue();
        PropositionLedger.ValuesAgree("2011-03", "2011-04").ShouldBeFalse();
        PropositionLedger.ValuesAgree("Senate of Pakistan", "senate  of pakistan").ShouldBeTrue();
    }

    [Fact]
    public void statements_with_different_values_conflict_and_a_false_ruling_on_one_resolves_to_the_other()
    {
        var s = new StreamBuilder();
        s.Statement("born-in", "year", Stance.Asserts, value: "1971", claimant: "Paper A");
        var wrong = s.Statement("born-in", "year", Stance.Asserts, value: "1972", claimant: "Paper B");
        var key = $"{StreamBuilder.PersonId}/born-in/year";

        Standing(s, key).ShouldSatisfyAllConditions(
            x => x.State.ShouldBe(ContestState.Open),
            x => x.Kind.ShouldBe(ContestKind.ValueConflict));

        s.Rule(wrong, Verdict.False);
        var standing = Standing(s, key);
        standing.State.ShouldBe(ContestState.Resolved);
        standing.Holds.ShouldBe(true);
        standing.Value.ShouldBe("1971");
        standing.ResolvedBy.ShouldBe(wrong);
    }

    [Fact]
    public void a_true_ruling_on_the_assertion_resolves_and_the_status_line_says_confirmed()
    {
        var s = new StreamBuilder();
        s.Senator();
        s.ResignationTendered();
        var confirmed = s.ResignationConfirmed();
        s.ResignationDenied();
        s.Status().StatusLine.ShouldBe("Senator — resignation tendered (contested)");

        s.Rule(confirmed, Verdict.True, "the Secretariat's own statement");

        var standing = Standing(s, StreamBuilder.ResignationKey);
        standing.State.ShouldBe(ContestState.Resolved);
        standing.Holds.ShouldBe(true);
        standing.ResolvedBy.ShouldBe(confirmed);
        standing.ResolutionRule.ShouldBe("ruling");

        var status = s.Status();
        status.StatusLine.ShouldBe("Senator — resignation tendered (confirmed)");
        status.OpenContradictions.ShouldBe(0);
        Contradiction(status, StreamBuilder.ResignationKey).ShouldNotBeNull().State.ShouldBe(ContestState.Resolved);
        status.Offices.Single().Contested.ShouldBeFalse();
    }

    [Fact]
    public void a_true_ruling_on_the_denial_resolves_against_the_proposition()
    {
        var s = new StreamBuilder();
        s.Senator();
        s.ResignationTendered();
        var denied = s.ResignationDenied();

        s.Rule(denied, Verdict.True);

        var standing = Standing(s, StreamBuilder.ResignationKey);
        standing.State.ShouldBe(ContestState.Resolved);
        standing.Holds.ShouldBe(false);
        s.Status().StatusLine.ShouldBe("Senator");
    }

    [Fact]
    public void a_false_ruling_on_the_only_denial_resolves_in_favour_of_the_assertion()
    {
        var s = new StreamBuilder();
        s.Senator();
        s.ResignationTendered();
        var denied = s.ResignationDenied();

        s.Rule(denied, Verdict.False, "the Secretariat confirmed it");

        var standing = Standing(s, StreamBuilder.ResignationKey);
        standing.State.ShouldBe(ContestState.Resolved);
        standing.Holds.ShouldBe(true);
        standing.ResolvedBy.ShouldBe(denied);
        var status = s.Status();
        status.OpenContradictions.ShouldBe(0);
        status.StatusLine.ShouldBe("Senator — resignation tendered (confirmed)");
    }

    [Fact]
    public void a_false_ruling_that_leaves_the_sides_still_disagreeing_settles_nothing()
    {
        var s = new StreamBuilder();
        s.Senator();
        s.ResignationTendered();
        var firstDenial = s.ResignationDenied(claimant: "Nasir Jamal");
        s.ResignationDenied(claimant: "Babar Ghauri");

        s.Rule(firstDenial, Verdict.False);

        Standing(s, StreamBuilder.ResignationKey).State.ShouldBe(ContestState.Open);
        s.Status().StatusLine.ShouldBe("Senator — resignation tendered (contested)");
    }

    [Theory]
    [InlineData(Verdict.Misleading)]
    [InlineData(Verdict.Unproven)]
    public void misleading_and_unproven_rulings_settle_nothing(Verdict verdict)
    {
        var s = new StreamBuilder();
        s.Senator();
        var tendered = s.ResignationTendered();
        var denied = s.ResignationDenied();

        s.Rule(tendered, verdict);
        s.Rule(denied, verdict);

        Standing(s, StreamBuilder.ResignationKey).State.ShouldBe(ContestState.Open);
        var status = s.Status();
        status.OpenContradictions.ShouldBe(1);
        status.StatusLine.ShouldBe("Senator — resignation tendered (contested)");
        var entry = s.Timeline().Entries.Single(e => e.Claim.Id == tendered);
        entry.Ruling.ShouldBe(verdict);
        entry.ContestState.ShouldBe(ContestState.Open);
    }

    [Fact]
    public void a_misleading_ruling_after_a_true_one_does_not_undo_it()
    {
        var s = new StreamBuilder();
        s.Senator();
        var tendered = s.ResignationTendered();
        s.ResignationDenied();
        s.Rule(tendered, Verdict.True);
        s.Rule(tendered, Verdict.Misleading);

        Standing(s, StreamBuilder.ResignationKey).State.ShouldBe(ContestState.Resolved);
        s.Status().StatusLine.ShouldBe("Senator — resignation tendered (confirmed)");
    }

    [Fact]
    public void retracting_the_only_denial_removes_the_contest()
    {
        var s = new StreamBuilder();
        s.Senator();
        s.ResignationTendered();
        var denied = s.ResignationDenied();
        s.Status().OpenContradictions.ShouldBe(1);

        s.Retract(denied);

        var status = s.Status();
        status.OpenContradictions.ShouldBe(0);
        Contradiction(status, StreamBuilder.ResignationKey).ShouldBeNull();
        status.StatusLine.ShouldBe("Senator — resignation tendered");
        var entry = s.Timeline().Entries.Single(e => e.Claim.Id == denied);
        entry.Retracted.ShouldBeTrue();
        entry.ContestState.ShouldBe(ContestState.Uncontested);
    }

    [Fact]
    public void a_retracted_claim_leaves_its_side_but_is_still_shown_as_retracted()
    {
        var s = new StreamBuilder();
        s.Senator();
        var first = s.ResignationTendered(claimant: "Reporter");
        var second = s.ResignationConfirmed(claimant: "Senate Secretariat");
        s.ResignationDenied();

        s.Retract(first);

        var contradiction = Contradiction(s.Status(), StreamBuilder.ResignationKey).ShouldNotBeNull();
        contradiction.State.ShouldBe(ContestState.Open);
        contradiction.Sides[0].Claims.Select(c => c.Id).ShouldBe([second]);
        contradiction.Retracted.Select(c => c.Id).ShouldBe([first]);
    }

    [Fact]
    public void retracting_the_only_assertion_leaves_the_proposition_denied()
    {
        var s = new StreamBuilder();
        s.Senator();
        var tendered = s.ResignationTendered();
        s.ResignationDenied();

        s.Retract(tendered);

        var status = s.Status();
        status.OpenContradictions.ShouldBe(0);
        status.StatusLine.ShouldBe("Senator");
    }

    [Fact]
    public void retracting_one_of_two_conflicting_values_removes_the_value_conflict()
    {
        var s = new StreamBuilder();
        s.OfficeTaken("Senator", StreamBuilder.Senate, "2011", claimant: "Paper A");
        var wrong = s.OfficeTaken("Senator", StreamBuilder.Senate, "2012", claimant: "Paper B");

        s.Retract(wrong);

        var status = s.Status();
        status.OpenContradictions.ShouldBe(0);
        status.Offices.Single().Since.ShouldBe(PartialDate.Parse("2011"));
    }

    [Fact]
    public void the_body_accepting_the_resignation_resolves_the_contest_and_ends_the_office()
    {
        var s = new StreamBuilder();
        s.Senator("2012/");
        s.ResignationTendered();
        s.ResignationDenied();
        var accepted = s.ResignationAccepted("2013-12-05");

        var standing = Standing(s, StreamBuilder.ResignationKey);
        standing.State.ShouldBe(ContestState.Resolved);
        standing.Holds.ShouldBe(true);
        standing.ResolvedBy.ShouldBe(accepted);
        standing.ResolutionRule.ShouldBe("authoritative act");

        var status = s.Status();
        status.StatusLine.ShouldBe("Former Senator (resignation accepted 2013-12-05)");
        status.Offices.ShouldBeEmpty();
        status.FormerOffices.Single().Until.ShouldBe(PartialDate.Parse("2013-12-05"));
        status.OpenContradictions.ShouldBe(0);

        // On a date before the acceptance the senator still held the seat, with the resignation pending.
        var before = s.Status(new DateOnly(2013, 12, 4));
        before.Offices.Single().Office.ShouldBe("Senator");
        before.StatusLine.ShouldStartWith("Senator — resignation tendered");
        // On the day itself the seat is still held, and the body has accepted the resignation.
        s.Status(new DateOnly(2013, 12, 5)).StatusLine.ShouldBe("Senator — resignation accepted");
        var after = s.Status(new DateOnly(2013, 12, 6));
        after.StatusLine.ShouldBe("Former Senator (resignation accepted 2013-12-05)");
    }

    [Fact]
    public void the_authoritative_act_wins_over_a_later_true_ruling_on_the_denial()
    {
        var s = new StreamBuilder();
        s.Senator("2012/");
        s.ResignationTendered();
        var denied = s.ResignationDenied();
        s.ResignationAccepted();
        s.Rule(denied, Verdict.True);

        Standing(s, StreamBuilder.ResignationKey).ResolutionRule.ShouldBe("authoritative act");
        s.Status().StatusLine.ShouldBe("Former Senator (resignation accepted 2013-12)");
    }

    [Fact]
    public void an_acceptance_ruled_false_neither_ends_the_office_nor_settles_the_contest()
    {
        // The acceptance is the authoritative act only if it happened: a fact-checker's "false" on it discounts it.
        var s = new StreamBuilder();
        s.Senator("2012/");
        s.ResignationTendered();
        s.ResignationDenied();
        var accepted = s.ResignationAccepted();
        s.Rule(accepted, Verdict.False, "the notice was forged");

        var status = s.Status();
        status.Offices.Single().Office.ShouldBe("Senator"); // the office stands: the acceptance is discounted
        Standing(s, StreamBuilder.ResignationKey).State.ShouldBe(ContestState.Open);
        status.StatusLine.ShouldBe("Senator — resignation tendered (contested)");
    }

    [Fact]
    public void a_retracted_acceptance_neither_ends_the_office_nor_settles_the_contest()
    {
        var s = new StreamBuilder();
        s.Senator("2012/");
        s.ResignationTendered();
        s.ResignationDenied();
        var accepted = s.ResignationAccepted();
        s.Retract(accepted);

        var status = s.Status();
        status.StatusLine.ShouldBe("Senator — resignation tendered (contested)");
        status.OpenContradictions.ShouldBe(1);
    }

    [Fact]
    public void open_contradictions_are_listed_newest_first()
    {
        var s = new StreamBuilder();
        s.Senator();
        s.ResignationTendered();
        s.Statement("had-differences-with", "MQM", Stance.Asserts);
        s.ResignationDenied();                                          // resignation contested first
        s.Statement("had-differences-with", "MQM", Stance.Denies);    // then the differences

        var contradictions = s.Status().Contradictions;
        contradictions.Select(c => c.Proposition.Predicate).ShouldBe(["had-differences-with", Predicates.ResignedFrom]);
        contradictions.Select(c => c.ContestedSince).ShouldBeInOrder(SortDirection.Descending);
    }

    [Fact]
    public void the_contradiction_document_and_the_person_view_agree()
    {
        // The cross-person Contradiction document (folded per proposition) must say what the person's view says.
        var s = new StreamBuilder();
        s.Senator();
        s.ResignationTendered();
        var denied = s.ResignationDenied();
        s.ResignationConfirmed();
        s.Rule(denied, Verdict.Misleading);

        var document = new Contradiction { Id = StreamBuilder.ResignationKey };
        foreach (var e in s.Events.Where(e => e.Data is IClaimEvent c ? c.Claim.Proposition.Key == document.Id : e.Data is IClaimAmendment a && a.Proposition.Key == document.Id))
        {
            document.Record(e);
        }

        var fromDocument = ContradictionView.From(document);
        var fromPerson = Contradiction(s.Status(), StreamBuilder.ResignationKey).ShouldNotBeNull();
        fromDocument.State.ShouldBe(fromPerson.State);
        fromDocument.ContestedSince.ShouldBe(fromPerson.ContestedSince);
        fromDocument.Sides.Select(x => x.Claims.Select(c => c.Id).ToList()).ShouldBe(fromPerson.Sides.Select(x => x.Claims.Select(c => c.Id).ToList()));
    }
}
