using System.Globalization;

namespace Timeline.Bench;

/// <summary>One line of the table: a figure, its baseline from the same run, and the service's peak working set.</summary>
internal sealed record Row(string Figure, string Value, string Baseline, string BaselineValue, double Ratio, string Goal, long? PeakWorkingSet, string Note = "")
{
    public static Row Rate(string figure, double perSecond, string baseline, double baselinePerSecond, long? peak, string goal = "", string note = "") =>
        new(figure, PerSecond(perSecond), baseline, PerSecond(baselinePerSecond), perSecond / baselinePerSecond, goal, peak, note);

    public static Row Latency(string figure, double ms, string baseline, double baselineMs, long? peak, string goal = "", string note = "") =>
        new(figure, Ms(ms), baseline, Ms(baselineMs), ms / baselineMs, goal, peak, note);

    public static string PerSecond(double value) => string.Create(CultureInfo.InvariantCulture, $"{value:N0}/s");

    public static string Ms(double value) => string.Create(CultureInfo.InvariantCulture, $"{value:F2} ms");

    public static void Print(IEnumerable<Row> rows, TextWriter output)
    {
        output.WriteLine("| figure | the service | baseline (same run) | baseline | ratio | goal | service peak working set | note |");
        output.WriteLine("| --- | --- | --- | --- | --- | --- | --- | --- |");
        foreach (var r in rows)
        {
            var peak = r.PeakWorkingSet is { } bytes ? string.Create(CultureInfo.InvariantCulture, $"{bytes / 1048576.0:F0} MB") : "in process";
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {r.Figure} | {r.Value} | {r.Baseline} | {r.BaselineValue} | {r.Ratio:F2} | {r.Goal} | {peak} | {r.Note} |"));
        }
    }
}
