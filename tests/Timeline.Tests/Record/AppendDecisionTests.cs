using Microsoft.AspNetCore.Http.HttpResults;
using Shouldly;
using Timeline.Claims;
using Timeline.Hosting;
using Timeline.People;
using Timeline.Sources;
using Timeline.Tests.Views;
using Xunit;

namespace Timeline.Tests.Record;

/// <summary>The write path's decisions, pure: given the person's stream so far and a request, what is appended or refused.</summary>
public sealed class AppendDecisionTests
{
    private const string Quote = "Kamal has tendered his resignation";

    private static readonly SourceDocument Source = new()
    {
        Id = StreamBuilder.Source.Id, Url = StreamBuilder.Source.Url, Publisher = StreamBuilder.Source.Publisher,
        Title = StreamBuilder.Source.Title, PublishedAt = StreamBuilder.Source.PublishedAt, Text = $"Reports say {Quote} to the chairman.",
    };

    private readonly StreamBuilder _stream = new();

    private static AppendClaimRequest Request(string type, Guid? claimId = null, Guid? target = null, string? validTime = "2013-11") =>
        new(type, claimId, validTime, Source.Id, new ClaimantInput("Senate Secretariat", null, "Senate of Pakistan"), Quote, "tester",
            Office: "Senator", Organization: "Senate of Pakistan", TargetClaimId: target, Reason: "withdrawn by the source");

    private Decision Decide(AppendClaimRequest request, Guid? claimId = null)
    {
        ClaimTypes.Check(request, out var validTime).Any.ShouldBeFalse();
        var dossier = _stream.Dossier();
        var id = claimId ?? request.ClaimId ?? Guid.NewGuid();
        var target = request.TargetClaimId is { } targetId ? dossier.FindClaim(targetId) : null;
        return AppendClaimEndpoint.Decide(dossier.Id, request, id, validTime, Source, dossier.FindClaim(id), target);
    }

    /// <summary>Decides and, when the decision appends, puts its events on the stream as Marten would.</summary>
    private Decision DecideAndAppend(AppendClaimRequest request)
    {
        var decision = Decide(request);
        foreach (var e in decision.Events) _stream.Append(e);
        return decision;
    }

    private static int StatusOf(Decision decision) => decision.Refusal.ShouldBeOfType<ProblemHttpResult>().StatusCode;

    [Fact]
    public void a_tender_is_appended_as_its_catalogue_event_about_the_body_resigned_from()
    {
        var decision = Decide(Request(nameof(ResignationTendered)));

        decision.Refusal.ShouldBeNull();
        var tendered = decision.Events.ShouldHaveSingleItem().ShouldBeOfType<ResignationTendered>();
        tendered.Claim.Proposition.ShouldBe(new Proposition(StreamBuilder.PersonId, Predicates.ResignedFrom, "Senate of Pakistan"));
        tendered.Claim.Stance.ShouldBe(Stance.Asserts);
        tendered.Claim.ValidTime.ShouldBe(new ValidTime(new PartialDate(2013, 11)));
        tendered.Claim.Attribution.Source.ShouldBe(Source.ToRef());
        tendered.Claim.Attribution.Claimant.ShouldBe(new Claimant("Senate Secretariat", null, "Senate of Pakistan"));
    }

    [Fact]
    public void a_denial_lands_on_the_same_proposition_as_the_tender_on_the_other_side()
    {
        var tender = (IClaimEvent)Decide(Request(nameof(ResignationTendered))).Events[0];
        var denial = (IClaimEvent)Decide(Request(nameof(ResignationDenied))).Events[0];

        denial.Claim.Proposition.Key.ShouldBe(tender.Claim.Proposition.Key);
        denial.Claim.Stance.ShouldBe(Stance.Denies);
    }

    [Fact]
    public void an_office_taken_carries_its_start_as_the_value_compared_across_claims()
    {
        var taken = Decide(Request(nameof(OfficeTaken), validTime: "2011/2015")).Events.ShouldHaveSingleItem().ShouldBeOfType<OfficeTaken>();

        taken.Claim.Proposition.Predicate.ShouldBe(Predicates.HeldOffice);
        taken.Claim.Proposition.Object.ShouldBe("Senator, Senate of Pakistan");
        taken.Claim.Value.ShouldBe("2011");
    }

    [Fact]
    public void retrying_a_claim_id_with_the_same_content_appends_nothing_and_answers_as_before()
    {
        var claimId = Guid.NewGuid();
        DecideAndAppend(Request(nameof(ResignationTendered), claimId));

        var retry = Decide(Request(nameof(ResignationTendered), claimId));

        retry.Refusal.ShouldBeNull();
        retry.Events.ShouldBeEmpty();
        retry.ResultId.ShouldBe(claimId);
    }

