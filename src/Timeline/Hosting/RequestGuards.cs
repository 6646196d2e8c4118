using System.Text.Json;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http.Features;

namespace Timeline.Hosting;

/// <summary>
/// Refuses write requests that are not JSON (415) or are larger than the documented limit (413). An import (admin only)
/// has a limit of its own: a country's Popolo file is many times larger than any claim.
/// </summary>
public sealed class RequestGuards(RequestDelegate next, IConfiguration configuration)
{
    public const long DefaultMaxRequestBytes = 1_048_576;
    public const long DefaultMaxImportBytes = 33_554_432;

    private readonly long _maxBytes = configuration.GetValue("Timeline:MaxRequestBytes", DefaultMaxRequestBytes);
    private readonly long _maxImportBytes = configuration.GetValue("Timeline:MaxImportBytes", DefaultMaxImportBytes);

    public async Task InvokeAsync(HttpContext context)
    {
        var request = context.Request;
        if (HttpMethods.IsPost(request.Method) || HttpMethods.IsPut(request.Method) || HttpMethods.IsPatch(request.Method))
        {
            var import = request.Path.StartsWithSegments("/api/imports");
            var maxBytes = import ? _maxImportBytes : _maxBytes;
            if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit) limit.MaxRequestBodySize = maxBytes;

            if (request.ContentLength > maxBytes)
            {
                await Problems.Create(StatusCodes.Status413PayloadTooLarge, "too-large", "Request body too large", import
                    ? $"Imports over HTTP are limited to {maxBytes} bytes; this file is {request.ContentLength}. Nothing was imported. Import it with the command (import popolo FILE), which takes any size, or raise Timeline__MaxImportBytes."
                    : $"Request bodies are limited to {maxBytes} bytes; this one is {request.ContentLength}.").ExecuteAsync(context);
                return;
            }

            if (!IsJson(request.ContentType))
            {
                await Problems.Create(StatusCodes.Status415UnsupportedMediaType, "unsupported-media-type", "Send JSON",
                    $"Request bodies must be application/json; got '{request.ContentType ?? "none"}'.").ExecuteAsync(context);
                return;
            }
        }

        await next(context);
    }

    private static bool IsJson(string? contentType) =>
        contentType is not null && Microsoft.Net.Http.Headers.MediaTypeHeaderValue.TryParse(contentType, out var media)
        && (media.MediaType.Equals("application/json", StringComparison.OrdinalIgnoreCase)
            || media.MediaType.Value?.EndsWith("+json", StringComparison.OrdinalIgnoreCase) == true);
}

/// <summary>
/// Turns failures that escape an endpoint into problem responses: bad JSON is the client's, lost races are 409s,
/// an unreachable database is a 503 with Retry-After.
/// </summary>
public sealed class ProblemExceptionHandler(ILogger<ProblemExceptionHandler> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext context, Exception exception, CancellationToken ct)
    {
        if (DatabaseOutage.IsUnavailable(exception))
        {
            logger.LogWarning("Database unavailable on {Method} {Path}: {Reason}", context.Request.Method, context.Request.Path, exception.Message);
            await DatabaseOutage.WriteAsync(context);
            return true;
        }

        var problem = exception switch
        {
            BadHttpRequestException { StatusCode: StatusCodes.Status413PayloadTooLarge } =>
                Problems.Create(StatusCodes.Status413PayloadTooLarge, "too-large", "Request body too large", exception.Message),
            BadHttpRequestException or JsonException =>
                Problems.Create(StatusCodes.Status400BadRequest, "malformed-json", "The body is not valid JSON", BodyError(exception)),
            _ when LostRaces.IsLostRace(exception) =>
                Problems.Create(StatusCodes.Status409Conflict, "write-conflict", "Concurrent write", "Another write changed the record first; nothing was written. Retry."),
            _ => null,
        };

        if (problem is null)
        {
            logger.LogError(exception, "Unhandled failure on {Path}", context.Request.Path);
            return false;
        }

        await problem.ExecuteAsync(context);
        return true;
    }

    private static string BodyError(Exception exception)
    {
        var json = exception as JsonException ?? exception.InnerException as JsonException;
        return json is null ? exception.Message : $"The body could not be read as JSON: {json.Message}";
    }
}
