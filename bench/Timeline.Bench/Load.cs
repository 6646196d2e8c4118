using System.Collections.Concurrent;
using System.Diagnostics;

namespace Timeline.Bench;

/// <summary>What a load run did: operations per second over the measured window, and the outcome of each.</summary>
/// <param name="CpuMsPerOp">CPU time the watched process spent per operation (user and system), when a process is watched.</param>
/// <param name="AllOperations">Every operation run, the warm-up's and the measured window's included.</param>
internal sealed record LoadResult(double PerSecond, double MeanMs, IReadOnlyDictionary<int, long> Outcomes, long? PeakWorkingSet, double? CpuMsPerOp, long AllOperations)
{
    public long Count(int outcome) => Outcomes.GetValueOrDefault(outcome);

    /// <summary>Rounds of equal length as one figure: the mean rate, latency and CPU per operation weighted by operations, outcomes summed, the highest peak.</summary>
    public static LoadResult Combine(IReadOnlyList<LoadResult> rounds)
    {
        var perSecond = rounds.Average(r => r.PerSecond);
        var weight = rounds.Sum(r => r.PerSecond);
        var outcomes = rounds.SelectMany(r => r.Outcomes).GroupBy(o => o.Key).ToDictionary(g => g.Key, g => g.Sum(o => o.Value));
        double? Weighted(Func<LoadResult, double?> of) =>
            weight == 0 || rounds.Any(r => of(r) is null) ? null : rounds.Sum(r => of(r)!.Value * r.PerSecond) / weight;
        return new LoadResult(perSecond, Weighted(r => r.MeanMs) ?? double.NaN, outcomes, rounds.Max(r => r.PeakWorkingSet), Weighted(r => r.CpuMsPerOp),
            rounds.Sum(r => r.AllOperations));
    }

    public string Describe() => string.Join(", ", Outcomes.OrderBy(o => o.Key).Select(o => $"{o.Value} × {o.Key}"))
        + (CpuMsPerOp is { } cpu ? string.Create(System.Globalization.CultureInfo.InvariantCulture, $"; service CPU {cpu:F2} ms/op") : "");
}

/// <summary>N concurrent loops for a warm-up and then a measured window; each operation returns an outcome (an HTTP status, or 0).</summary>
internal static class Load
{
    public static async Task<LoadResult> RunAsync(int clients, TimeSpan warmUp, TimeSpan measure, Func<long, Task<int>> operation, Process? watched = null)
    {
        var counter = -1L;
        var measuring = false;
        var stop = false;
        var outcomes = new ConcurrentDictionary<int, long>();
        long done = 0;
        long busyTicks = 0;

        async Task Loop()
        {
            while (!Volatile.Read(ref stop))
            {
                var started = Stopwatch.GetTimestamp();
                var outcome = await operation(Interlocked.Increment(ref counter));
                if (!Volatile.Read(ref measuring)) continue;
                Interlocked.Increment(ref done);
                Interlocked.Add(ref busyTicks, Stopwatch.GetTimestamp() - started);
                outcomes.AddOrUpdate(outcome, 1, (_, n) => n + 1);
            }
        }

        using var sampler = new WorkingSetSampler(watched);
        var loops = Enumerable.Range(0, clients).Select(_ => Task.Run(Loop)).ToList();
        await Task.Delay(warmUp);
        Volatile.Write(ref measuring, true);
        sampler.Reset();
        var cpuBefore = Cpu(watched);
        var clock = Stopwatch.StartNew();
        await Task.Delay(measure);
        Volatile.Write(ref measuring, false);
        var elapsed = clock.Elapsed;
        var cpu = Cpu(watched) - cpuBefore;
        Volatile.Write(ref stop, true);
        await Task.WhenAll(loops);

        var count = Interlocked.Read(ref done);
        var meanMs = count == 0 ? double.NaN : Interlocked.Read(ref busyTicks) * 1000.0 / Stopwatch.Frequency / count;
        return new LoadResult(count / elapsed.TotalSeconds, meanMs, new Dictionary<int, long>(outcomes), sampler.Peak,
            watched is null || count == 0 ? null : cpu.TotalMilliseconds / count, Interlocked.Read(ref counter) + 1);
    }

    private static TimeSpan Cpu(Process? process)
    {
        if (process is null) return TimeSpan.Zero;
        process.Refresh();
        return process.TotalProcessorTime;
    }
}

/// <summary>The peak working set of a process, sampled every 100 ms.</summary>
internal sealed class WorkingSetSampler : IDisposable
{
    private readonly Process? _process;
    private readonly Timer? _timer;
    private long _peak;

    public WorkingSetSampler(Process? process)
    {
        _process = process;
        if (process is not null) _timer = new Timer(_ => Sample(), null, TimeSpan.Zero, TimeSpan.FromMilliseconds(100));
    }

    public long? Peak
    {
        get
        {
            if (_process is null) return null;
            Sample();
            return Interlocked.Read(ref _peak);
        }
    }

    public void Reset() => Interlocked.Exchange(ref _peak, 0);

    private void Sample()
    {
        try
        {
            _process!.Refresh();
            var now = _process.WorkingSet64;
            long seen;
            while ((seen = Interlocked.Read(ref _peak)) < now && Interlocked.CompareExchange(ref _peak, now, seen) != seen)
            {
            }
        }
        catch (InvalidOperationException)
        {
            // The process exited; the peak so far stands.
        }
    }

    public void Dispose() => _timer?.Dispose();
}