    [Fact]
    public void reusing_a_claim_id_for_other_content_is_a_conflict()
    {
        var claimId = Guid.NewGuid();
        DecideAndAppend(Request(nameof(ResignationTendered), claimId));

        StatusOf(Decide(Request(nameof(ResignationDenied), claimId))).ShouldBe(409);
        StatusOf(Decide(Request(nameof(ResignationTendered), claimId, validTime: "2013-12"))).ShouldBe(409);
    }

    [Fact]
    public void a_dispute_joins_the_opposite_side_of_the_disputed_claim()
    {
        var tender = (IClaimEvent)DecideAndAppend(Request(nameof(ResignationTendered))).Events[0];

        var dispute = Decide(Request(nameof(ClaimDisputed), target: tender.Claim.ClaimId)).Events.ShouldHaveSingleItem().ShouldBeOfType<ClaimDisputed>();

        dispute.DisputedClaimId.ShouldBe(tender.Claim.ClaimId);
        dispute.Claim.Proposition.ShouldBe(tender.Claim.Proposition);
        dispute.Claim.Stance.ShouldBe(Stance.Denies);
    }

    [Fact]
    public void a_claim_id_already_used_about_another_person_is_a_conflict()
    {
        var request = Request(nameof(ResignationTendered));
        ClaimTypes.Check(request, out var validTime);
        var elsewhere = new ClaimRecord { Id = Guid.NewGuid(), PersonId = "someone-else" };

        StatusOf(AppendClaimEndpoint.Decide(StreamBuilder.PersonId, request, elsewhere.Id, validTime, Source, elsewhere, null)).ShouldBe(409);
    }

    [Fact]
    public void disputing_or_retracting_a_claim_that_is_not_in_the_stream_is_refused()
    {
        StatusOf(Decide(Request(nameof(ClaimDisputed), target: Guid.NewGuid()))).ShouldBe(422);
        StatusOf(Decide(Request(ClaimTypes.Retraction, target: Guid.NewGuid()))).ShouldBe(422);
    }

    [Fact]
    public void a_retraction_names_the_claim_and_its_proposition_and_cannot_happen_twice()
    {
        var tender = (IClaimEvent)DecideAndAppend(Request(nameof(ResignationTendered))).Events[0];

        var retraction = DecideAndAppend(Request(ClaimTypes.Retraction, target: tender.Claim.ClaimId)).Events.ShouldHaveSingleItem().ShouldBeOfType<ClaimRetracted>();
        retraction.ClaimId.ShouldBe(tender.Claim.ClaimId);
        retraction.Proposition.ShouldBe(tender.Claim.Proposition);
        _stream.Dossier().FindClaim(tender.Claim.ClaimId)!.IsRetracted.ShouldBeTrue();

        StatusOf(Decide(Request(ClaimTypes.Retraction, target: tender.Claim.ClaimId))).ShouldBe(409);
    }

    [Theory]
    [InlineData("Nope", null, "type")]
    [InlineData(nameof(OfficeTaken), null, "validTime")]
    [InlineData(nameof(OfficeTaken), "2013-02-30", "validTime")]
    [InlineData(nameof(OfficeTaken), "2010/2005", "validTime")]
    [InlineData(nameof(OfficeLeft), "2013", "cause")]
    [InlineData(nameof(PartyJoined), "2013", "party")]
    [InlineData(nameof(StatementMade), "2013", "statement")]
    [InlineData(nameof(ClaimDisputed), "2013", "targetClaimId")]
    public void a_request_missing_what_its_type_needs_is_refused_naming_the_field(string type, string? validTime, string field)
    {
        var request = new AppendClaimRequest(type, null, validTime, Source.Id, new ClaimantInput("Someone"), Quote, "tester");

        var errors = ClaimTypes.Check(request, out _);

        errors.Any.ShouldBeTrue();
        var problem = errors.ToProblem().ProblemDetails;
        problem.Status.ShouldBe(422);
        problem.Extensions["errors"].ShouldBeAssignableTo<IReadOnlyDictionary<string, string[]>>()!.Keys.ShouldContain(field);
    }

    [Fact]
    public void an_anonymous_claimant_needs_no_name_and_is_recorded_as_an_anonymous_source()
    {
        var request = Request(nameof(ResignationTendered)) with { Claimant = new ClaimantInput(null, null, "Nine Zero", Anonymous: true) };

        var tendered = (IClaimEvent)Decide(request).Events[0];

        tendered.Claim.Attribution.Claimant.ShouldBe(new Claimant("anonymous source", null, "Nine Zero", true));
    }
}
