using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace Timeline.Hosting;

/// <summary>Where and how to run a private PostgreSQL cluster.</summary>
/// <param name="DataDirectory">Holds the cluster (<c>pg/</c>), its password (<c>pg.password</c>) and log (<c>pg.log</c>).</param>
/// <param name="BinDirectory">Folder with initdb and pg_ctl; when set, the only place looked at.</param>
/// <param name="Database">Created on start when missing.</param>
public sealed record EmbeddedPostgresOptions(string DataDirectory, string? BinDirectory = null, string Database = "timeline")
{
    /// <summary>fsync off: much faster, and a crash may lose the data. For throwaway test clusters only.</summary>
    public bool Fast { get; init; }

    /// <summary>TCP port on 127.0.0.1; 0 picks a free one at every start.</summary>
    public int Port { get; init; }
}

/// <summary>No PostgreSQL server binaries were found for the embedded default.</summary>
public sealed class PostgresUnavailableException : Exception
{
    public PostgresUnavailableException()
        : this("No PostgreSQL found: set ConnectionStrings__Timeline to a server, or install PostgreSQL server binaries (apt-get install -y postgresql) or point TIMELINE_PG_BIN at their folder.")
    {
    }

    public PostgresUnavailableException(string message) : base(message)
    {
    }

    public PostgresUnavailableException(string message, Exception innerException) : base(message, innerException)
    {
    }
}

/// <summary>
/// A private PostgreSQL cluster run from the machine's own binaries (initdb + pg_ctl), listening on 127.0.0.1 only.
/// The first start creates the cluster; later starts reuse it. As root, the server runs as the <c>postgres</c> system user.
/// </summary>
public sealed class EmbeddedPostgres : IAsyncDisposable, IDisposable
{
    public const string UserName = "timeline";
    public const string BinDirectoryVariable = "TIMELINE_PG_BIN";
    private const string ServerUser = "postgres";

    // A unix socket path may not exceed 107 bytes; postgres appends "/.s.PGSQL.<port>".
    private const int MaxSocketDirectoryLength = 90;

    private readonly EmbeddedPostgresOptions _options;
    private readonly ILogger _logger;
    private readonly string _binDirectory;
    private readonly bool _asServerUser;
    private readonly EventHandler _onProcessExit;
    private FileStream? _lock;
    private int _stopped;

