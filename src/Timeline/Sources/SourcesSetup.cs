using Marten;
using Microsoft.AspNetCore.OpenApi;
using Timeline.Imports;

namespace Timeline.Sources;

public static class SourcesSetup
{
    /// <summary>Sources, free text or structured (a Popolo file's versions share a series), and the Popolo import's request body.</summary>
    public static IServiceCollection AddSources(this IServiceCollection services) =>
        services.Configure<OpenApiOptions>("v1", o => o.AddDocumentTransformer<PopoloImportBody>())
            .ConfigureMarten(opts => opts.Schema.For<SourceDocument>().Index(x => x.Series));
}
