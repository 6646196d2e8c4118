using System.Text;
using JasperFx;
using JasperFx.CommandLine;
using Spectre.Console;

namespace Timeline.Commands;

/// <summary>
/// JasperFx prints "Searching '&lt;assembly&gt;' for commands" for every assembly it scans, and a blank line after, on
/// stdout before the command's own output, which broke <c>export popolo &gt; file.json</c>. Here the scan says nothing.
/// </summary>
public static class CommandDiscovery
{
    private static int _quieted;

    /// <summary><c>ApplyJasperFxExtensions</c> without the scan's listing, and stdout kept for the command's output.</summary>
    public static IHostBuilder ApplyJasperFxExtensionsQuietly(this IHostBuilder host)
    {
        ArgumentNullException.ThrowIfNull(host);
        // Once per process: hosts built again (the tests' fixtures) must not stack filters or race on the console.
        if (Interlocked.Exchange(ref _quieted, 1) == 1) return host.ApplyJasperFxExtensions();
        AnsiConsole.Console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(TextWriter.Null) });
        try
        {
            host.ApplyJasperFxExtensions();
        }
        finally
        {
            // Spectre recognises stdout (a terminal or not, its width) by Console.Out, so the filter goes there.
            Console.SetOut(new SkipLeadingNewLines(Console.Out));
            AnsiConsole.Console = AnsiConsole.Create(new AnsiConsoleSettings());
        }

        // The command runner scans again and lists it unless JasperFx has recorded its extensions as applied (a static
        // latch that only applying them sets); they were applied just above, or there were none.
        new CommandFactory().ApplyExtensions(new ServiceCollection());
        return host;
    }

    /// <summary>Stdout minus the blank line the runner's scan still writes before any command output.</summary>
    private sealed class SkipLeadingNewLines(TextWriter inner) : TextWriter
    {
        private bool _started;

        public override Encoding Encoding => inner.Encoding;

        public override void Write(char value)
        {
            if (!_started && value is '\r' or '\n') return;
            _started = true;
            inner.Write(value);
        }

        public override void Write(string? value)
        {
            if (string.IsNullOrEmpty(value)) return;
            if (!_started)
            {
                value = value.TrimStart('\r', '\n');
                if (value.Length == 0) return;
                _started = true;
            }

            inner.Write(value);
        }

        public override void Write(char[] buffer, int index, int count) => Write(new string(buffer, index, count));

        public override void Flush() => inner.Flush();
    }
}
