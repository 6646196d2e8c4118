namespace Timeline.Imports;

/// <summary>
/// JasperFx maps a command to 0 or 1 only; a command that needs another code (2: refused) sets it here and
/// Program returns it.
/// </summary>
public static class CommandExitCodes
{
    public const int Done = 0;
    public const int DoneWithRejections = 1;
    public const int Refused = 2;

    public static int? Requested { get; set; }

    public static int Apply(int code) => Requested ?? code;
}
