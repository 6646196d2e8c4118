using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;

namespace Timeline.Browser;

/// <summary>
/// The built service run as its own process on a random port, as a user runs it: it starts its own PostgreSQL in a
/// scratch folder and loads the seeds, so the page is read from the real host over real HTTP.
/// </summary>
public sealed class ServiceHost : IAsyncDisposable
{
    private static readonly TimeSpan StartupTimeout = TimeSpan.FromMinutes(2);

    private readonly Process _process;
    private readonly StringBuilder _output = new();
    private readonly string _dataDirectory;

    private const string KeyName = "browser-tests";

    private readonly string _key;

    private ServiceHost(Process process, Uri baseAddress, string dataDirectory, string key)
    {
        _key = key;
        _process = process;
        BaseAddress = baseAddress;
        _dataDirectory = dataDirectory;
        _process.OutputDataReceived += (_, e) => Append(e.Data);
        _process.ErrorDataReceived += (_, e) => Append(e.Data);
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    public Uri BaseAddress { get; }

    /// <summary>A client of the service that sends the admin key it was started with.</summary>
    public HttpClient CreateClient()
    {
        var client = new HttpClient { BaseAddress = BaseAddress };
        client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", _key);
        return client;
    }

    public string Output
    {
        get { lock (_output) return _output.ToString(); }
    }

    public static async Task<ServiceHost> StartAsync()
    {
        var root = RepositoryRoot();
        var port = FreePort();
        var scratch = ScratchDirectory();
        var key = "browser_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(24));
        var startInfo = new ProcessStartInfo(DotnetHost())
        {
            // The project folder is the content root, where wwwroot lives; seeds/ is found upwards from it.
            WorkingDirectory = Path.Combine(root, "src", "Timeline"),
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        startInfo.ArgumentList.Add(ServiceAssembly(root));
        foreach (var name in startInfo.Environment.Keys.Where(IsServiceSetting).ToList()) startInfo.Environment.Remove(name);
        startInfo.Environment["ASPNETCORE_URLS"] = $"http://127.0.0.1:{port}";
        startInfo.Environment["Timeline__DataDirectory"] = Path.Combine(scratch, "data");
        // A key made up for this process only, so the tests can write; nothing secret is committed.
        startInfo.Environment[$"Timeline__Auth__Keys__{KeyName}__Key"] = key;
        startInfo.Environment[$"Timeline__Auth__Keys__{KeyName}__Role"] = "admin";

        var process = Process.Start(startInfo) ?? throw new InvalidOperationException("could not start the service");
        var host = new ServiceHost(process, new Uri($"http://127.0.0.1:{port}"), scratch, key);
        try
        {
            await host.WaitUntilReadyAsync();
        }
        catch
        {
            await host.DisposeAsync();
            throw;
        }

        return host;
    }

    /// <summary>Ready once the seed's Kamal page answers: the seeds load before the service listens.</summary>
    private async Task WaitUntilReadyAsync()
    {
        using var http = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(5) };
        var clock = Stopwatch.StartNew();
        while (true)
        {
            if (_process.HasExited) throw new InvalidOperationException($"The service exited with {_process.ExitCode}.\n{Output}");
            try
            {
                using var response = await http.GetAsync("/api/people/mustafa-kamal");
                if (response.StatusCode == HttpStatusCode.OK) return;
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
            {
            }

            if (clock.Elapsed > StartupTimeout) throw new TimeoutException($"The service did not answer within {StartupTimeout}.\n{Output}");
            await Task.Delay(250);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            // SIGTERM lets the service stop its PostgreSQL; a kill would leave the cluster running.
            using (var kill = Process.Start(new ProcessStartInfo("kill") { ArgumentList = { "-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture) }, UseShellExecute = false }))
            {
                await kill!.WaitForExitAsync();
            }

            using var patience = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            try
            {
                await _process.WaitForExitAsync(patience.Token);
            }
            catch (OperationCanceledException)
            {
                _process.Kill(entireProcessTree: true);
            }
        }

        _process.Dispose();
        try
        {
            Directory.Delete(_dataDirectory, recursive: true);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            Console.Error.WriteLine($"Could not delete {_dataDirectory}: {ex.Message}");
        }
    }

    public static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Timeline.sln"))) return dir.FullName;
        }

        throw new InvalidOperationException($"No Timeline.sln above {AppContext.BaseDirectory}");
    }

    /// <summary>The service's own build output for the configuration the tests were built with.</summary>
    private static string ServiceAssembly(string root)
    {
        var framework = new DirectoryInfo(Path.TrimEndingDirectorySeparator(AppContext.BaseDirectory));
        var path = Path.Combine(root, "src", "Timeline", "bin", framework.Parent!.Name, framework.Name, "Timeline.dll");
        return File.Exists(path) ? path : throw new FileNotFoundException("The service is not built where the tests expect it", path);
    }

    // As root the service runs PostgreSQL as the postgres user, who must be able to enter the folder.
    private static string ScratchDirectory()
    {
        var path = Path.Combine(Path.GetTempPath(), $"timeline-browser-{RandomNumberGenerator.GetHexString(8, lowercase: true)}");
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(path);
            return path;
        }

        Directory.CreateDirectory(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute
            | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
        return path;
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static string DotnetHost()
    {
        if (Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } hostPath && File.Exists(hostPath)) return hostPath;
        var root = Path.GetFullPath(Path.Combine(Path.GetDirectoryName(typeof(object).Assembly.Location)!, "..", "..", ".."));
        var candidate = Path.Combine(root, "dotnet");
        return File.Exists(candidate) ? candidate : "dotnet";
    }

    // The runner's own settings must not reach the service; TIMELINE_PG_BIN may, to find PostgreSQL.
    private static bool IsServiceSetting(string name) =>
        name.StartsWith("ConnectionStrings", StringComparison.OrdinalIgnoreCase)
        || name.StartsWith("Timeline__", StringComparison.OrdinalIgnoreCase)
        || name.Equals("ASPNETCORE_URLS", StringComparison.OrdinalIgnoreCase);

    private void Append(string? line)
    {
        if (line is null) return;
        lock (_output) _output.AppendLine(line);
    }
}
