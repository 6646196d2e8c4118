using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Npgsql;
using Timeline.Claims;
using Timeline.Hosting;
using Timeline.Sources;

namespace Timeline.Bench;

/// <summary>
/// The whole bench in one run: its own PostgreSQL, the service's Release build as a process, HTTP load from N loops,
/// and each figure beside a baseline taken in the same run at the same client count.
/// </summary>
internal sealed class Scenarios(ServiceUnderTest service, HttpClient http, RawBaselines raw, PostgresProfile profile, TimeSpan warmUp, TimeSpan measure)
{
    public const int People = 200;
    public const int BigPersonClaims = 1_000;
    private const string Quote = "a quote the bench repeats";
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private string _sourceId = "";

    public string Profile { get; private set; } = "";

    /// <summary>The share of a core the service uses with no requests: its background work.</summary>
    public double IdleCpu { get; private set; }

    /// <summary>Only the 8-client appends and their baseline (bench/run appends).</summary>
    public static bool AppendsOnly { get; set; }

    public static bool HotOnly { get; set; }

    /// <summary>Where to write a dotnet-trace of the service during the 8-client appends; null for none.</summary>
    public static string? TraceFile { get; set; }

    /// <summary>
    /// Load the service gets before its first figure: the JIT compiles and re-compiles (tiered, with PGO) for the first
    /// tens of seconds under load, and a figure taken meanwhile measures the compiler, not the service.
    /// </summary>
    public static TimeSpan ServiceWarmUp { get; set; } = TimeSpan.FromSeconds(30);

