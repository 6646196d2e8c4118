using Marten;

namespace Timeline.Sources;

public static class SourcesSetup
{
    public static IServiceCollection AddSources(this IServiceCollection services) =>
        services.ConfigureMarten(opts => opts.Schema.For<SourceDocument>().Index(x => x.Series));
}
