using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.Extensions.Options;

namespace Timeline.Hosting;

/// <summary>
/// Every view carries a strong ETag over its exact bytes, so a poller sending If-None-Match gets 304 and no body
/// whenever nothing it would see has changed.
/// </summary>
public static class HttpCaching
{
    /// <param name="etag">A tag known to change whenever the body would; by default a hash of the body itself.</param>
    public static IResult Json<T>(HttpContext context, T value, string? etag = null)
    {
        var body = Render(context, value);
        return Bytes(context, body, etag ?? Tag(body));
    }

    /// <summary>The value as the API writes it.</summary>
    public static byte[] Render<T>(HttpContext context, T value) =>
        JsonSerializer.SerializeToUtf8Bytes(value, context.RequestServices.GetRequiredService<IOptions<Microsoft.AspNetCore.Http.Json.JsonOptions>>().Value.SerializerOptions);

    /// <summary>An already rendered body under its tag (304 when the client has it).</summary>
    public static IResult Bytes(HttpContext context, byte[] body, string etag) =>
        NotModified(context, etag) ?? Results.Bytes(body, "application/json; charset=utf-8");

    /// <summary>Sets the ETag; a 304 when the client already has it, else null.</summary>
    public static IResult? NotModified(HttpContext context, string etag)
    {
        context.Response.Headers.ETag = etag;
        context.Response.Headers.CacheControl = "no-cache";
        var ifNoneMatch = context.Request.Headers.IfNoneMatch.ToString();
        if (ifNoneMatch.Length == 0 || !ifNoneMatch.Split(',').Any(t => t.Trim() == etag || t.Trim() == "*")) return null;
        Telemetry.NotModified();
        return Results.StatusCode(StatusCodes.Status304NotModified);
    }

    public static string Tag(string text) => Tag(System.Text.Encoding.UTF8.GetBytes(text));

    private static string Tag(byte[] bytes) => $"\"{Convert.ToHexString(SHA256.HashData(bytes), 0, 12).ToLower(CultureInfo.InvariantCulture)}\"";
}

/// <summary>
/// Every GET says how it may be cached: a view that set nothing gets <c>no-cache</c> (store it, but revalidate with
/// its ETag each time), so no proxy serves a stale status. Views set their own; the event stream and health say no-store.
/// </summary>
public sealed class DefaultCacheControl(RequestDelegate next)
{
    public Task InvokeAsync(HttpContext context)
    {
        if (HttpMethods.IsGet(context.Request.Method) || HttpMethods.IsHead(context.Request.Method))
        {
            context.Response.OnStarting(static state =>
            {
                var headers = ((HttpContext)state).Response.Headers;
                if (string.IsNullOrEmpty(headers.CacheControl)) headers.CacheControl = "no-cache";
                return Task.CompletedTask;
            }, context);
        }

        return next(context);
    }
}