    public static async Task<(List<Row> Rows, string Profile)> RunAllAsync(TimeSpan warmUp, TimeSpan measure, int[] microSizes)
    {
        var directory = Path.Combine(Path.GetTempPath(), $"timeline-bench-{Environment.ProcessId}");
        var options = new EmbeddedPostgresOptions(directory);
        var postgres = await PostgresProfile.StartAsync(options);
        try
        {
            Console.Error.WriteLine($"PostgreSQL on 127.0.0.1:{postgres.Port}; starting the service");
            await using var dataSource = NpgsqlDataSource.Create(postgres.ConnectionString);
            await using (var create = dataSource.CreateCommand("create database timeline_micro")) await create.ExecuteNonQueryAsync();

            List<Row> rows;
            string profile;
            using (var service = await ServiceUnderTest.StartAsync(postgres.ConnectionString))
            using (var http = new HttpClient(new SocketsHttpHandler { PooledConnectionLifetime = Timeout.InfiniteTimeSpan }) { BaseAddress = service.BaseAddress })
            {
                http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", service.Key);
                var raw = new RawBaselines(dataSource);
                await raw.CreateAsync(People);
                var scenarios = new Scenarios(service, http, raw, new PostgresProfile(dataSource), warmUp, measure);
                rows = await scenarios.RunAsync();
                profile = scenarios.Profile;
                Console.Error.WriteLine($"the service wrote {service.OutputLines} lines to stdout; the first:\n{string.Join("\n", service.FirstOutput)}");
            }

            if (AppendsOnly || HotOnly) return (rows, profile);
            Console.Error.WriteLine("In-process figures (recordedAt reads, appends by stream size)");
            var micro = new NpgsqlConnectionStringBuilder(postgres.ConnectionString) { Database = "timeline_micro" }.ConnectionString;
            rows.AddRange(await Micro.RunAsync(micro, microSizes));
            return (rows, profile);
        }
        finally
        {
            await postgres.DisposeAsync();
            try
            {
                Directory.Delete(directory, recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }

    private async Task<List<Row>> RunAsync()
    {
        var rows = new List<Row>();
        _sourceId = await RegisterSourceAsync();
        for (var i = 0; i < People; i++) await RegisterPersonAsync(PersonId(i));
        await RegisterPersonAsync("bench-hot");
        await RegisterPersonAsync("bench-big");
        var eventJson = JsonSerializer.Serialize(SampleEvent(), Json);
        if (ServiceWarmUp > TimeSpan.Zero)
        {
            // Other people than the measured ones, so the figures start from the same records as without a warm-up.
            Console.Error.WriteLine($"warming the service up: {ServiceWarmUp.TotalSeconds:0} s of appends and reads");
            for (var i = 0; i < WarmUpPeople; i++) await RegisterPersonAsync($"bench-warm-{i}");
            await Load.RunAsync(8, TimeSpan.Zero, ServiceWarmUp,
                n => n % 4 == 0 ? GetAsync($"/api/people/bench-warm-{n % WarmUpPeople}", null) : AppendAsync($"bench-warm-{n % WarmUpPeople}", n));
        }

        // Once started and caught up: in its first seconds the service is still compiling and starting its agents.
        await QuiescentAsync(http);
        var idle = await Load.RunAsync(1, TimeSpan.Zero, TimeSpan.FromSeconds(3), async _ => { await Task.Delay(100); return 0; }, service.Process);
        IdleCpu = idle.CpuMsPerOp!.Value * idle.PerSecond / 1000;
        Console.Error.WriteLine($"service CPU while idle: {IdleCpu:P0} of a core");

        LoadResult? oneClient = null;
        foreach (var clients in AppendsOnly ? [8] : HotOnly ? [1] : new[] { 1, 8, 32 })
        {
            Console.Error.WriteLine($"appends, {clients} clients");
            if (clients == 8) await profile.ResetAsync();
            // The service and the raw loop take turns in short rounds, so a machine that speeds up or slows down during
            // the run (a shared host does) moves both sides of the ratio alike.
            var serviceRounds = new List<LoadResult>();
            var rawRounds = new List<LoadResult>();
            var round = measure / AppendRounds;
            for (var r = 0; r < AppendRounds; r++)
            {
                // The profile and the trace see the first round only: the raw loop's statements are not the service's.
                using (var trace = r == 0 && clients == 8 && TraceFile is not null ? StartTrace(service.Process.Id, TraceFile, warmUp + round) : null)
                {
                    serviceRounds.Add(await Load.RunAsync(clients, warmUp, round, n => AppendAsync(PersonId((int)(n % People)), n), service.Process));
                    trace?.WaitForExit();
                }

                if (r == 0 && clients == 8) Profile = await profile.ReportAsync("HTTP appends at 8 clients (first round)", serviceRounds[0].AllOperations);
                await QuiescentAsync(http);
                rawRounds.Add(await Load.RunAsync(clients, warmUp, round, n => raw.AppendAsync($"raw-{n % People}", eventJson)));
            }

            var appends = LoadResult.Combine(serviceRounds);
            var rawAppends = LoadResult.Combine(rawRounds);
            oneClient ??= appends;
            rows.Add(Row.Rate($"HTTP claim appends over {People} people, {clients} client{(clients == 1 ? "" : "s")}", appends.PerSecond,
                $"raw Npgsql append transaction, {clients} client{(clients == 1 ? "" : "s")}, in turns with the service", rawAppends.PerSecond, appends.PeakWorkingSet, clients == 8 ? "≥ 0.5" : "", appends.Describe()));
        }

        if (AppendsOnly) return rows;
        Console.Error.WriteLine("16 writers on one person");
        var hot = await RunAsync(16, n => AppendAsync("bench-hot", n), service.Process);
        rows.Add(Row.Rate("16 writers on one person: 201s", hot.Count(201) / measure.TotalSeconds, "HTTP appends, 1 client, distinct people",
            oneClient!.PerSecond, hot.PeakWorkingSet, "≥ 0.5, zero 409", $"{hot.Count(409)} × 409; {hot.Describe()}"));
        if (HotOnly) return rows;

        Console.Error.WriteLine("304 polls against /health/live");
        var etag = await ETagAsync(PersonId(0));
        var polls = await RunAsync(8, _ => GetAsync($"/api/people/{PersonId(0)}", etag), service.Process);
        var live = await RunAsync(8, _ => GetAsync("/health/live", null), service.Process);
        rows.Add(Row.Rate("GET /api/people/{id} answered 304, 8 clients", polls.PerSecond, "GET /health/live, 8 clients", live.PerSecond,
            polls.PeakWorkingSet, "≥ 0.7", polls.Describe()));

        Console.Error.WriteLine($"a person with {BigPersonClaims:N0} claims");
        for (var i = 0; i < BigPersonClaims; i++)
        {
            var status = await AppendAsync("bench-big", i);
            if (status != 201) throw new InvalidOperationException($"append to bench-big answered {status}");
        }

        var body = await http.GetStringAsync("/api/people/bench-big");
        await raw.StoreDocumentAsync("bench-big", body);
        var statusGet = await RunAsync(1, _ => GetAsync("/api/people/bench-big", null), service.Process);
        var documentLoad = await RunAsync(1, _ => raw.LoadDocumentAsync("bench-big"));
        rows.Add(Row.Latency($"status GET (200) of a person with {BigPersonClaims:N0} claims, 1 client", statusGet.MeanMs,
            $"Npgsql load of one stored document of the same size ({Encoding.UTF8.GetByteCount(body):N0} bytes)", documentLoad.MeanMs,
            statusGet.PeakWorkingSet, "≤ 2", statusGet.Describe()));

        // A dashboard polling with its ETag gets a 200 only for a version it has not seen: the first read of each new one.
        var (firstReads, reads) = await FirstReadsAsync("bench-big", 200);
        service.Process.Refresh();
        rows.Add(Row.Latency($"status GET (200) of each new version of that person (one append, then one read), 1 client", firstReads,
            "Npgsql load of one stored document of the same size (as above)", documentLoad.MeanMs, service.Process.PeakWorkingSet64, "",
            string.Create(System.Globalization.CultureInfo.InvariantCulture, $"mean of {reads} reads, the append before each not timed")));
        return rows;
    }

    /// <summary>Appends a claim, then reads the person's status once: the mean time of the reads after a warm-up of a tenth of them.</summary>
    private async Task<(double MeanMs, int Reads)> FirstReadsAsync(string personId, int reads)
    {
        var warm = reads / 10;
        var timed = TimeSpan.Zero;
        for (var i = 0; i < warm + reads; i++)
        {
            var status = await AppendAsync(personId, BigPersonClaims + i);
            if (status != 201) throw new InvalidOperationException($"append to {personId} answered {status}");
            var started = Stopwatch.GetTimestamp();
            var read = await GetAsync($"/api/people/{personId}", null);
            if (read != 200) throw new InvalidOperationException($"status of {personId} answered {read}");
            if (i >= warm) timed += Stopwatch.GetElapsedTime(started);
        }

        return (timed.TotalMilliseconds / reads, reads);
    }

    private Task<LoadResult> RunAsync(int clients, Func<long, Task<int>> operation, Process? watched = null) =>
        Load.RunAsync(clients, warmUp, measure, operation, watched);

    /// <summary>Samples the service's threads with dotnet-trace (a global tool: dotnet tool install -g dotnet-trace).</summary>
    private static Process StartTrace(int pid, string file, TimeSpan duration)
    {
        var tools = Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".dotnet", "tools", "dotnet-trace");
        var startInfo = new ProcessStartInfo(File.Exists(tools) ? tools : "dotnet-trace") { UseShellExecute = false };
        foreach (var arg in new[] { "collect", "-p", pid.ToString(System.Globalization.CultureInfo.InvariantCulture), "--profile", "dotnet-sampled-thread-time",
                     "-o", Path.GetFullPath(file), "--duration", duration.ToString(@"hh\:mm\:ss", System.Globalization.CultureInfo.InvariantCulture) })
        {
            startInfo.ArgumentList.Add(arg);
        }

        return Process.Start(startInfo) ?? throw new InvalidOperationException("could not start dotnet-trace");
    }

    private const int WarmUpPeople = 20;

    /// <summary>Turns the service and the raw append loop take, each a share of the measured time.</summary>
    private const int AppendRounds = 4;

    /// <summary>
    /// Until the service's async projections have caught up with what it just acknowledged: a baseline run while the
    /// service still works through the feed would share the cores with it.
    /// </summary>
    internal static async Task QuiescentAsync(HttpClient http)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (DateTime.UtcNow < deadline)
        {
            using var ready = await http.GetAsync("/health/ready");
            using var body = System.Text.Json.JsonDocument.Parse(await ready.Content.ReadAsStringAsync());
            if (body.RootElement.TryGetProperty("projections", out var projections)
                && projections.EnumerateArray().All(p => p.TryGetProperty("lagEvents", out var lag) && lag.GetInt64() == 0))
            {
                return;
            }

            await Task.Delay(200);
        }
    }

    private static string PersonId(int i) => $"bench-{i:D3}";

    private async Task<int> AppendAsync(string personId, long n)
    {
        var body = new AppendClaimRequest("StatementMade", null, "2000", _sourceId, new ClaimantInput("claimant"), Quote, null,
            Predicate: "said", Object: $"topic {n % 20}", Statement: $"statement {n}");
        using var response = await http.PostAsJsonAsync($"/api/people/{personId}/claims", body, Json);
        return (int)response.StatusCode;
    }

    private async Task<int> GetAsync(string path, EntityTagHeaderValue? etag)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        if (etag is not null) request.Headers.IfNoneMatch.Add(etag);
        using var response = await http.SendAsync(request);
        await response.Content.ReadAsByteArrayAsync();
        return (int)response.StatusCode;
    }

