using Marten;

namespace Timeline.Commands;

/// <summary>
/// Guards Marten's own <c>projections</c> command, which answers a <c>--projection</c> naming nothing with "No projections
/// or databases match" and exit 0: here that is a refusal (exit 2) that lists the names it knows.
/// </summary>
public static class ProjectionNames
{
    private static readonly string[] Flags = ["-p", "--projection"];

    /// <summary>
    /// Exit code 2 when <paramref name="args"/> run <c>projections</c> for an unknown projection, after disposing the
    /// host (which stops an embedded PostgreSQL); else null.
    /// </summary>
    public static async Task<int?> RefuseAsync(IHost host, string[] args)
    {
        ArgumentNullException.ThrowIfNull(host);
        if (Refuse(host.Services, args) is not { } refused) return null;
        if (host is IAsyncDisposable disposable) await disposable.DisposeAsync();
        else host.Dispose();
        return refused;
    }

    private static int? Refuse(IServiceProvider services, string[] args)
    {
        ArgumentNullException.ThrowIfNull(args);
        if (args.Length == 0 || args[0] != "projections") return null;
        var flag = Array.FindIndex(args, a => Flags.Contains(a, StringComparer.Ordinal));
        if (flag < 0 || flag + 1 >= args.Length) return null;

        var known = Known(services.GetRequiredService<IDocumentStore>());
        if (known.Contains(args[flag + 1], StringComparer.OrdinalIgnoreCase)) return null;
        Console.Error.WriteLine($"Refused: no projection '{args[flag + 1]}'; the projections are {string.Join(", ", known)}.");
        return ExitCodes.Refused;
    }

    public static IReadOnlyList<string> Known(IDocumentStore store) =>
        ((StoreOptions)store.Options).Projections.All.Select(p => p.Name).Order(StringComparer.Ordinal).ToList();
}
