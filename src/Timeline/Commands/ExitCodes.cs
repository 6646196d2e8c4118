namespace Timeline.Commands;

/// <summary>
/// What a command's exit code means: 0 done, 1 done with rejected records, 2 refused (nothing done). JasperFx maps a
/// command's bool to 0 or 1 only, so a command states its code here and Program returns it.
/// </summary>
public static class ExitCodes
{
    public const int Done = 0;
    public const int DoneWithRejections = 1;
    public const int Refused = 2;

    private static int? _stated;

    /// <summary>States the process's exit code; returns the bool JasperFx expects for it.</summary>
    public static bool Exit(int code)
    {
        _stated = code;
        return code == Done;
    }

    /// <summary>The stated code, else the command runner's own.</summary>
    public static int Resolve(int runnerCode) => _stated ?? runnerCode;
}
