using JasperFx.Events;
using Marten.Events.Projections;
using Timeline.Claims;

namespace Timeline.Contradictions;

/// <summary>
/// One proposition and every claim about it, across sources. Listed as a contradiction while its claims conflict;
/// id is the proposition key (person/predicate/object).
/// </summary>
public sealed class Contradiction
{
    public string Id { get; set; } = "";
    public string PersonId { get; set; } = "";
    public Proposition Proposition { get; set; } = new("", "", "");
    public List<ClaimRecord> Claims { get; set; } = [];
    public ContestState State { get; set; }
    public ContestKind Kind { get; set; }
    public PropositionStanding Standing { get; set; } = new(ContestState.Uncontested, ContestKind.None, null, null, null, null);

    /// <summary>When the claims last came to conflict; orders the list newest first.</summary>
    public DateTimeOffset? ContestedSince { get; set; }


    public void Record(IEvent e)
    {
        switch (e.Data)
        {
            case IClaimEvent claim:
                Claims.Add(ClaimRecord.From(e, claim));
                break;
            case IClaimAmendment amendment:
                Claims.Find(c => c.Id == amendment.ClaimId)?.Amend(e, amendment);
                break;
        }

        Standing = PropositionLedger.Evaluate(Claims);
        State = Standing.State;
        Kind = Standing.Kind;
        ContestedSince = PropositionLedger.ContestedSince(Claims);
    }
}

public sealed class ContradictionProjection : MultiStreamProjection<Contradiction, string>
{
    public ContradictionProjection()
    {
        Identity<IClaimEvent>(e => e.Claim.Proposition.Key);
        Identity<IClaimAmendment>(e => e.Proposition.Key);
    }

    /// <summary>The proposition document an event changes, as the identities above route it; null for none.</summary>
    public static string? KeyOf(object data) => data switch
    {
        IClaimEvent e => e.Claim.Proposition.Key,
        IClaimAmendment a => a.Proposition.Key,
        _ => null,
    };

    public override Contradiction Evolve(Contradiction? snapshot, string id, IEvent e)
    {
        var proposition = e.Data switch
        {
            IClaimEvent c => c.Claim.Proposition,
            IClaimAmendment a => a.Proposition,
            _ => null,
        };

        snapshot ??= new Contradiction { Id = id, PersonId = proposition?.Subject ?? "", Proposition = proposition! };
        snapshot.Record(e);
        return snapshot;
    }
}
