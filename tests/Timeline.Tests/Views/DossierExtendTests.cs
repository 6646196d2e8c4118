using Shouldly;
using Timeline.Claims;
using Xunit;

namespace Timeline.Tests.Views;

/// <summary>
/// A dossier brought forward with later events: the new one has them, the one it came from is as it was, since a node
/// keeps it and other requests may still be reading it.
/// </summary>
public sealed class DossierExtendTests
{
    [Fact]
    public void the_new_events_are_folded_into_a_copy_and_the_kept_dossier_is_unchanged()
    {
        var s = new StreamBuilder();
        var tender = s.ResignationTendered();
        var denial = s.ResignationDenied();
        var kept = s.Dossier();
        s.Rule(denial, Verdict.False);
        s.Retract(tender);
        var confirmation = s.ResignationConfirmed();

        var next = kept.Extend(s.Events.Skip((int)kept.Version));

        next.Version.ShouldBe(6);
        next.LastSequence.ShouldBe(s.Events[^1].Sequence);
        next.Claims.Select(c => c.Id).ShouldBe([tender, denial, confirmation]);
        next.FindClaim(denial)!.Rulings.ShouldHaveSingleItem().Verdict.ShouldBe(Verdict.False);
        next.FindClaim(tender)!.Retraction.ShouldNotBeNull();

        kept.Version.ShouldBe(3);
        kept.LastSequence.ShouldBe(s.Events[2].Sequence);
        kept.Claims.Select(c => c.Id).ShouldBe([tender, denial]);
        kept.FindClaim(denial)!.Rulings.ShouldBeEmpty();
        kept.FindClaim(tender)!.Retraction.ShouldBeNull();
        kept.Claims.ShouldAllBe(c => c.Rulings.Count == 0 && c.Retraction == null);
    }

    [Fact]
    public void a_claim_amended_twice_in_one_step_keeps_both_amendments()
    {
        var s = new StreamBuilder();
        var tender = s.ResignationTendered();
        var kept = s.Dossier();
        s.Rule(tender, Verdict.Misleading);
        s.Rule(tender, Verdict.True);

        var next = kept.Extend(s.Events.Skip((int)kept.Version));

        next.FindClaim(tender)!.Rulings.Select(r => r.Verdict).ShouldBe([Verdict.Misleading, Verdict.True]);
        next.Claims.ShouldHaveSingleItem().ShouldBeSameAs(next.FindClaim(tender));
        kept.FindClaim(tender)!.Rulings.ShouldBeEmpty();
    }
}
