using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using Timeline.Tests.Infrastructure;

namespace Timeline.Tests.Hosting;

/// <summary>The built service run as its own process, the way a user runs it.</summary>
internal sealed class ServiceProcess : IDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _stdout = new();
    private readonly StringBuilder _stderr = new();

    private ServiceProcess(Process process)
    {
        _process = process;
        _process.OutputDataReceived += (_, e) => Append(_stdout, e.Data);
        _process.ErrorDataReceived += (_, e) => Append(_stderr, e.Data);
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    public const string KeyName = "tests";

    public Uri BaseAddress { get; private init; } = null!;
    public int ExitCode => _process.ExitCode;
    public int Id => _process.Id;

    /// <summary>The admin key this process was started with (random per process); <see cref="CreateClient"/> sends it.</summary>
    public string Key { get; private init; } = "";

    public string StandardOutput
    {
        get { lock (_stdout) return _stdout.ToString(); }
    }

    public string StandardError
    {
        get { lock (_stderr) return _stderr.ToString(); }
    }

    public string Output => $"stdout:\n{StandardOutput}\nstderr:\n{StandardError}";

    /// <summary>Starts the service in <paramref name="workingDirectory"/> with no database configured.</summary>
    public static ServiceProcess Start(string workingDirectory, IReadOnlyDictionary<string, string>? environment = null)
    {
        var port = FreePort();
        var startInfo = new ProcessStartInfo(DotnetHost())
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        startInfo.ArgumentList.Add(ServiceAssembly());
        foreach (var name in startInfo.Environment.Keys.Where(IsServiceSetting).ToList()) startInfo.Environment.Remove(name);
        startInfo.Environment["ASPNETCORE_URLS"] = $"http://127.0.0.1:{port}";
        // Writes need a key once access control is on: an admin key of this process's own, never a fixed one.
        var key = RandomNumberGenerator.GetHexString(48, lowercase: true);
        startInfo.Environment[$"Timeline__Auth__Keys__{KeyName}__Key"] = key;
        startInfo.Environment[$"Timeline__Auth__Keys__{KeyName}__Role"] = "admin";
        foreach (var (name, value) in environment ?? new Dictionary<string, string>()) startInfo.Environment[name] = value;

        var process = Process.Start(startInfo) ?? throw new InvalidOperationException("could not start the service");
        return new ServiceProcess(process) { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Key = key };
    }

    /// <summary>A client for this process: its address and its admin key as a bearer token.</summary>
    public HttpClient CreateClient(TimeSpan? timeout = null)
    {
        var client = new HttpClient { BaseAddress = BaseAddress, Timeout = timeout ?? TimeSpan.FromSeconds(100) };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Key);
        return client;
    }

    /// <summary>Polls until <paramref name="path"/> answers 200; fails early if the service exits.</summary>
    public async Task WaitUntilOkAsync(string path, TimeSpan timeout)
    {
        using var http = CreateClient(TimeSpan.FromSeconds(5));
        var clock = Stopwatch.StartNew();
        while (true)
        {
            if (_process.HasExited) throw new InvalidOperationException($"The service exited with {_process.ExitCode} before {path} answered.\n{Output}");
            try
            {
                using var response = await http.GetAsync(path);
                if (response.StatusCode == HttpStatusCode.OK) return;
            }
            catch (HttpRequestException)
            {
            }
            catch (TaskCanceledException)
            {
            }

            if (clock.Elapsed > timeout) throw new TimeoutException($"{path} did not answer 200 within {timeout}.\n{Output}");
            await Task.Delay(250);
        }
    }

    /// <summary>SIGTERM, as a container runtime or systemd sends it (Process.Kill would be SIGKILL).</summary>
    public void Terminate() => Signal(_process.Id, "TERM");

    /// <summary>kill -9: no shutdown code runs, in-flight requests and transactions are cut where they stand.</summary>
    public void KillHard()
    {
        Signal(_process.Id, "KILL");
        if (!WaitForExit(TimeSpan.FromSeconds(30))) throw new TimeoutException($"the service survived SIGKILL\n{Output}");
    }

    public bool WaitForExit(TimeSpan timeout)
    {
        if (!_process.WaitForExit(timeout)) return false;
        _process.WaitForExit(); // drains the redirected output
        return true;
    }

    public static void Signal(int pid, string signal)
    {
        using var kill = Process.Start(new ProcessStartInfo("kill") { ArgumentList = { "-" + signal, pid.ToString(System.Globalization.CultureInfo.InvariantCulture) }, UseShellExecute = false })!;
        kill.WaitForExit();
    }

    public static bool IsAlive(int pid)
    {
        // The reaped or zombie state both mean the process is gone.
        var stat = $"/proc/{pid}/stat";
        if (!File.Exists(stat)) return false;
        try
        {
            var text = File.ReadAllText(stat);
            return text[(text.LastIndexOf(')') + 2)..].FirstOrDefault() != 'Z';
        }
        catch (IOException)
        {
            return false;
        }
    }

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit();
        }

        _process.Dispose();
    }

    // The test runner's own settings must not reach the service; TIMELINE_PG_BIN may, to find PostgreSQL.
    private static bool IsServiceSetting(string name) =>
        name.StartsWith("ConnectionStrings", StringComparison.OrdinalIgnoreCase)
        || name.StartsWith("Timeline__", StringComparison.OrdinalIgnoreCase)
        || name.Equals("TIMELINE_TEST_CONNECTION", StringComparison.OrdinalIgnoreCase)
        || name.Equals("ASPNETCORE_URLS", StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// The service's own build output, for the configuration and framework the tests were built with. The copy beside
    /// the tests cannot run: JasperFx scans its folder and would load the test assembly, whose dependencies it lacks.
    /// </summary>
    private static string ServiceAssembly()
    {
        var framework = new DirectoryInfo(Path.TrimEndingDirectorySeparator(AppContext.BaseDirectory));
        var configuration = framework.Parent!;
        var path = Path.Combine(TestDirectories.RepositoryRoot, "src", "Timeline", "bin", configuration.Name, framework.Name, "Timeline.dll");
        return File.Exists(path) ? path : throw new FileNotFoundException("The service is not built where the tests expect it", path);
    }

    private static string DotnetHost()
    {
        if (Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } hostPath && File.Exists(hostPath)) return hostPath;

        // <dotnet root>/shared/Microsoft.NETCore.App/<version>/System.Private.CoreLib.dll
        var root = Path.GetFullPath(Path.Combine(Path.GetDirectoryName(typeof(object).Assembly.Location)!, "..", "..", ".."));
        var candidate = Path.Combine(root, OperatingSystem.IsWindows() ? "dotnet.exe" : "dotnet");
        return File.Exists(candidate) ? candidate : "dotnet";
    }

    private static void Append(StringBuilder buffer, string? line)
    {
        if (line is null) return;
        lock (buffer) buffer.AppendLine(line);
    }
}
