using JasperFx.Events;
using Marten.Events.Projections;

namespace Timeline.Claims;

/// <summary>The cross-person claims index: one <see cref="ClaimRecord"/> document per claim.</summary>
public sealed class ClaimIndexProjection : MultiStreamProjection<ClaimRecord, Guid>
{
    public ClaimIndexProjection()
    {
        Identity<IClaimEvent>(e => e.Claim.ClaimId);
        Identity<IClaimAmendment>(e => e.ClaimId);
    }

    /// <summary>The claim document an event changes, as the identities above route it; null for none.</summary>
    public static Guid? ClaimIdOf(object data) => data switch
    {
        IClaimEvent e => e.Claim.ClaimId,
        IClaimAmendment a => a.ClaimId,
        _ => null,
    };

    public override ClaimRecord Evolve(ClaimRecord? snapshot, Guid id, IEvent e)
    {
        switch (e.Data)
        {
            case IClaimEvent claim when snapshot is null:
                return ClaimRecord.From(e, claim);
            case IClaimAmendment amendment when snapshot is not null:
                snapshot.Amend(e, amendment);
                break;
        }

        return snapshot!;
    }
}
