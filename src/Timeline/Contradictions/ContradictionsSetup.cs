using JasperFx.Events.Projections;
using Marten;

namespace Timeline.Contradictions;

public static class ContradictionsSetup
{
    /// <summary>One document per proposition, kept in the append's transaction, and brought up to new rules after an upgrade.</summary>
    public static IServiceCollection AddContradictions(this IServiceCollection services)
    {
        services.AddHostedService<ContradictionRestate>();
        return services.ConfigureMarten(opts =>
        {
            opts.Projections.Add<ContradictionProjection>(ProjectionLifecycle.Inline);
            opts.Schema.For<Contradiction>().Index(x => x.PersonId).Index(x => x.State).Index(x => x.ContestedSince);
        });
    }
}
