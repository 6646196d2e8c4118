using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Timeline.Bench;

/// <summary>The service's own Release build run as a process of its own, as a user runs it.</summary>
internal sealed class ServiceUnderTest : IDisposable
{
    private ServiceUnderTest(Process process, Uri baseAddress, string key)
    {
        Key = key;
        Process = process;
        BaseAddress = baseAddress;
    }

    private const string ServicePrefix = "BENCH_SERVICE_";

    private long _outputLines;

    public Process Process { get; }

    public List<string> FirstOutput { get; } = [];

    public long OutputLines => Interlocked.Read(ref _outputLines);
    public Uri BaseAddress { get; }

    /// <summary>The admin key the service was started with, made up for this run.</summary>
    public string Key { get; }

    /// <summary>Runs from its build folder, as the container image does, so its appsettings.json applies.</summary>
    public static async Task<ServiceUnderTest> StartAsync(string connectionString)
    {
        var port = FreePort();
        var assembly = ServiceAssembly();
        var startInfo = new ProcessStartInfo(DotnetHost()) { WorkingDirectory = Path.GetDirectoryName(assembly)!, UseShellExecute = false, RedirectStandardOutput = true };
        startInfo.ArgumentList.Add(assembly);
        startInfo.Environment["ConnectionStrings__Timeline"] = connectionString;
        startInfo.Environment["ASPNETCORE_URLS"] = $"http://127.0.0.1:{port}";
        startInfo.Environment["Timeline__SeedOnStart"] = "false";
        var key = "bench_" + Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(24));
        startInfo.Environment["Timeline__Auth__Keys__bench__Key"] = key;
        startInfo.Environment["Timeline__Auth__Keys__bench__Role"] = "admin";
        // The bench measures the service, not its throttle.
        startInfo.Environment["Timeline__RateLimits__PerPrincipalPerMinute"] = "0";
        startInfo.Environment["Timeline__RateLimits__PerIpPerMinute"] = "0";
        // BENCH_SERVICE_<NAME>=value sets <NAME> for the service alone (e.g. runtime knobs), not for the load generator.
        foreach (var name in startInfo.Environment.Keys.Where(k => k.StartsWith(ServicePrefix, StringComparison.Ordinal)).ToList())
        {
            startInfo.Environment[name[ServicePrefix.Length..]] = startInfo.Environment[name];
        }

        var process = Process.Start(startInfo) ?? throw new InvalidOperationException("could not start the service");
        // Drained so a chatty log cannot block the service on a full pipe; the first lines are kept to show what it logs.
        var service0 = (ServiceUnderTest?)null;
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is null || service0 is null) return;
            Interlocked.Increment(ref service0._outputLines);
            lock (service0.FirstOutput) if (service0.FirstOutput.Count < 40) service0.FirstOutput.Add(e.Data);
        };
        process.BeginOutputReadLine();
        var service = new ServiceUnderTest(process, new Uri($"http://127.0.0.1:{port}"), key);
        service0 = service;

        using var http = new HttpClient { BaseAddress = service.BaseAddress, Timeout = TimeSpan.FromSeconds(5) };
        var clock = Stopwatch.StartNew();
        while (true)
        {
            if (process.HasExited) throw new InvalidOperationException($"The service exited with {process.ExitCode} before it was ready.");
            try
            {
                using var response = await http.GetAsync("/health/ready");
                if (response.StatusCode == HttpStatusCode.OK) return service;
            }
            catch (HttpRequestException)
            {
            }
            catch (TaskCanceledException)
            {
            }

            if (clock.Elapsed > TimeSpan.FromMinutes(1)) throw new TimeoutException("The service did not become ready within a minute.");
            await Task.Delay(200);
        }
    }

    public void Dispose()
    {
        if (!Process.HasExited)
        {
            Process.Kill(entireProcessTree: true);
            Process.WaitForExit();
        }

        Process.Dispose();
    }

    /// <summary>
    /// src/Timeline's own build output for this configuration: the copy beside the bench cannot run, since JasperFx
    /// scans its folder and would take the bench assembly for part of the application.
    /// </summary>
    private static string ServiceAssembly()
    {
        var framework = new DirectoryInfo(Path.TrimEndingDirectorySeparator(AppContext.BaseDirectory));
        var configuration = framework.Parent!.Name;
        var path = Path.Combine(RepositoryRoot(), "src", "Timeline", "bin", configuration, framework.Name, "Timeline.dll");
        return File.Exists(path) ? path : throw new FileNotFoundException("src/Timeline is not built beside the bench", path);
    }

    public static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Timeline.sln"))) return dir.FullName;
        }

        throw new InvalidOperationException("Timeline.sln not found above the bench's folder");
    }

    internal static string DotnetHost()
    {
        if (Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } hostPath && File.Exists(hostPath)) return hostPath;
        return Environment.ProcessPath is { } self && Path.GetFileNameWithoutExtension(self) == "dotnet" ? self : "dotnet";
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