    private async Task<EntityTagHeaderValue> ETagAsync(string path)
    {
        using var response = await http.GetAsync($"/api/people/{path}");
        response.EnsureSuccessStatusCode();
        return response.Headers.ETag ?? throw new InvalidOperationException("no ETag on a status GET");
    }

    private async Task<string> RegisterSourceAsync()
    {
        using var response = await http.PostAsJsonAsync("/api/sources", new RegisterSource("https://example.org/bench", "Bench", "Bench source", "Bench",
            DateTimeOffset.UnixEpoch, $"The text of the bench source: {Quote}."), Json);
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<RegisteredSource>(Json))!.Id;
    }

    private async Task RegisterPersonAsync(string id)
    {
        using var response = await http.PostAsJsonAsync("/api/people", new Timeline.People.RegisterPerson(id, $"Person {id}", [], null), Json);
        if (response.StatusCode != HttpStatusCode.Created) throw new InvalidOperationException($"registering {id} answered {(int)response.StatusCode}");
    }

    private StatementMade SampleEvent() => new()
    {
        Claim = new ClaimDetails(Guid.NewGuid(), new Proposition("raw-0", "said", "topic 0"), Stance.Asserts, null, new ValidTime(new PartialDate(2000)),
            new Attribution(new SourceRef(_sourceId, "https://example.org/bench", "Bench", "Bench source", DateTimeOffset.UnixEpoch), new Claimant("claimant"), Quote, "bench")),
        Statement = "statement 0",
    };
}
