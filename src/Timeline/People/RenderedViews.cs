using Microsoft.Extensions.Caching.Memory;

namespace Timeline.People;

/// <summary>
/// Each person view rendered once per stream version (and query, day and build), kept in memory within a byte budget:
/// reading an unchanged person serves the stored bytes instead of deriving the view again, which costs O(claims).
/// Keyed by the stream state the database gave (version, last sequence and time), so an entry is never served for
/// another state of the record.
/// </summary>
public sealed class RenderedViews : IDisposable
{
    public const long DefaultBudgetBytes = 64L * 1024 * 1024;

    private readonly long _budget;
    private readonly MemoryCache _cache;

    public RenderedViews(IConfiguration configuration)
    {
        _budget = configuration.GetValue("Timeline:RenderedViewsBytes", DefaultBudgetBytes);
        _cache = new MemoryCache(new MemoryCacheOptions { SizeLimit = _budget });
    }

    public bool TryGet(string key, out byte[] body) => _cache.TryGetValue(key, out body!);

    public void Set(string key, byte[] body)
    {
        // One view larger than an eighth of the budget would push out everything else; it is derived per read instead.
        if (body.Length > _budget / 8) return;
        _cache.Set(key, body, new MemoryCacheEntryOptions { Size = body.Length, SlidingExpiration = TimeSpan.FromMinutes(30) });
    }

    public void Dispose() => _cache.Dispose();
}
