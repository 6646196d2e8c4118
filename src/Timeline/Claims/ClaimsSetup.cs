using JasperFx.Events.Projections;
using Marten;
using Microsoft.AspNetCore.OpenApi;

namespace Timeline.Claims;

public static class ClaimsSetup
{
    public static readonly Type[] EventTypes = typeof(IClaimEvent).Assembly.GetTypes()
        .Where(t => t is { IsClass: true, IsAbstract: false } && (typeof(IClaimEvent).IsAssignableFrom(t) || typeof(IClaimAmendment).IsAssignableFrom(t)))
        .ToArray();

    /// <summary>The claim catalogue's events and the cross-person claims index.</summary>
    public static IServiceCollection AddClaims(this IServiceCollection services)
    {
        services.Configure<OpenApiOptions>("v1", o => o.AddDocumentTransformer<ClaimTypeSchemas>());
        // After Marten's own start-up (registered before it), which creates the table.
        services.AddHostedService<ClaimIndexBackfill>();
        return services.ConfigureMarten(opts =>
        {
            opts.Events.AddEventTypes(EventTypes);
            opts.Projections.Add(new ClaimIndexProjection(), ProjectionLifecycle.Inline);
        });
    }
}
