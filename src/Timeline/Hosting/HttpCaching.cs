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
        var options = context.RequestServices.GetRequiredService<IOptions<Microsoft.AspNetCore.Http.Json.JsonOptions>>().Value.SerializerOptions;
        var body = JsonSerializer.SerializeToUtf8Bytes(value, options);
        etag ??= Tag(body);
        return NotModified(context, etag) ?? Results.Bytes(body, "application/json; charset=utf-8");
    }

    /// <summary>Sets the ETag; a 304 when the client already has it, else null.</summary>
    public static IResult? NotModified(HttpContext context, string etag)
    {
        context.Response.Headers.ETag = etag;
        context.Response.Headers.CacheControl = "no-cache";
        var ifNoneMatch = context.Request.Headers.IfNoneMatch.ToString();
        return ifNoneMatch.Length > 0 && ifNoneMatch.Split(',').Any(t => t.Trim() == etag || t.Trim() == "*")
            ? Results.StatusCode(StatusCodes.Status304NotModified)
            : null;
    }

    public static string Tag(string text) => Tag(System.Text.Encoding.UTF8.GetBytes(text));

    private static string Tag(byte[] bytes) => $"\"{Convert.ToHexString(SHA256.HashData(bytes), 0, 12).ToLower(CultureInfo.InvariantCulture)}\"";
}
