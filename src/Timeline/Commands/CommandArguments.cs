using JasperFx.CommandLine;
using JasperFx.CommandLine.Help;
using Spectre.Console;

namespace Timeline.Commands;

/// <summary>An input that can tell from its arguments alone that its command must refuse them.</summary>
public interface ICheckedInput
{
    /// <summary>Why the command refuses these arguments, or null.</summary>
    string? Refusal();
}

/// <summary>
/// Checks the arguments of this service's own commands before anything starts (the embedded PostgreSQL takes seconds):
/// an unknown flag or a bad value is a refusal, exit 2, said on stderr. JasperFx would call the first an invalid usage,
/// print it with the usage on stdout and exit 1.
/// </summary>
public static class CommandArguments
{
    public static async Task<int?> RefuseAsync(string[] args)
    {
        ArgumentNullException.ThrowIfNull(args);
        var factory = new CommandFactory();
        factory.RegisterCommands(typeof(CommandArguments).Assembly);
        if (args.Length == 0 || !factory.AllCommandTypes().Any(t => string.Equals(CommandFactory.CommandNameFor(t), args[0], StringComparison.OrdinalIgnoreCase))) return null;

        // What the parser and the help say goes to stderr: stdout is for a command's output.
        var (stdout, console) = (Console.Out, AnsiConsole.Console);
        Console.SetOut(Console.Error);
        AnsiConsole.Console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Error) });
        try
        {
            var run = factory.BuildRun(args);
            // An invalid usage comes back as the command's help, its reason already written.
            if (run.Command is HelpCommand)
            {
                await run.Execute();
                await Console.Error.WriteLineAsync($"Refused: {args[0]} does not take these arguments (see its usage above); nothing was done.");
                return ExitCodes.Refused;
            }

            if (run.Input is ICheckedInput input && input.Refusal() is { } refusal)
            {
                await Console.Error.WriteLineAsync($"Refused: {refusal}");
                return ExitCodes.Refused;
            }

            return null;
        }
        finally
        {
            Console.SetOut(stdout);
            AnsiConsole.Console = console;
        }
    }
}
