using System.Globalization;
using Timeline.Bench;

// bench/run (= `dotnet run -c Release --project bench/Timeline.Bench -- all`): everything, one table.
// `-- micro [sizes...]`: only the in-process figures, against ConnectionStrings__Timeline or the embedded default.
var command = args.FirstOrDefault() ?? "all";
var rest = args.Skip(1).ToList();
switch (command)
{
    case "all" or "appends" or "hot":
        // `appends`: only the 8-client append figure and its baseline, with the PostgreSQL profile: quick to repeat while tuning.
        // `hot`: only the 16 writers on one person and their baseline (1-client appends to distinct people).
        Scenarios.AppendsOnly = command == "appends";
        Scenarios.HotOnly = command == "hot";
        var seconds = Option(rest, "--seconds", 5);
        if (rest.IndexOf("--trace") is var t and >= 0 && t + 1 < rest.Count) Scenarios.TraceFile = rest[t + 1];
        Scenarios.ServiceWarmUp = TimeSpan.FromSeconds(Option(rest, "--warmup", 30));
        var sizes = Micro.ParseSizes(rest.Where(a => !a.StartsWith("--", StringComparison.Ordinal) && !IsOptionValue(rest, a)));
        var (rows, profile) = await Scenarios.RunAllAsync(TimeSpan.FromSeconds(Math.Max(1, seconds / 5.0)), TimeSpan.FromSeconds(seconds), sizes);
        if (!Scenarios.AppendsOnly && !Scenarios.HotOnly) rows.AddRange(await ImportBench.RunAsync());
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Timeline bench, {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC, {Environment.ProcessorCount} cores, {seconds} s per figure"));
        Console.WriteLine();
        Row.Print(rows, Console.Out);
        Console.WriteLine();
        Console.WriteLine(profile);
        return 0;
    case "import":
        Row.Print(await ImportBench.RunAsync(), Console.Out);
        return 0;
    case "micro":
        Row.Print(await Micro.RunAsync(Environment.GetEnvironmentVariable("ConnectionStrings__Timeline"), Micro.ParseSizes(rest)), Console.Out);
        return 0;
    default:
        Console.Error.WriteLine("usage: Timeline.Bench [all [--seconds N] [--warmup S] [--trace FILE.nettrace] [sizes...] | appends [--seconds N] [--warmup S] [--trace FILE.nettrace] | hot [--seconds N] | micro [sizes...] | import]");
        return 2;
}

static int Option(List<string> args, string name, int fallback)
{
    var i = args.IndexOf(name);
    return i >= 0 && i + 1 < args.Count ? int.Parse(args[i + 1], CultureInfo.InvariantCulture) : fallback;
}

static bool IsOptionValue(List<string> args, string value)
{
    var i = args.IndexOf(value);
    return i > 0 && args[i - 1].StartsWith("--", StringComparison.Ordinal);
}
