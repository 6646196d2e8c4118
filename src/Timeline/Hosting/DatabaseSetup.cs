using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Npgsql;

namespace Timeline.Hosting;

/// <summary>
/// The service's PostgreSQL: the server named by <c>ConnectionStrings:Timeline</c>, or else the embedded default,
/// a private cluster under <c>Timeline:DataDirectory</c> (default <c>.timeline</c>) started before the host starts
/// and stopped after it stops.
/// </summary>
public static class DatabaseSetup
{
    public const string ConnectionStringName = "Timeline";
    public const string DataDirectoryKey = "Timeline:DataDirectory";
    public const string DefaultDataDirectory = ".timeline";
    public const int PostgresUnavailableExitCode = 3;

    // JasperFx commands that never touch the database.
    private static readonly HashSet<string> CommandsWithoutDatabase = new(StringComparer.OrdinalIgnoreCase) { "help", "?", "codegen" };

    /// <summary>
    /// Registers the <see cref="NpgsqlDataSource"/> singleton. Nothing is started here or when the data source is
    /// resolved (Wolverine resolves it while mapping endpoints, even for <c>help</c>); the embedded server starts in
    /// <see cref="StartTimelineDatabaseAsync"/> or, at the latest, before any hosted service starts.
    /// </summary>
    public static TBuilder AddTimelineDatabase<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.TryAddSingleton<TimelineDatabase>();
        builder.Services.TryAddSingleton(sp => sp.GetRequiredService<TimelineDatabase>().CreateDataSource());
        builder.Services.AddHostedService<TimelineDatabaseLifetime>();
        // Npgsql logs every command at Information: run without appsettings.json (from another folder) that cost more CPU than the appends.
        if (builder.Configuration["Logging:LogLevel:Npgsql"] is null) builder.Logging.AddFilter("Npgsql", LogLevel.Warning);
        return builder;
    }

    /// <summary>
    /// Starts the embedded PostgreSQL now, or checks that the configured server answers, unless the command line only
    /// asks for help or code generation. Call it before <c>RunJasperFxCommands</c>: a failure then reaches your catch
    /// instead of being printed with its stack trace by the command runner.
    /// </summary>
    /// <exception cref="PostgresUnavailableException">No PostgreSQL to start, or the configured one cannot be reached.</exception>
    public static async Task StartTimelineDatabaseAsync(this IHost host, string[] args)
    {
        ArgumentNullException.ThrowIfNull(host);
        ArgumentNullException.ThrowIfNull(args);
        if (!CommandNeedsDatabase(args) || host.Services.GetService<TimelineDatabase>() is not { } database) return;
        await Task.Run(database.EnsureStarted);
        await database.EnsureReachableAsync();
    }

    /// <summary>
    /// For a start that failed because no PostgreSQL is available: writes the one-line reason to stderr and returns
    /// the exit code (3). For any other failure returns -1 and writes nothing.
    /// </summary>
    public static int ReportStartupFailure(Exception exception)
    {
        if (FindUnavailable(exception) is not { } unavailable) return -1;
        Console.Error.WriteLine(unavailable.Message);
        return PostgresUnavailableExitCode;
    }

    internal static bool CommandNeedsDatabase(string[] args)
    {
        // Mirrors JasperFx: no arguments, or a first argument that is a flag, means "run".
        var command = args.FirstOrDefault(a => !string.IsNullOrWhiteSpace(a));
        return command is null || command.StartsWith('-') || !CommandsWithoutDatabase.Contains(command);
    }

    /// <summary>
    /// Short timeouts, so requests fail fast while the database is away, and statements prepared once per connection
    /// (the pool's reset keeps them), unless the connection string sets its own. A setting still at Npgsql's default
    /// counts as unset (the builder's ContainsKey is true for every keyword it knows).
    /// </summary>
    internal static NpgsqlConnectionStringBuilder WithServiceDefaults(this NpgsqlConnectionStringBuilder builder)
    {
        var defaults = new NpgsqlConnectionStringBuilder();
        if (builder.Timeout == defaults.Timeout) builder.Timeout = DatabaseOutage.ConnectTimeoutSeconds;
        if (builder.CommandTimeout == defaults.CommandTimeout) builder.CommandTimeout = DatabaseOutage.CommandTimeoutSeconds;
        // The write path's statements are few and fixed: prepared, PostgreSQL parses and plans each once per connection.
        if (builder.MaxAutoPrepare == defaults.MaxAutoPrepare) builder.MaxAutoPrepare = 100;
        if (builder.AutoPrepareMinUsages == defaults.AutoPrepareMinUsages) builder.AutoPrepareMinUsages = 2;
        return builder;
    }

    internal static string WithErrorDetail(string connectionString)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString).WithServiceDefaults();
        if (!builder.ContainsKey("Include Error Detail")) builder.IncludeErrorDetail = true;
        return builder.ConnectionString;
    }

    private static PostgresUnavailableException? FindUnavailable(Exception? exception) => exception switch
    {
        null => null,
        PostgresUnavailableException unavailable => unavailable,
        AggregateException aggregate => aggregate.InnerExceptions.Select(FindUnavailable).FirstOrDefault(e => e is not null),
        _ => FindUnavailable(exception.InnerException),
    };
}

