using System.Globalization;
using JasperFx.Events.Projections;
using Marten;
using Microsoft.Extensions.Options;
using Timeline.Hosting;

namespace Timeline.Changes;

public sealed class ReadYourWritesOptions
{
    /// <summary>The longest a read with atLeast= waits for the views to catch up before answering anyway.</summary>
    public TimeSpan MaxWait { get; set; } = TimeSpan.FromSeconds(5);
}

/// <summary>
/// <c>?atLeast={sequence}</c> on any GET: waits, bounded, until every view includes that sequence (inline views do at
/// commit; async ones once the daemon passed it), then lets the read through with a <c>Timeline-Consistency</c> header:
/// <c>reached</c>, or <c>behind</c> when the wait ran out. Woken by projection progress, not by a timer.
/// </summary>
public sealed class ReadYourWrites(RequestDelegate next, IOptions<ReadYourWritesOptions> options, TimeProvider time)
{
    public const string Parameter = "atLeast";
    public const string Header = "Timeline-Consistency";

    public async Task InvokeAsync(HttpContext context, IDocumentStore store, ChangeNotifications notifications)
    {
        var request = context.Request;
        if (!(HttpMethods.IsGet(request.Method) || HttpMethods.IsHead(request.Method)) || !request.Query.TryGetValue(Parameter, out var values))
        {
            await next(context);
            return;
        }

        if (values.Count != 1 || !long.TryParse(values[0], NumberStyles.None, CultureInfo.InvariantCulture, out var sequence))
        {
            await Problems.Create(StatusCodes.Status400BadRequest, "bad-at-least", "atLeast is not a sequence",
                $"atLeast must be one sequence number a write returned, like 42; got '{values}'.").ExecuteAsync(context);
            return;
        }

        var reached = await WaitForAsync(store, notifications, sequence, options.Value.MaxWait, time, context.RequestAborted);
        context.Response.Headers[Header] = reached ? "reached" : "behind";
        await next(context);
    }

    public static async Task<bool> WaitForAsync(
        IDocumentStore store, ChangeNotifications notifications, long sequence, TimeSpan maxWait, TimeProvider time, CancellationToken ct)
    {
        var deadline = time.GetUtcNow() + maxWait;
        while (true)
        {
            var woken = notifications.NextProgress;
            if (await ProjectionProgress.SlowestAsync(store, ct) >= sequence) return true;
            var left = deadline - time.GetUtcNow();
            if (left <= TimeSpan.Zero) return false;
            await Task.WhenAny(woken, Task.Delay(left, time, ct));
            ct.ThrowIfCancellationRequested();
        }
    }
}

public static class ProjectionProgress
{
    /// <summary>
    /// How far every view has got: the slowest async projection's position. The daemon only moves a projection past
    /// the high-water mark, below which every transaction has committed, so inline views include it too.
    /// </summary>
    public static async Task<long> SlowestAsync(IDocumentStore store, CancellationToken ct)
    {
        var shards = AsyncShardNames(store);
        var progress = await store.Advanced.AllProjectionProgress(token: ct);
        long slowest = long.MaxValue;
        foreach (var name in shards)
        {
            var state = progress.FirstOrDefault(p => p.ShardName == name);
            slowest = Math.Min(slowest, state?.Sequence ?? 0);
        }

        return slowest == long.MaxValue ? 0 : slowest;
    }

    /// <summary>Marten's high-water mark: every sequence up to it has committed or never will. 0 before the daemon first ran.</summary>
    public static async Task<long> HighWaterMarkAsync(IDocumentStore store, CancellationToken ct)
    {
        var progress = await store.Advanced.AllProjectionProgress(token: ct);
        return progress.FirstOrDefault(p => p.ShardName == ShardState.HighWaterMark)?.Sequence ?? 0;
    }

    public static readonly TimeSpan MaxHighWaterWait = TimeSpan.FromSeconds(5);

    /// <summary>The high-water mark once it reaches <paramref name="sequence"/>, or wherever it is after a bounded wait.</summary>
    public static async Task<long> WaitForHighWaterMarkAsync(
        IDocumentStore store, ChangeNotifications notifications, long sequence, TimeProvider time, CancellationToken ct)
    {
        var deadline = time.GetUtcNow() + MaxHighWaterWait;
        while (true)
        {
            var woken = notifications.NextProgress;
            var mark = await HighWaterMarkAsync(store, ct);
            var left = deadline - time.GetUtcNow();
            if (mark >= sequence || left <= TimeSpan.Zero) return mark;
            await Task.WhenAny(woken, Task.Delay(left, time, ct));
            ct.ThrowIfCancellationRequested();
        }
    }

    public static IReadOnlyList<string> AsyncShardNames(IDocumentStore store) =>
        ((StoreOptions)store.Options).Projections.AllShards().Select(s => s.Name.Identity).ToList();
}
