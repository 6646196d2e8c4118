using System.Text.Json.Serialization;
using JasperFx.Events;
using Marten.Events.Projections;
using Timeline.Claims;

namespace Timeline.Contradictions;

/// <summary>
/// One proposition and every claim about it, across sources. Listed as a contradiction while its claims conflict;
/// id is the proposition key (person/predicate/object). Stored only once its claims have ever conflicted
/// (<see cref="EverContested"/>): most propositions are stated once, or agreed on, and their claims are in the claim
/// index already.
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

    /// <summary>
    /// Some of the claims, retracted ones included, may conflict (<see cref="PropositionLedger.MayEverConflict"/>). Only
    /// then can the proposition be contested, now or as the sources stood on any earlier day (a cut of the claims), and
    /// once true it stays true: such propositions are stored.
    /// </summary>
    [JsonIgnore]
    public bool EverContested => PropositionLedger.MayEverConflict(Claims);

    /// <summary>The writer's note that this document is stored (to be dropped if never contested), not part of it.</summary>
    [JsonIgnore]
    internal bool Stored { get; set; }

    /// <summary>A proposition as its claims (the claim index's documents) leave it.</summary>
    public static Contradiction FromClaims(string id, IEnumerable<ClaimRecord> claims)
    {
        var ordered = claims.OrderBy(c => c.Sequence).ToList();
        var contradiction = new Contradiction { Id = id, PersonId = ordered[0].PersonId, Proposition = ordered[0].Proposition, Claims = ordered };
        contradiction.Evaluate(null);
        return contradiction;
    }

    public void Record(IEvent e)
    {
        switch (e.Data)
        {
            case IClaimEvent claim:
                var added = ClaimRecord.From(e, claim);
                var latest = Claims.Count == 0 || Claims.TrueForAll(c => c.Sequence < added.Sequence);
                Claims.Add(added);
                Evaluate(latest ? added : null);
                break;
            case IClaimAmendment amendment:
                Claims.Find(c => c.Id == amendment.ClaimId)?.Amend(e, amendment);
                Evaluate(null);
                break;
        }
    }

    /// <param name="latest">
    /// A claim just added after every other: <see cref="PropositionLedger.ContestedSince"/> then follows from the value before
    /// it, without going over every earlier claim again (it is quadratic in the claims, and a contested proposition is the one
    /// that gathers many), when that value was worked out here: one read back from storage may be an older build's, and is
    /// worked out in full once. An amendment can change which earlier claims count, so it takes the whole computation.
    /// </param>
    private void Evaluate(ClaimRecord? latest)
    {
        var before = ContestedSince;
        Standing = PropositionLedger.Evaluate(Claims);
        State = Standing.State;
        Kind = Standing.Kind;
        ContestedSince = latest is null || latest.IsWithdrawn || !SinceWorkedOut
            ? PropositionLedger.ContestedSince(Claims)
            : PropositionLedger.ContestedSinceAfter(before, Standing, latest);
        SinceWorkedOut = true;
    }

    /// <summary>ContestedSince was worked out in this process from these claims (not read back from storage, where an older build may have left another value).</summary>
    [JsonIgnore]
    internal bool SinceWorkedOut { get; set; }
}

/// <summary>
/// The contradiction documents as Marten folds them: for <c>projections rebuild</c>, and for amendments appended through a
/// Marten session. It stores every proposition it folds, contested or not; the writer (<c>EventWriter</c>) stores only
/// those ever contested, and drops the others' documents as it next appends to them. Both are sound: a stored document
/// always holds every claim, and an unstored one is rebuilt from the claim index when needed.
/// </summary>
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

    public override Contradiction? Evolve(Contradiction? snapshot, string id, IEvent e)
    {
        IClaimEvent? claim = e.Data as IClaimEvent;
        // An amendment cannot make claims conflict (stance and value are the claim's): with no document, the proposition
        // has never been contested and still is not, so it stays unstored.
        if (snapshot is null && claim is null) return null;
        snapshot ??= new Contradiction { Id = id, PersonId = claim!.Claim.Proposition.Subject, Proposition = claim.Claim.Proposition };
        snapshot.Record(e);
        return snapshot;
    }
}
