using System.Text;
using Marten;
using Microsoft.AspNetCore.Mvc;
using Timeline.Hosting;
using Wolverine.Http;

namespace Timeline.Imports;

public static class ImportPopoloEndpoint
{
    [WolverinePost("/api/imports/popolo")]
    [Tags("Imports")]
    [EndpointSummary("Import a Popolo JSON document")]
    [EndpointDescription("The body is the Popolo document. source (required) is its identity, a URL shared by its versions; publisher, title and publishedAt describe this version. People and claims drawn from it cite record pointers. Records that break the spec are listed by pointer and skipped; the rest imports. Re-importing the same file appends nothing; a newer version appends what changed and marks what it no longer states.")]
    [ProducesResponseType<ImportReport>(StatusCodes.Status200OK)]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status400BadRequest, "application/problem+json")]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status413PayloadTooLarge, "application/problem+json")]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status415UnsupportedMediaType, "application/problem+json")]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status422UnprocessableEntity, "application/problem+json")]
    public static async Task<IResult> Post(
        HttpContext context, IDocumentStore store, TimeProvider time, IConfiguration configuration, CancellationToken ct,
        string? source = null, string? publisher = null, string? title = null, string? publishedAt = null)
    {
        DateTimeOffset? published = null;
        if (!string.IsNullOrEmpty(publishedAt))
        {
            if (!PopoloSource.TryParsePublishedAt(publishedAt, out var at))
            {
                return Problems.Invalid("publishedAt", $"publishedAt must be an ISO 8601 time like 2019-01-15T00:00:00Z; got '{publishedAt}'");
            }

            if (Sources.Publication.RefuseFuture(at, time.GetUtcNow(), Sources.Publication.VersionClockSkew) is { } future) return Problems.Invalid("publishedAt", future);
            published = at;
        }

        if (string.IsNullOrWhiteSpace(source) || !Uri.TryCreate(source, UriKind.Absolute, out _))
        {
            return Problems.Invalid("source", "source is required: the file's identity as an absolute URL, the same for every version of it");
        }

        var maxBytes = RequestGuards.MaxImportBytes(configuration);
        if (await RequestGuards.ReadBoundedAsync(context.Request.Body, maxBytes, ct, context.Request.ContentLength) is not { } text)
        {
            return Problems.TooLarge(RequestGuards.ImportTooLarge(maxBytes, null));
        }

        if (string.IsNullOrWhiteSpace(text)) return Problems.MissingBody();

        try
        {
            var report = await PopoloImport.RunAsync(store, text, new PopoloSource(source.Trim(), publisher, title, published),
                context.User.Identity?.Name ?? "api", time, null, ct);
            return TypedResults.Ok(report);
        }
        catch (PopoloRefusedException ex) when (ex.Malformed)
        {
            return Problems.Create(StatusCodes.Status400BadRequest, "malformed-json", "The body is not valid JSON", $"Nothing was imported: {ex.Message}.");
        }
        catch (PopoloRefusedException ex)
        {
            return Problems.Create(StatusCodes.Status422UnprocessableEntity, "popolo-refused", "Not a Popolo document", $"Nothing was imported: {ex.Message}.");
        }
    }
}
