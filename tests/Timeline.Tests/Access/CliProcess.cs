using System.Diagnostics;
using Timeline.Tests.Infrastructure;

namespace Timeline.Tests.Access;

/// <summary>Runs the built service's command line (<c>dotnet Timeline.dll keys ...</c>) as a user does, and waits for it.</summary>
public sealed record CliResult(int ExitCode, string StandardOutput, string StandardError)
{
    public string LastLine => StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)[^1];

    public override string ToString() => $"exit {ExitCode}\nstdout:\n{StandardOutput}\nstderr:\n{StandardError}";
}

public static class CliProcess
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(2);

    public static async Task<CliResult> RunAsync(string connectionString, params string[] arguments)
    {
        var startInfo = new ProcessStartInfo(DotnetHost())
        {
            WorkingDirectory = Path.GetTempPath(),
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        startInfo.ArgumentList.Add(ServiceAssembly());
        foreach (var argument in arguments) startInfo.ArgumentList.Add(argument);
        // The test runner's own settings must not reach the command; only the database it is told to use.
        foreach (var name in startInfo.Environment.Keys.Where(n => n.StartsWith("Timeline__", StringComparison.OrdinalIgnoreCase)).ToList()) startInfo.Environment.Remove(name);
        startInfo.Environment["ConnectionStrings__Timeline"] = connectionString;

        using var process = Process.Start(startInfo) ?? throw new InvalidOperationException("could not start the command");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(Timeout);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{string.Join(' ', arguments)} did not finish within {Timeout}");
        }

        return new CliResult(process.ExitCode, await stdout, await stderr);
    }

    /// <summary>The service's own build output; the copy beside the tests would make JasperFx scan the test assembly.</summary>
    private static string ServiceAssembly()
    {
        var framework = new DirectoryInfo(Path.TrimEndingDirectorySeparator(AppContext.BaseDirectory));
        var path = Path.Combine(TestDirectories.RepositoryRoot, "src", "Timeline", "bin", framework.Parent!.Name, framework.Name, "Timeline.dll");
        return File.Exists(path) ? path : throw new FileNotFoundException("The service is not built where the tests expect it", path);
    }

    private static string DotnetHost()
    {
        if (Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } hostPath && File.Exists(hostPath)) return hostPath;
        var root = Path.GetFullPath(Path.Combine(Path.GetDirectoryName(typeof(object).Assembly.Location)!, "..", "..", ".."));
        var candidate = Path.Combine(root, OperatingSystem.IsWindows() ? "dotnet.exe" : "dotnet");
        return File.Exists(candidate) ? candidate : "dotnet";
    }
}
