using JasperFx;
using JasperFx.Events;
using JasperFx.Events.Daemon;
using JasperFx.Events.Projections;
using Marten;
using Timeline.Claims;
using Timeline.Contradictions;
using Timeline.People;
using Timeline.Sources;
using Weasel.Core;
using Wolverine.Marten;

namespace Timeline.Hosting;

public static class StoreSetup
{
    public const string SchemaName = "timeline";

    /// <summary>The event store: one string-keyed stream per person, and the inline views built from it.</summary>
    public static IServiceCollection AddTimelineStore(this IServiceCollection services)
    {
        services.AddMarten(opts =>
            {
                opts.DatabaseSchemaName = SchemaName;
                opts.Events.StreamIdentity = StreamIdentity.AsString;
                // Rich appends give inline projections each event's version, sequence and timestamp.
                opts.Events.AppendMode = EventAppendMode.Rich;
                opts.UseSystemTextJsonForSerialization(EnumStorage.AsString, Casing.CamelCase);
                opts.Events.AddEventTypes(EventTypes);

                opts.Projections.Add<PersonProjection>(ProjectionLifecycle.Inline);
                opts.Projections.Add<ContradictionProjection>(ProjectionLifecycle.Inline);
                opts.Projections.Add<ClaimIndexProjection>(ProjectionLifecycle.Inline);

                opts.Schema.For<ClaimRecord>().Index(x => x.PersonId).Index(x => x.SourceId).Index(x => x.ClaimantKey).Index(x => x.Sequence);
                opts.Schema.For<Contradiction>().Index(x => x.PersonId).Index(x => x.State).Index(x => x.ContestedSince);
                opts.Schema.For<SourceDocument>();
                opts.Schema.For<IdempotencyRecord>();
            })
            .UseNpgsqlDataSource()
            .UseLightweightSessions()
            .IntegrateWithWolverine()
            .ApplyAllDatabaseChangesOnStartup()
            .AddAsyncDaemon(DaemonMode.HotCold);
        return services;
    }

    public static readonly Type[] EventTypes = typeof(PersonRegistered).Assembly.GetTypes()
        .Where(t => t is { IsClass: true, IsAbstract: false } && (typeof(IClaimEvent).IsAssignableFrom(t) || typeof(IClaimAmendment).IsAssignableFrom(t)))
        .Append(typeof(PersonRegistered))
        .ToArray();
}
