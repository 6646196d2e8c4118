using System.Globalization;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;

namespace Timeline.Hosting;

/// <summary>Requests per minute allowed to one principal (authenticated) and to one IP address (anonymous); 0 turns a limit off.</summary>
public sealed class RateLimitOptions
{
    // A newsroom desk polls views and appends in bursts: 20 a second per key, 10 a second per anonymous address.
    public int PerPrincipalPerMinute { get; set; } = 1200;
    public int PerIpPerMinute { get; set; } = 600;
}

/// <summary>
/// Token buckets per principal and per IP: an authenticated caller is limited by its name (so colleagues behind one
/// NAT do not share a budget), anyone else by address. Refused requests answer 429 problem+json with Retry-After.
/// Health probes are never limited.
/// </summary>
public static class RateLimits
{
    public static IServiceCollection AddTimelineRateLimits(this IServiceCollection services, IConfiguration configuration)
    {
        var limits = configuration.GetSection("Timeline:RateLimits").Get<RateLimitOptions>() ?? new RateLimitOptions();
        services.AddRateLimiter(o =>
        {
            o.GlobalLimiter = PartitionedRateLimiter.Create<HttpContext, string>(context =>
            {
                if (context.Request.Path.StartsWithSegments("/health")) return RateLimitPartition.GetNoLimiter("health");
                return context.User.Identity is { IsAuthenticated: true, Name: { } name }
                    ? Bucket("principal:" + name, limits.PerPrincipalPerMinute)
                    : Bucket("ip:" + context.Connection.RemoteIpAddress, limits.PerIpPerMinute);
            });
            o.OnRejected = async (rejected, ct) =>
            {
                var seconds = rejected.Lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter)
                    ? Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds))
                    : 1;
                rejected.HttpContext.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
                await Problems.Create(StatusCodes.Status429TooManyRequests, "rate-limited", "Too many requests",
                    $"This caller is over its limit of requests per minute; retry after {seconds} s. Nothing was changed.").ExecuteAsync(rejected.HttpContext);
            };
        });
        return services;
    }

    public static IApplicationBuilder UseTimelineRateLimits(this IApplicationBuilder app) => app.UseRateLimiter();

    private static RateLimitPartition<string> Bucket(string key, int perMinute) =>
        perMinute <= 0
            ? RateLimitPartition.GetNoLimiter(key)
            : RateLimitPartition.GetTokenBucketLimiter(key, _ => new TokenBucketRateLimiterOptions
            {
                TokenLimit = perMinute,
                TokensPerPeriod = Math.Max(1, perMinute / 60),
                ReplenishmentPeriod = perMinute >= 60 ? TimeSpan.FromSeconds(1) : TimeSpan.FromSeconds(60.0 / perMinute),
                QueueLimit = 0,
                AutoReplenishment = true,
            });
}
