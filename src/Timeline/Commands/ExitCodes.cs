namespace Timeline.Commands;

/// <summary>
/// What a command's exit code means: 0 done, 1 done with rejected records, 2 refused (nothing done); 3, no PostgreSQL, is
/// <see cref="Hosting.DatabaseSetup.PostgresUnavailableExitCode"/>. JasperFx maps a command's bool to 0 or 1 only, so a
/// command states its code here and Program returns it.
/// </summary>
public static class ExitCodes
{
    public const int Done = 0;
    public const int DoneWithRejections = 1;
    public const int Refused = 2;

    private static readonly string[] HelpFlags = ["--help", "-h"];

    private static int? _stated;

    /// <summary>States the process's exit code; returns the bool JasperFx expects for it.</summary>
    public static bool Exit(int code)
    {
        _stated = code;
        return code == Done;
    }

    /// <summary>
    /// <c>seed --help</c> as <c>help seed</c>: JasperFx only knows the latter and calls the flag an invalid usage.
    /// </summary>
    public static string[] WithHelpAsCommand(string[] args)
    {
        ArgumentNullException.ThrowIfNull(args);
        if (args.Length < 2 || args[0].StartsWith('-') || !args.Skip(1).Any(a => HelpFlags.Contains(a, StringComparer.Ordinal))) return args;
        return ["help", args[0]];
    }

    /// <summary>The stated code, else the command runner's own; asking for help is not a failure.</summary>
    public static int Resolve(string[] args, int runnerCode)
    {
        ArgumentNullException.ThrowIfNull(args);
        if (_stated is { } stated) return stated;
        return args.Length > 0 && args[0] is "help" or "?" && runnerCode == 1 ? Done : runnerCode;
    }
}
