using JasperFx.Events.Projections;
using Marten;

namespace Timeline.Changes;

public static class ChangesSetup
{
    /// <summary>The changes feed, its listener and the version cache; the async daemon itself is started by the store.</summary>
    public static IServiceCollection AddChanges(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSingleton<DaemonWakeup>();
        services.ConfigureMarten((services, opts) =>
        {
            opts.Projections.Wakeup = services.GetRequiredService<DaemonWakeup>();
            opts.Listeners.Add(new LocalCommits(services.GetRequiredService<StreamVersions>()));
            opts.Events.Subscribe(new ChangeFeedSubscription());
            opts.Events.IgnoreIndex(FeedIndex.Name);

            // A projection that throws on an event stops (only that projection) and says which event: skipping it would
            // leave a feed or view silently missing a change. /health/ready reports it.
            opts.Projections.Errors.SkipApplyErrors = false;
            opts.Projections.Errors.SkipSerializationErrors = false;
            opts.Projections.Errors.SkipUnknownEvents = false;
            opts.Projections.RebuildErrors.SkipApplyErrors = false;
            // Persists each shard's status and failure, so /health/ready on any node can report a stopped projection.
            opts.Events.EnableExtendedProgressionTracking = true;
        });
        services.Configure<ChangeStreamOptions>(configuration.GetSection("Timeline:Changes"));
        services.Configure<ReadYourWritesOptions>(configuration.GetSection("Timeline:ReadYourWrites"));
        services.AddSingleton<ChangeTriggers>();
        services.AddSingleton<StreamVersions>();
        services.AddSingleton<ChangeNotifications>();
        services.AddHostedService(s => s.GetRequiredService<ChangeNotifications>());
        services.AddHostedService<FeedIndex>();
        return services;
    }

    /// <summary>atLeast= on every GET, and a local write invalidating the cached versions before its response leaves.</summary>
    public static IApplicationBuilder UseReadYourWrites(this IApplicationBuilder app) =>
        app.UseMiddleware<ReadYourWrites>();
}
