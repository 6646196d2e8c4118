using System.Text.Json;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http.Features;

namespace Timeline.Hosting;

/// <summary>
/// Refuses a method the path does not serve (405), write requests that are not JSON (415) or are larger than the
/// documented limit (413). An import (admin only) has a limit of its own: a country's Popolo file is many times larger
/// than any claim.
/// </summary>
public sealed class RequestGuards(RequestDelegate next, IConfiguration configuration, PathRoutes routes)
{
    public const long DefaultMaxRequestBytes = 1_048_576;
    public const long DefaultMaxImportBytes = 33_554_432;

    private readonly long _maxBytes = configuration.GetValue("Timeline:MaxRequestBytes", DefaultMaxRequestBytes);
    private readonly long _maxImportBytes = MaxImportBytes(configuration);

    public static long MaxImportBytes(IConfiguration configuration) => configuration.GetValue("Timeline:MaxImportBytes", DefaultMaxImportBytes);

    /// <summary>
    /// The whole body of an import, or null once it passes <paramref name="maxBytes"/>: a body sent without a length is
    /// counted as it is read, whatever the server in front enforces.
    /// </summary>
    /// <param name="expectedLength">The declared length, when there is one: the buffer is taken at that size once.</param>
    public static async Task<string?> ReadBoundedAsync(Stream body, long maxBytes, CancellationToken ct, long? expectedLength = null)
    {
        using var buffer = new MemoryStream(expectedLength is { } length && length > 0 && length <= Math.Min(maxBytes, Array.MaxLength) ? (int)length : 0);
        var chunk = new byte[81_920];
        int read;
        while ((read = await body.ReadAsync(chunk, ct)) > 0)
        {
            if (buffer.Length + read > maxBytes) return null;
            buffer.Write(chunk, 0, read);
        }

        // A byte-order mark is not text (a StreamReader drops it too).
        var bytes = buffer.GetBuffer().AsSpan(0, (int)buffer.Length);
        return System.Text.Encoding.UTF8.GetString(bytes.StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF]) ? bytes[3..] : bytes);
    }

    public async Task InvokeAsync(HttpContext context)
    {
        var request = context.Request;
        // Before the body checks: no body makes a method the path does not serve right.
        if (routes.MethodsInsteadOf(context) is { Count: > 0 } allowed)
        {
            var allow = string.Join(", ", allowed);
            context.Response.Headers.Allow = allow;
            await Problems.Create(StatusCodes.Status405MethodNotAllowed, "method-not-allowed", "Method not allowed",
                $"{request.Path} answers {allow}, not {request.Method}. Nothing was changed.",
                new Dictionary<string, object?> { ["allow"] = allowed }).ExecuteAsync(context);
            return;
        }

        if (HttpMethods.IsPost(request.Method) || HttpMethods.IsPut(request.Method) || HttpMethods.IsPatch(request.Method))
        {
            var import = IsImport(request);
            var maxBytes = import ? _maxImportBytes : _maxBytes;
            if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit) limit.MaxRequestBodySize = maxBytes;

            if (request.ContentLength > maxBytes)
            {
                await Problems.TooLarge(import
                    ? ImportTooLarge(maxBytes, request.ContentLength)
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

    public const string LargerImports = "Import a larger file with the command (import popolo FILE), which takes any size, or raise Timeline__MaxImportBytes.";

    /// <summary>Why an import's body was refused: the limit, the size when it was given, and what to do instead.</summary>
    public static string ImportTooLarge(long maxBytes, long? length) =>
        $"Imports over HTTP are limited to {maxBytes} bytes; this file is {length?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "larger"}. Nothing was imported. {LargerImports}";

    public static bool IsImport(HttpRequest request) => request.Path.StartsWithSegments("/api/imports");

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
            // A body sent without a length (chunked) is cut off by the server's limit while it is read.
            BadHttpRequestException { StatusCode: StatusCodes.Status413PayloadTooLarge } =>
                Problems.TooLarge(
                    RequestGuards.IsImport(context.Request) ? $"{exception.Message} Nothing was imported. {RequestGuards.LargerImports}" : exception.Message),
            BadHttpRequestException or JsonException =>
                Problems.Create(StatusCodes.Status400BadRequest, "malformed-json", "The body could not be read", BodyError(exception)),
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
