using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace Timeline.Imports;

/// <summary>The import reads its body itself (to report a broken record by pointer), so the document is told what it takes.</summary>
public sealed class PopoloImportBody : IOpenApiDocumentTransformer
{
    public Task TransformAsync(OpenApiDocument document, OpenApiDocumentTransformerContext context, CancellationToken cancellationToken)
    {
        if (document.Paths?.TryGetValue("/api/imports/popolo", out var path) != true || path!.Operations?.TryGetValue(HttpMethod.Post, out var post) != true) return Task.CompletedTask;
        post!.RequestBody = new OpenApiRequestBody
        {
            Required = true,
            Description = "A Popolo JSON document (persons, organizations, posts, areas, events, memberships).",
            Content = new Dictionary<string, OpenApiMediaType> { ["application/json"] = new() { Schema = new OpenApiSchemaReference(nameof(PopoloDocument), document) } },
        };
        return Task.CompletedTask;
    }
}
