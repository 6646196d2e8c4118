using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Primitives;

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
        if (!NoneMatchHits(context.Request.Headers.IfNoneMatch, etag)) return null;
        Telemetry.NotModified();
        return Results.StatusCode(StatusCodes.Status304NotModified);
    }

    /// <summary>
    /// Whether If-None-Match names the tag, by the weak comparison RFC 9110 13.1.2 prescribes: <c>W/"x"</c> matches
    /// <c>"x"</c> (proxies that compress weaken tags), and <c>*</c> matches any. Read in place: every poll passes here.
    /// </summary>
    public static bool NoneMatchHits(StringValues header, string etag)
    {
        var opaque = Opaque(etag);
        foreach (var field in header)
        {
            if (field is not null && ListHas(field, opaque)) return true;
        }

        return false;
    }

    private static bool ListHas(ReadOnlySpan<char> list, ReadOnlySpan<char> opaque)
    {
        while (true)
        {
            list = list.TrimStart(" \t,");
            if (list.IsEmpty) return false;
            if (list[0] == '*' && (list.Length == 1 || list[1] is ' ' or '\t' or ',')) return true;
            var tag = Opaque(list);
            var close = tag.Length > 1 && tag[0] == '"' ? tag[1..].IndexOf('"') + 1 : -1;
            if (close <= 0)
            {
                // Not an entity tag: skip to the next member.
                var comma = list.IndexOf(',');
                if (comma < 0) return false;
                list = list[comma..];
                continue;
            }

            if (tag[..(close + 1)].SequenceEqual(opaque)) return true;
            list = tag[(close + 1)..];
        }
    }

    private static ReadOnlySpan<char> Opaque(ReadOnlySpan<char> tag) => tag.StartsWith("W/", StringComparison.Ordinal) ? tag[2..] : tag;

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
