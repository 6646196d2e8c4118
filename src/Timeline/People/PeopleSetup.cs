using JasperFx.Events.Projections;
using Marten;

namespace Timeline.People;

public static class PeopleSetup
{
    /// <summary>Person streams: the registration event, the stream header and the ids every append reserves.</summary>
    public static IServiceCollection AddPeople(this IServiceCollection services) =>
        services.AddSingleton<RenderedViews>().AddSingleton<Dossiers>().ConfigureMarten(opts =>
        {
            opts.Events.AddEventType<PersonRegistered>();
            opts.Projections.Add<PersonProjection>(ProjectionLifecycle.Inline);
            opts.Schema.For<EntryId>();
        });
}
