using Marten;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Http.HttpResults;
using Timeline.Hosting;
using Wolverine.Http;

namespace Timeline.Sources;

public sealed record RegisterSource(string? Url, string? Publisher, string? Title, string? Author, DateTimeOffset? PublishedAt, string? Text)
{
    /// <summary>Bound only to be refused: who registered a source is the server's to say.</summary>
    public string? RegisteredBy { get; init; }

    /// <summary>Bound only to be refused, as on every other write.</summary>
    public string? RecordedBy { get; init; }
}

public sealed record RegisteredSource(string Id, string Url, string Publisher, string Title, string? Author, DateTimeOffset PublishedAt, string TextHash);

public static class RegisterSourceEndpoint
{
    public const int MaxTextLength = 500_000;

    public static ProblemHttpResult? Check(RegisterSource command, DateTimeOffset now)
    {
        var errors = new Errors();
        errors.Require("url", command.Url);
        if (command.Url is { Length: > 0 } && !(Uri.TryCreate(command.Url, UriKind.Absolute, out var url) && url.Scheme is "http" or "https"))
        {
            errors.Add("url", "url must be an absolute http(s) URL");
        }

        errors.Require("publisher", command.Publisher);
        errors.Require("title", command.Title);
        errors.Require("text", command.Text);
        if (command.PublishedAt is null) errors.Add("publishedAt", "publishedAt is required (an ISO 8601 time with offset)");
        else if (Publication.RefuseFuture(command.PublishedAt.Value, now) is { } future) errors.Add("publishedAt", future);
        if (command.Text is { Length: > MaxTextLength }) errors.Add("text", $"text is longer than {MaxTextLength} characters");
        return errors.Any ? errors.ToProblem() : null;
    }

    [WolverinePost("/api/sources")]
    [Tags("Sources")]
    [EndpointSummary("Register a source document")]
    [EndpointDescription("Stores a source once. The same url and text again answers 200 with the same id; the same url with another text is 409: sources are never edited.")]
    [ProducesResponseType<RegisteredSource>(StatusCodes.Status201Created)]
    [ProducesResponseType<RegisteredSource>(StatusCodes.Status200OK)]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status400BadRequest, "application/problem+json")]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status413PayloadTooLarge, "application/problem+json")]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status415UnsupportedMediaType, "application/problem+json")]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status422UnprocessableEntity, "application/problem+json")]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status409Conflict, "application/problem+json")]
    public static async Task<IResult> Post(RegisterSource? command, HttpContext context, IDocumentStore store, TimeProvider time, CancellationToken ct)
    {
        if (command is null) return Problems.MissingBody();
        if ((Principals.RefuseRecordedBy(command.RegisteredBy, "registeredBy") ?? Principals.RefuseRecordedBy(command.RecordedBy)) is { } refused) return refused;
        return await RegisterAsync(command, context.PrincipalName(), store, time, ct);
    }

    /// <summary>Stores the source under the principal who registered it; the seeder registers sources through here too.</summary>
    public static async Task<IResult> RegisterAsync(RegisterSource command, string registeredBy, IDocumentStore store, TimeProvider time, CancellationToken ct)
    {
        if (Check(command, time.GetUtcNow()) is { } problem) return problem;

        var url = new Uri(command.Url!);
        var source = new SourceDocument
        {
            Id = SourceDocument.IdFor(url),
            Url = url.AbsoluteUri,
            Publisher = command.Publisher!.Trim(),
            Title = command.Title!.Trim(),
            Author = string.IsNullOrWhiteSpace(command.Author) ? null : command.Author.Trim(),
            PublishedAt = command.PublishedAt!.Value,
            Text = command.Text!,
            TextHash = SourceDocument.HashOf(command.Text!),
            RegisteredAt = time.GetUtcNow(),
            RegisteredBy = registeredBy,
        };

        SourceCache.Forget(store, source.Id);
        await using var session = store.LightweightSession();
        if (await session.LoadAsync<SourceDocument>(source.Id, ct) is { } existing) return Existing(existing, source);

        session.Insert(source);
        try
        {
            await session.SaveChangesAsync(ct);
        }
        catch (Exception ex) when (LostRaces.IsLostRace(ex))
        {
            await using var again = store.QuerySession();
            return Existing((await again.LoadAsync<SourceDocument>(source.Id, ct))!, source);
        }

        return TypedResults.Created($"/api/sources/{source.Id}", ToResponse(source));
    }

    [WolverineGet("/api/sources/{id}")]
    [Tags("Sources")]
    [EndpointSummary("A registered source, with its full text")]
    [EndpointDescription("Every GET carries an ETag; If-None-Match answers 304.")]
    [ProducesResponseType<SourceDocument>(StatusCodes.Status200OK)]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status404NotFound, "application/problem+json")]
    public static async Task<IResult> Get(string id, IQuerySession session, HttpContext context, CancellationToken ct) =>
        await session.LoadAsync<SourceDocument>(id, ct) is { } source
            ? HttpCaching.Json(context, source)
            : Problems.NotFound($"No source '{id}' is registered.");

    private static IResult Existing(SourceDocument existing, SourceDocument offered) =>
        existing.TextHash == offered.TextHash
            ? TypedResults.Ok(ToResponse(existing))
            : Problems.Conflict($"A source with url {existing.Url} is already registered with a different text (id {existing.Id}); sources are never edited.");

    private static RegisteredSource ToResponse(SourceDocument s) => new(s.Id, s.Url, s.Publisher, s.Title, s.Author, s.PublishedAt, s.TextHash);
}