/// <summary>Decides, on first use, between the configured server and the embedded one, and owns the latter.</summary>
internal sealed class TimelineDatabase : IAsyncDisposable
{
    private readonly ILoggerFactory _loggerFactory;
    private readonly string? _connectionString;
    private readonly EmbeddedPostgresOptions? _embedded;
    private readonly Lock _gate = new();
    private Socket? _portReservation;
    private int _port;
    private EmbeddedPostgres? _server;
    private bool _stopped;

    public TimelineDatabase(IConfiguration configuration, ILoggerFactory loggerFactory)
    {
        _loggerFactory = loggerFactory;
        var connectionString = configuration.GetConnectionString(DatabaseSetup.ConnectionStringName);
        if (!string.IsNullOrWhiteSpace(connectionString))
        {
            _connectionString = DatabaseSetup.WithErrorDetail(connectionString);
        }
        else
        {
            var directory = configuration[DatabaseSetup.DataDirectoryKey];
            _embedded = new EmbeddedPostgresOptions(Path.GetFullPath(string.IsNullOrWhiteSpace(directory) ? DatabaseSetup.DefaultDataDirectory : directory));
        }
    }

    /// <summary>
    /// Opens one connection to the configured server, so that a server not there at start is one line naming it (never
    /// its password) and exit 3, not the first query's stack trace. An outage after start is the 503s' business.
    /// </summary>
    public async Task EnsureReachableAsync()
    {
        if (_connectionString is null) return;
        var probe = new NpgsqlConnectionStringBuilder(_connectionString) { Pooling = false };
        try
        {
            await using var connection = new NpgsqlConnection(probe.ConnectionString);
            await connection.OpenAsync();
        }
        catch (PostgresException refused)
        {
            throw new PostgresUnavailableException(
                $"PostgreSQL at {Where(probe)} refused the connection (user '{probe.Username}', database '{probe.Database}'): {refused.MessageText}. Check ConnectionStrings__Timeline.",
                refused);
        }
        catch (Exception ex) when (ex is NpgsqlException or System.Net.Sockets.SocketException or TimeoutException)
        {
            throw new PostgresUnavailableException(
                $"Cannot reach PostgreSQL at {Where(probe)}: {Innermost(ex).Message}. Start it, or point ConnectionStrings__Timeline at a server that runs.",
                ex);
        }
    }

    private static string Where(NpgsqlConnectionStringBuilder server) =>
        server.Host is { } host && (host.Contains(',', StringComparison.Ordinal) || host.StartsWith('/')) ? host : $"{server.Host}:{server.Port}";

    private static Exception Innermost(Exception exception) => exception.InnerException is { } inner ? Innermost(inner) : exception;

    public NpgsqlDataSource CreateDataSource()
    {
        if (_connectionString is not null)
        {
            return new NpgsqlDataSourceBuilder(_connectionString).UseLoggerFactory(_loggerFactory).Build();
        }

        // The server may not run yet, so its port is chosen (and held) now, and its password is read when a connection opens.
        lock (_gate)
        {
            if (_port == 0) ReservePort();
        }

        var connectionString = new NpgsqlConnectionStringBuilder
        {
            Host = "127.0.0.1", Port = _port, Username = EmbeddedPostgres.UserName, Database = _embedded!.Database, IncludeErrorDetail = true,
        }.WithServiceDefaults().ConnectionString;
        return new NpgsqlDataSourceBuilder(connectionString)
            .UseLoggerFactory(_loggerFactory)
            .UsePasswordProvider(_ => Password(), (_, _) => ValueTask.FromResult(Password()))
            .Build();
    }

    public void EnsureStarted()
    {
        if (_embedded is null) return;
        lock (_gate)
        {
            if (_server is not null) return;
            ObjectDisposedException.ThrowIf(_stopped, this);
            if (_port == 0) ReservePort();

            // Released just before postgres binds it.
            _portReservation?.Dispose();
            _portReservation = null;
            _server = EmbeddedPostgres.Start(_embedded with { Port = _port }, _loggerFactory.CreateLogger<EmbeddedPostgres>());
        }
    }

    public async Task StopAsync()
    {
        EmbeddedPostgres? server;
        lock (_gate)
        {
            _stopped = true;
            server = _server;
            _portReservation?.Dispose();
            _portReservation = null;
        }

        if (server is not null) await server.StopAsync();
    }

    public ValueTask DisposeAsync() => new(StopAsync());

    private string Password() =>
        _server?.Password ?? throw new InvalidOperationException("The embedded PostgreSQL has not been started: call StartTimelineDatabaseAsync or start the host first.");

    private void ReservePort()
    {
        // Bound but not listening: nobody else can take the port, and connecting to it is refused at once.
        _portReservation = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        _portReservation.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        _port = ((IPEndPoint)_portReservation.LocalEndPoint!).Port;
    }
}

/// <summary>Starts the embedded server before any hosted service starts; stops it after all have stopped.</summary>
internal sealed class TimelineDatabaseLifetime(TimelineDatabase database) : IHostedLifecycleService
{
    public Task StartingAsync(CancellationToken cancellationToken) => Task.Run(database.EnsureStarted, cancellationToken);

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => database.StopAsync();
}