    private EmbeddedPostgres(EmbeddedPostgresOptions options, string dataDirectory, string binDirectory, ILogger logger)
    {
        _options = options;
        _logger = logger;
        _binDirectory = binDirectory;
        _asServerUser = !OperatingSystem.IsWindows() && Environment.IsPrivilegedProcess;
        _onProcessExit = (_, _) => Stop();
        DataDirectory = dataDirectory;
        ClusterDirectory = Path.Combine(dataDirectory, "pg");
        LogFile = Path.Combine(dataDirectory, "pg.log");
        PasswordFile = Path.Combine(dataDirectory, "pg.password");
        var socketDirectory = Path.Combine(dataDirectory, "run");
        SocketDirectory = socketDirectory.Length <= MaxSocketDirectoryLength
            ? socketDirectory
            : Path.Combine(Path.GetTempPath(), "timeline-pg-" + Convert.ToHexStringLower(SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(dataDirectory)))[..12]);
    }

    public string DataDirectory { get; }
    public string ClusterDirectory { get; }
    public string LogFile { get; }
    public string SocketDirectory { get; }
    public int Port { get; private set; }
    public string ConnectionString { get; private set; } = "";

    /// <summary>True when this start created the cluster (ran initdb); false when it reused one.</summary>
    public bool CreatedCluster { get; private set; }

    internal string PasswordFile { get; }
    internal string Password { get; private set; } = "";

    /// <summary>Creates the cluster if needed, starts the server, waits until it accepts connections and creates the database.</summary>
    /// <exception cref="PostgresUnavailableException">No initdb/pg_ctl found.</exception>
    public static EmbeddedPostgres Start(EmbeddedPostgresOptions options, ILogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        var binDirectory = LocateBinaries(options.BinDirectory);
        var dataDirectory = Path.GetFullPath(options.DataDirectory);
        Directory.CreateDirectory(dataDirectory);

        var server = new EmbeddedPostgres(options, dataDirectory, binDirectory, logger ?? NullLogger.Instance);
        try
        {
            server.Boot();
            return server;
        }
        catch
        {
            server.Stop();
            throw;
        }
    }

    public Task StopAsync() => Task.Run(Stop);

    public void Dispose() => Stop();

    public ValueTask DisposeAsync() => new(StopAsync());

    /// <summary>initdb and pg_ctl's folder: the configured one only, else TIMELINE_PG_BIN only, else pg_config, Debian's layout, PATH.</summary>
    internal static string LocateBinaries(string? configured)
    {
        if (!string.IsNullOrWhiteSpace(configured))
        {
            return HasServerBinaries(configured) ? Path.GetFullPath(configured)
                : throw new PostgresUnavailableException($"No PostgreSQL found in {configured}: it has no initdb and pg_ctl. Point it at PostgreSQL's bin folder, install PostgreSQL server binaries (apt-get install -y postgresql), or set ConnectionStrings__Timeline to a server.");
        }

        var fromEnvironment = Environment.GetEnvironmentVariable(BinDirectoryVariable);
        if (!string.IsNullOrWhiteSpace(fromEnvironment))
        {
            return HasServerBinaries(fromEnvironment) ? Path.GetFullPath(fromEnvironment)
                : throw new PostgresUnavailableException($"No PostgreSQL found in {BinDirectoryVariable}={fromEnvironment}: it has no initdb and pg_ctl. Point it at PostgreSQL's bin folder, install PostgreSQL server binaries (apt-get install -y postgresql), or set ConnectionStrings__Timeline to a server.");
        }

        if (FindOnPath("pg_config") is { } pgConfig
            && TryRun(pgConfig, ["--bindir"]) is { } bindir
            && HasServerBinaries(bindir))
        {
            return bindir;
        }

        const string debianRoot = "/usr/lib/postgresql";
        if (Directory.Exists(debianRoot))
        {
            var newest = Directory.GetDirectories(debianRoot)
                .Select(d => (Directory: Path.Combine(d, "bin"), Version: decimal.TryParse(Path.GetFileName(d), NumberStyles.Number, CultureInfo.InvariantCulture, out var v) ? v : -1))
                .Where(x => HasServerBinaries(x.Directory))
                .OrderByDescending(x => x.Version)
                .FirstOrDefault();
            if (newest.Directory is not null) return newest.Directory;
        }

        if (FindOnPath(Executable("initdb")) is { } initdb && Path.GetDirectoryName(initdb) is { } folder && HasServerBinaries(folder))
        {
            return folder;
        }

        throw new PostgresUnavailableException();
    }

    private void Boot()
    {
        if (_asServerUser && !OperatingSystem.IsWindows()) PrepareServerUser();
        _lock = TakeLock();
        if (_asServerUser && !OperatingSystem.IsWindows()) HandOverToServerUser();

        if (!File.Exists(Path.Combine(ClusterDirectory, "PG_VERSION"))) CreateCluster();
        Password = File.Exists(PasswordFile)
            ? File.ReadAllText(PasswordFile).Trim()
            : throw new InvalidOperationException($"{PasswordFile} is missing; delete {ClusterDirectory} to start with a new, empty cluster.");
        StopLeftoverServer();
        StartServer();
        AppDomain.CurrentDomain.ProcessExit += _onProcessExit;

        var admin = new NpgsqlConnectionStringBuilder
        {
            Host = "127.0.0.1", Port = Port, Username = UserName, Password = Password, Database = "postgres", Pooling = false,
        };
        WaitUntilAccepting(admin.ConnectionString);
        CreateDatabaseIfMissing(admin.ConnectionString);
        admin.Database = _options.Database;
        admin.Pooling = true;
        ConnectionString = admin.ConnectionString;
        _logger.LogInformation("Embedded PostgreSQL listening on 127.0.0.1:{Port}, data in {Directory}", Port, ClusterDirectory);
    }

    private FileStream TakeLock()
    {
        try
        {
            // FileShare.None is an exclusive flock on Unix: released by the kernel even if this process is killed.
            return new FileStream(Path.Combine(DataDirectory, "pg.lock"), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (IOException ex)
        {
            // Unavailable, not a crash: a command run beside the service gets this message and exit code, not a stack trace.
            throw new PostgresUnavailableException(
                $"Another process (a running Timeline service?) is running the embedded PostgreSQL in {DataDirectory}. Stop it first, " +
                "choose another Timeline:DataDirectory, or give both ConnectionStrings__Timeline for a PostgreSQL server.", ex);
        }
    }

    private void CreateCluster()
    {
        if (Directory.Exists(ClusterDirectory))
        {
            _logger.LogWarning("Removing {Directory}: a cluster whose creation did not finish", ClusterDirectory);
            Directory.Delete(ClusterDirectory, recursive: true);
        }

        File.Delete(PasswordFile);
        var fileOptions = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows()) fileOptions.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        using (var writer = new StreamWriter(PasswordFile, fileOptions))
        {
            writer.WriteLine(RandomNumberGenerator.GetHexString(40, lowercase: true));
        }

        if (_asServerUser) Chown(PasswordFile);

        _logger.LogInformation("Creating a PostgreSQL cluster in {Directory}", ClusterDirectory);
        List<string> args = ["-D", ClusterDirectory, "-U", UserName, "-A", "scram-sha-256", "--pwfile=" + PasswordFile, "-E", "UTF8", "--no-locale"];
        if (_options.Fast) args.Add("--no-sync");
        var (exitCode, output) = RunServerTool("initdb", args, TimeSpan.FromMinutes(2));
        if (exitCode != 0)
        {
            if (Directory.Exists(ClusterDirectory)) Directory.Delete(ClusterDirectory, recursive: true);
            throw new InvalidOperationException($"initdb failed ({exitCode}): {output}");
        }

        CreatedCluster = true;
    }

    /// <summary>A server left running by an earlier process that was killed: ours to stop, since we hold the lock.</summary>
    private void StopLeftoverServer()
    {
        var pidFile = Path.Combine(ClusterDirectory, "postmaster.pid");
        if (!File.Exists(pidFile)) return;

        if (!IsRunningOnThisCluster(pidFile))
        {
            // Deleted so postgres cannot mistake an unrelated process that reused the PID for a live server.
            File.Delete(pidFile);
            return;
        }

        _logger.LogWarning("Stopping a PostgreSQL left running on {Directory} by an earlier run", ClusterDirectory);
        if (RunServerTool("pg_ctl", ["stop", "-D", ClusterDirectory, "-m", "fast", "-w", "-t", "60", "-s"], TimeSpan.FromSeconds(70)).ExitCode != 0)
        {
            RunServerTool("pg_ctl", ["stop", "-D", ClusterDirectory, "-m", "immediate", "-w", "-t", "30", "-s"], TimeSpan.FromSeconds(40));
        }
    }

    private static bool IsRunningOnThisCluster(string pidFile)
    {
        var lines = File.ReadAllLines(pidFile);
        if (lines.Length == 0 || !int.TryParse(lines[0], CultureInfo.InvariantCulture, out var pid)) return false;

        if (Directory.Exists("/proc/self"))
        {
            // A postmaster's working directory is its cluster: compare the pid file it sees with ours.
            var theirs = $"/proc/{pid}/cwd/postmaster.pid";
            try
            {
                return File.Exists(theirs) && File.ReadAllText(theirs) == File.ReadAllText(pidFile);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                return false;
            }
        }

        try
        {
            using var process = Process.GetProcessById(pid);
            return !process.HasExited && process.ProcessName.StartsWith("postgres", StringComparison.Ordinal);
        }
        catch (ArgumentException)
        {
            return false;
        }
    }

    private void StartServer()
    {
        if (OperatingSystem.IsWindows()) Directory.CreateDirectory(SocketDirectory);
        else Directory.CreateDirectory(SocketDirectory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        if (new DirectoryInfo(SocketDirectory).LinkTarget is not null)
        {
            throw new InvalidOperationException($"{SocketDirectory} is a symbolic link; remove it.");
        }

        if (_asServerUser) Chown(SocketDirectory);

        var attempts = _options.Port == 0 ? 3 : 1;
        for (var attempt = 1; ; attempt++)
        {
            Port = _options.Port == 0 ? FreePort() : _options.Port;
            var serverOptions = $"-p {Port} -k {ShellQuote(SocketDirectory)} -c listen_addresses=127.0.0.1";
            if (_options.Fast) serverOptions += " -c fsync=off -c synchronous_commit=off -c full_page_writes=off";

            var logStart = File.Exists(LogFile) ? new FileInfo(LogFile).Length : 0;
            var (exitCode, output) = RunServerTool("pg_ctl",
                ["start", "-D", ClusterDirectory, "-l", LogFile, "-w", "-t", "60", "-s", "-o", serverOptions],
                TimeSpan.FromSeconds(75));
            if (exitCode == 0) return;

            var log = ReadFrom(LogFile, logStart);
            var portTaken = log.Contains("could not bind", StringComparison.OrdinalIgnoreCase);
            if (!portTaken || attempt >= attempts)
            {
                throw new InvalidOperationException($"pg_ctl start failed ({exitCode}): {output} {log}".Trim());
            }
        }
    }

    private static void WaitUntilAccepting(string connectionString)
    {
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                using var connection = new NpgsqlConnection(connectionString);
                connection.Open();
                return;
            }
            catch (NpgsqlException) when (deadline.Elapsed < TimeSpan.FromSeconds(15))
            {
                Thread.Sleep(100);
            }
        }
    }

    private void CreateDatabaseIfMissing(string adminConnectionString)
    {
        using var connection = new NpgsqlConnection(adminConnectionString);
        connection.Open();
        using var exists = new NpgsqlCommand("select 1 from pg_database where datname = $1", connection);
        exists.Parameters.Add(new NpgsqlParameter { Value = _options.Database });
        if (exists.ExecuteScalar() is not null) return;

        using var create = new NpgsqlCommand($"create database \"{_options.Database.Replace("\"", "\"\"", StringComparison.Ordinal)}\"", connection);
        create.ExecuteNonQuery();
    }

    private void Stop()
    {
        if (Interlocked.Exchange(ref _stopped, 1) == 1) return;
        AppDomain.CurrentDomain.ProcessExit -= _onProcessExit;
        if (_lock is null) return; // never owned the cluster: whatever runs there is not ours
        try
        {
            if (File.Exists(Path.Combine(ClusterDirectory, "postmaster.pid")))
            {
                var (exitCode, output) = RunServerTool("pg_ctl", ["stop", "-D", ClusterDirectory, "-m", "fast", "-w", "-t", "60", "-s"], TimeSpan.FromSeconds(70));
                if (exitCode != 0)
                {
                    _logger.LogWarning("pg_ctl stop -m fast failed ({ExitCode}): {Output}; stopping immediately", exitCode, output);
                    RunServerTool("pg_ctl", ["stop", "-D", ClusterDirectory, "-m", "immediate", "-w", "-t", "30", "-s"], TimeSpan.FromSeconds(40));
                }
                else
                {
                    _logger.LogInformation("Embedded PostgreSQL stopped");
                }
            }
        }
        finally
        {
            _lock.Dispose();
            if (!SocketDirectory.StartsWith(DataDirectory, StringComparison.Ordinal)) DeleteQuietly(SocketDirectory);
        }
    }

    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    private void PrepareServerUser()
    {
        // initdb and postgres refuse to run as root.
        if (TryRun("id", ["-u", ServerUser]) is null)
        {
            var (exitCode, output) = Run("useradd", ["--system", "--no-create-home", "--shell", "/usr/sbin/nologin", ServerUser], TimeSpan.FromSeconds(30));
            if (exitCode != 0) throw new InvalidOperationException($"Could not create the '{ServerUser}' system user to run PostgreSQL as (useradd: {output}).");
        }

        // The server user must be able to walk down to its data: root's home is 0700 on Debian.
        // Only search (x) permission is granted, never listing or reading.
        for (var dir = Path.GetDirectoryName(DataDirectory); dir is not null; dir = Path.GetDirectoryName(dir))
        {
            var mode = File.GetUnixFileMode(dir);
            if (mode.HasFlag(UnixFileMode.OtherExecute)) continue;
            _logger.LogWarning("Granting others search permission (o+x) on {Directory} so the '{User}' user can reach {DataDirectory}", dir, ServerUser, DataDirectory);
            File.SetUnixFileMode(dir, mode | UnixFileMode.OtherExecute);
        }
    }

    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    private void HandOverToServerUser()
    {
        File.SetUnixFileMode(DataDirectory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        Chown(DataDirectory);
    }

    private static void Chown(string path)
    {
        var (exitCode, output) = Run("chown", ["-R", ServerUser + ":", path], TimeSpan.FromMinutes(1));
        if (exitCode != 0) throw new InvalidOperationException($"chown {path} to {ServerUser} failed: {output}");
    }

    private (int ExitCode, string Output) RunServerTool(string tool, IEnumerable<string> args, TimeSpan timeout)
    {
        var path = Path.Combine(_binDirectory, Executable(tool));
        return _asServerUser
            ? Run(FindOnPath("runuser") ?? "/usr/sbin/runuser", ["-u", ServerUser, "--", path, .. args], timeout)
            : Run(path, args, timeout);
    }

    private static (int ExitCode, string Output) Run(string fileName, IEnumerable<string> args, TimeSpan timeout)
    {
        var startInfo = new ProcessStartInfo(fileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            // The server user may not be able to enter our working directory.
            WorkingDirectory = OperatingSystem.IsWindows() ? null : "/",
        };
        foreach (var arg in args) startInfo.ArgumentList.Add(arg);
        foreach (var name in startInfo.Environment.Keys.Where(k => k.StartsWith("PG", StringComparison.Ordinal)).ToList())
        {
            startInfo.Environment.Remove(name);
        }

        startInfo.Environment["LC_ALL"] = "C";

        using var process = Process.Start(startInfo) ?? throw new InvalidOperationException($"Could not start {fileName}");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(timeout))
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit();
            return (-1, $"{fileName} timed out after {timeout.TotalSeconds:0} s. {stdout.Result} {stderr.Result}".Trim());
        }

        process.WaitForExit();
        return (process.ExitCode, $"{stdout.Result} {stderr.Result}".Trim());
    }

    private static string? TryRun(string fileName, IEnumerable<string> args)
    {
        try
        {
            var (exitCode, output) = Run(fileName, args, TimeSpan.FromSeconds(10));
            return exitCode == 0 && output.Length > 0 ? output : null;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return null;
        }
    }

    private static bool HasServerBinaries(string directory) =>
        File.Exists(Path.Combine(directory, Executable("initdb"))) && File.Exists(Path.Combine(directory, Executable("pg_ctl")));

    private static string Executable(string name) => OperatingSystem.IsWindows() ? name + ".exe" : name;

    private static string? FindOnPath(string name) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "")
        .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
        .Select(dir => Path.Combine(dir, name))
        .FirstOrDefault(File.Exists);

    internal static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static void DeleteQuietly(string directory)
    {
        try
        {
            if (Directory.Exists(directory)) Directory.Delete(directory, recursive: true);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // A stray socket folder under the temp directory is harmless.
        }
    }

    private static string ShellQuote(string value) => "'" + value.Replace("'", "'\\''", StringComparison.Ordinal) + "'";

    private static string ReadFrom(string path, long offset)
    {
        if (!File.Exists(path)) return "";
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        stream.Seek(Math.Min(offset, stream.Length), SeekOrigin.Begin);
        using var reader = new StreamReader(stream);
        var text = reader.ReadToEnd().Trim();
        return text.Length > 2000 ? text[^2000..] : text;
    }
}
