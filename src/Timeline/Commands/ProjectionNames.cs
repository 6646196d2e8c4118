using Marten;
using Timeline.Changes;

namespace Timeline.Commands;

/// <summary>
/// Guards Marten's own <c>projections</c> command, which answers a <c>--projection</c> naming nothing with "No projections
/// or databases match" and exit 0: here that is a refusal (exit 2) that lists the names it knows. It also knows the changes
/// feed, a daemon subscription Marten's command does not.
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
        await EndAsync(host);
        return refused;
    }

    private static int? Refuse(IServiceProvider services, string[] args)
    {
        ArgumentNullException.ThrowIfNull(args);
        if (args.Length == 0 || args[0] != "projections" || Named(args) is not { } named) return null;

        var known = Known(services.GetRequiredService<IDocumentStore>());
        if (known.Contains(named, StringComparer.OrdinalIgnoreCase)) return null;
        Console.Error.WriteLine($"Refused: no projection '{named}'; the projections are {string.Join(", ", known)}.");
        return ExitCodes.Refused;
    }

    /// <summary>The projection <c>-p</c> (or <c>--projection</c>) names, if any.</summary>
    private static string? Named(string[] args)
    {
        var flag = Array.FindIndex(args, a => Flags.Contains(a, StringComparer.Ordinal));
        return flag >= 0 && flag + 1 < args.Length ? args[flag + 1] : null;
    }

    // Disposing the host stops an embedded PostgreSQL.
    private static async Task EndAsync(IHost host)
    {
        if (host is IAsyncDisposable disposable) await disposable.DisposeAsync();
        else host.Dispose();
    }

    // The changes feed is a subscription of Marten's daemon, not one of its projections, so Marten's command leaves it out.
    public static IReadOnlyList<string> Known(IDocumentStore store) =>
        ((StoreOptions)store.Options).Projections.All.Select(p => p.Name).Append(ChangeFeedSubscription.ProjectionName).Distinct()
            .Order(StringComparer.Ordinal).ToList();

    /// <summary>
    /// <c>projections rebuild</c>: Marten's command for the projections, after saying that the changes feed has nothing to
    /// rebuild; <c>-p Changes</c>: only that. Null for any other command.
    /// </summary>
    public static async Task<int?> RebuildAsync(IHost host, string[] args, Func<Task<int>> marten)
    {
        ArgumentNullException.ThrowIfNull(host);
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(marten);
        if (args is not ["projections", "rebuild", ..] || args.Any(a => a is "--help" or "-h")) return null;
        var named = Named(args);
        var feedOnly = string.Equals(named, ChangeFeedSubscription.ProjectionName, StringComparison.OrdinalIgnoreCase);
        if (named is not null && !feedOnly) return await marten();

        Console.WriteLine($"{ChangeFeedSubscription.ProjectionName}: nothing to rebuild, the changes feed is read from the events themselves");
        if (!feedOnly) return await marten();
        await EndAsync(host);
        return ExitCodes.Done;
    }
}
