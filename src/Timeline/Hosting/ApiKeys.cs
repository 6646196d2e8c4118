using System.Security.Cryptography;
using System.Text;
using Marten;
using Marten.Patching;
using Microsoft.Extensions.Caching.Memory;

namespace Timeline.Hosting;

/// <summary>A key created by <c>keys create</c>: its name, role and the SHA-256 of the secret; the secret is never stored.</summary>
public sealed class ApiKey
{
    public string Id { get; set; } = "";
    public string Hash { get; set; } = "";
    public string Role { get; set; } = "";
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset? RevokedAt { get; set; }

    /// <summary>When a node last looked the key up: accurate to the cache period, since cached uses are not written.</summary>
    public DateTimeOffset? LastUsedAt { get; set; }
}

/// <summary>Who a key belongs to.</summary>
public sealed record KeyPrincipal(string Name, string Role);

/// <summary>
/// Resolves a bearer key to its principal: keys from configuration (hashed at start) and keys in the database.
/// Database answers, found or not, are cached for <see cref="CacheFor"/>, so a revocation takes effect on every node
/// within that time and a key costs one database read per node per period, not one per request.
/// </summary>
public sealed class ApiKeys : IDisposable
{
    public static readonly TimeSpan DefaultCacheFor = TimeSpan.FromSeconds(10);
    private const string Prefix = "tl_";

    private readonly IDocumentStore _store;
    private readonly TimeProvider _time;
    private readonly ILogger<ApiKeys> _logger;
    private readonly IReadOnlyList<(byte[] Hash, KeyPrincipal Principal)> _configured;
    // Bounded: a flood of made-up keys must not grow memory without limit.
    private readonly MemoryCache _cache = new(new MemoryCacheOptions { SizeLimit = 10_000 });

    public ApiKeys(IDocumentStore store, IConfiguration configuration, TimeProvider time, ILogger<ApiKeys> logger)
    {
        _store = store;
        _time = time;
        _logger = logger;
        CacheFor = configuration.GetValue("Timeline:Auth:KeyCacheFor", DefaultCacheFor);
        var configured = new List<(byte[], KeyPrincipal)>();
        foreach (var section in configuration.GetSection("Timeline:Auth:Keys").GetChildren())
        {
            var key = section["Key"];
            var role = section["Role"]?.Trim().ToLowerInvariant();
            if (string.IsNullOrWhiteSpace(key)) continue;
            if (!AuthRoles.IsRole(role))
            {
                logger.LogError("Configured key {Name} has role '{Role}', not one of {Roles}; it is ignored", section.Key, role, string.Join(", ", AuthRoles.All));
                continue;
            }

            configured.Add((HashBytes(key), new KeyPrincipal(section.Key, role!)));
        }

        _configured = configured;
    }

    public TimeSpan CacheFor { get; }

    public static string NewSecret() => Prefix + Base64Url(RandomNumberGenerator.GetBytes(32));

    public static string HashOf(string key) => Convert.ToHexStringLower(HashBytes(key));

    public async Task<KeyPrincipal?> FindAsync(string key, CancellationToken ct)
    {
        var hash = HashBytes(key);
        // Every configured key is compared, in constant time, so timing says nothing about which one was close.
        KeyPrincipal? found = null;
        foreach (var (known, principal) in _configured)
        {
            if (CryptographicOperations.FixedTimeEquals(known, hash)) found = principal;
        }

        if (found is not null) return found;

        var hex = Convert.ToHexStringLower(hash);
        if (_cache.TryGetValue(hex, out KeyPrincipal? cached)) return cached;

        await using var session = _store.QuerySession();
        var stored = await session.Query<ApiKey>().Where(k => k.Hash == hex).FirstOrDefaultAsync(ct);
        var answer = stored is { RevokedAt: null } && CryptographicOperations.FixedTimeEquals(Convert.FromHexString(stored.Hash), hash)
            ? new KeyPrincipal(stored.Id, stored.Role)
            : null;
        _cache.Set(hex, answer, new MemoryCacheEntryOptions { Size = 1, AbsoluteExpirationRelativeToNow = CacheFor });
        if (answer is not null) _ = TouchAsync(answer.Name);
        return answer;
    }

    /// <summary>Records the use once per cache period, off the request's path; a patch of one field cannot undo a revocation.</summary>
    private async Task TouchAsync(string name)
    {
        try
        {
            await using var session = _store.LightweightSession();
            session.Patch<ApiKey>(name).Set(k => k.LastUsedAt, _time.GetUtcNow());
            await session.SaveChangesAsync();
        }
        catch (Exception ex)
        {
            _logger.LogWarning("Could not record the use of key {Name}: {Reason}", name, ex.Message);
        }
    }

    public void Dispose() => _cache.Dispose();

    private static byte[] HashBytes(string key) => SHA256.HashData(Encoding.UTF8.GetBytes(key));

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
