using JasperFx;
using JasperFx.Events;
using JasperFx.Events.Daemon;
using JasperFx.Events.Projections;
using Marten;
using Weasel.Core;
using Wolverine.Marten;

namespace Timeline.Hosting;

public static class StoreSetup
{
    public const string SchemaName = "timeline";

    /// <summary>
    /// The event store: string-keyed streams, rich appends, JSON settings and idempotency keys. Each feature adds its
    /// own events, documents and projections (see the features' Setup classes).
    /// </summary>
    public static IServiceCollection AddTimelineStore(this IServiceCollection services)
    {
        services.AddMarten(opts =>
            {
                opts.DatabaseSchemaName = SchemaName;
                opts.Events.StreamIdentity = StreamIdentity.AsString;
                // Rich appends give inline projections each event's version, sequence and timestamp.
                opts.Events.AppendMode = EventAppendMode.Rich;
                opts.UseSystemTextJsonForSerialization(EnumStorage.AsString, Casing.CamelCase);
                opts.Schema.For<IdempotencyRecord>();
            })
            .UseNpgsqlDataSource()
            .UseLightweightSessions()
            .IntegrateWithWolverine()
            .ApplyAllDatabaseChangesOnStartup()
            .AddAsyncDaemon(DaemonMode.HotCold);
        return services;
    }
}
