using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Npgsql;
using NpgsqlTypes;
using Timeline.Claims;
using Timeline.Hosting;
using Timeline.Imports;

namespace Timeline.Bench;

/// <summary>
/// The bulk path and the Popolo import, driven as a user drives them: the import command (a process of its own) on a
/// generated file of 100,000 memberships for 1,000 people, and POST /api/imports/popolo on the running service with
/// 1,000 generated people. Each beside a baseline from the same run: the same events inserted straight through Npgsql.
/// </summary>
internal static partial class ImportBench
{
    public const int People = 1_000;
    public const int ClaimsPerPerson = 100;
    private const int HttpBulkRounds = 3;

    private static double Median(List<double> values) => values.Order().ElementAt(values.Count / 2);

    private static readonly JsonSerializerOptions Web = new(JsonSerializerDefaults.Web);

    public static async Task<List<Row>> RunAsync()
    {
        var directory = Path.Combine(Path.GetTempPath(), $"timeline-bench-import-{Environment.ProcessId}");
        Directory.CreateDirectory(directory);
        // Before anything is measured: publishing compiles the whole application ahead of time.
        var published = await PublishReadyToRunAsync(Path.Combine(directory, "r2r"));
        var options = new EmbeddedPostgresOptions(Path.Combine(directory, "pg"));
        var postgres = await PostgresProfile.StartAsync(options);
        try
        {
            var rows = new List<Row>();
            await using var dataSource = NpgsqlDataSource.Create(postgres.ConnectionString);
            using var service = await ServiceUnderTest.StartAsync(postgres.ConnectionString);

            // The Popolo import first: after the bulk run the service's async daemon is still feeding 100,000 events into the changes feed.
            using var http = new HttpClient { BaseAddress = service.BaseAddress, Timeout = TimeSpan.FromMinutes(5) };
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", service.Key);
            // A first, small import compiles the endpoint's handler and warms the bulk path; the figure is the steady state.
            var (_, warmSeconds) = await PostImportAsync(http, Generate("warm", 5, 1, withParty: true), "warm");
            var (report, popoloSeconds) = await PostImportAsync(http, Generate("popolo", People, 1, withParty: true), "popolo");
            var elapsed = TimeSpan.FromSeconds(popoloSeconds);
            var rawPopolo = await RawInsertAsync(dataSource, People, report.ClaimsAppended / People + 1, await StoredClaimEventAsync(dataSource), "raw_popolo");
            service.Process.Refresh();
            rows.Add(Row.Latency($"POST /api/imports/popolo, {People:N0} generated people ({report.PeopleRegistered:N0} registered, {report.ClaimsAppended:N0} claims)",
                elapsed.TotalMilliseconds, "the same number of events inserted raw (as above)", rawPopolo.TotalMilliseconds, service.Process.PeakWorkingSet64,
                "< 5 s", string.Create(CultureInfo.InvariantCulture, $"{elapsed.TotalSeconds:F2} s, after a 5-person first import of {warmSeconds:F2} s")));
            // The bulk path inside the running service: the same size of import over HTTP, as a deployment that has been up
            // a while runs it, after a warm-up import of its own (the command below pays its process's JIT in its time).
            // Full size: the bulk path's per-batch code runs a few dozen times in an import, so a smaller one left it to be
            // compiled again (optimised) during the first round (bench/README.md).
            var (warmBulk, _) = await PostImportAsync(http, Generate("warmbulk", People, ClaimsPerPerson, withParty: false), "warmbulk");
            await Scenarios.QuiescentAsync(http);
            // Rounds of an import of new people and the raw copy of its rows, in turns, so that a host whose speed drifts
            // within minutes (this one does) moves both sides alike; the figure is each side's median.
            var (serviceRates, rawRates) = (new List<double>(), new List<double>());
            for (var round = 1; round <= HttpBulkRounds; round++)
            {
                var name = $"httpbulk{round}";
                var (httpBulk, httpSeconds) = await PostImportAsync(http, Generate(name, People, ClaimsPerPerson, withParty: false), name);
                if (httpBulk.ClaimsAppended != People * ClaimsPerPerson)
                {
                    throw new InvalidOperationException($"the import over HTTP appended {httpBulk.ClaimsAppended:N0} claims, not {People * ClaimsPerPerson:N0}");
                }

                // Before anything else runs: the service's daemon works through the feed of what it just acknowledged.
                await Scenarios.QuiescentAsync(http);
                var (httpRawSeconds, httpStored) = await RawRowsAsync(dataSource, $"{name}-", $"raw_rows_http{round}");
                serviceRates.Add(httpBulk.ClaimsAppended / httpSeconds);
                rawRates.Add(httpStored / httpRawSeconds);
            }

            service.Process.Refresh();
            var rounds = string.Join(", ", serviceRates.Zip(rawRates, (s, r) => string.Create(CultureInfo.InvariantCulture, $"{s:N0}/{r:N0}")));
            rows.Add(Row.Rate($"bulk path in the running service: POST /api/imports/popolo, {People * ClaimsPerPerson:N0} claims for {People:N0} people (every rule checked)",
                Median(serviceRates), "the rows it stored copied raw (as below)", Median(rawRates), service.Process.PeakWorkingSet64, "≥ 20,000/s",
                string.Create(CultureInfo.InvariantCulture,
                    $"median of {HttpBulkRounds} rounds, each a new import and the raw copy of its rows (per s, service/raw: {rounds}), after a warm-up import of {warmBulk.ClaimsAppended:N0} claims")));

            var bulkFile = Path.Combine(directory, "bulk.json");
            await File.WriteAllTextAsync(bulkFile, JsonSerializer.Serialize(Generate("bulk", People, ClaimsPerPerson, withParty: false), PopoloJson.Options));
            Console.Error.WriteLine($"bulk: import command on {People * ClaimsPerPerson:N0} memberships for {People:N0} people");
            var profile = new PostgresProfile(dataSource);
            await profile.ResetAsync();
            var (claims, seconds, peak, output) = await RunImportCommandAsync(postgres.ConnectionString, bulkFile);
            // Where PostgreSQL's time went during the bulk command: the service's daemon also runs meanwhile.
            Console.Error.WriteLine(await profile.ReportAsync("the bulk import", People * ClaimsPerPerson));
            if (claims != People * ClaimsPerPerson) throw new InvalidOperationException($"the bulk import appended {claims:N0} claims, not {People * ClaimsPerPerson:N0}:\n{output}");
            var raw = await RawInsertAsync(dataSource, People, ClaimsPerPerson, await StoredClaimEventAsync(dataSource));
            rows.Add(Row.Rate($"bulk path: {claims:N0} claims for {People:N0} people (import command, every rule checked)", claims / seconds,
                "the same events inserted raw (Npgsql binary COPY, 1,000 per transaction, stream versions bumped)", People * ClaimsPerPerson / raw.TotalSeconds, peak,
                "≥ 20,000/s", string.Create(CultureInfo.InvariantCulture, $"{seconds:F1} s in the command; {output}")));
            var (rowsSeconds, stored) = await RawRowsAsync(dataSource, "bulk-");
            rows.Add(Row.Rate($"bulk path, as above", claims / seconds,
                "the rows it stored copied raw: events, claims index rows and ids (binary COPY into tables with the same indexes, two connections, 1,000 claims per transaction, stream versions bumped, nothing read or checked)",
                stored / rowsSeconds, peak, "", string.Create(CultureInfo.InvariantCulture, $"{stored:N0} claims; {rowsSeconds:F1} s raw")));

            // The same command as the container image ships it (deploy/Dockerfile publishes ReadyToRun), on a file of new people.
            var shippedFile = Path.Combine(directory, "bulk-shipped.json");
            await File.WriteAllTextAsync(shippedFile, JsonSerializer.Serialize(Generate("shipped", People, ClaimsPerPerson, withParty: false), PopoloJson.Options));
            await Scenarios.QuiescentAsync(http);
            var (shippedClaims, shippedSeconds, shippedPeak, shippedOutput) = await RunImportCommandAsync(postgres.ConnectionString, shippedFile, published);
            if (shippedClaims != People * ClaimsPerPerson) throw new InvalidOperationException($"the published import appended {shippedClaims:N0} claims:\n{shippedOutput}");
            rows.Add(Row.Rate($"bulk path: {shippedClaims:N0} claims for {People:N0} people (import command as the image ships it: published ReadyToRun)",
                shippedClaims / shippedSeconds, "the same events inserted raw (as above)", People * ClaimsPerPerson / raw.TotalSeconds, shippedPeak, "≥ 20,000/s",
                string.Create(CultureInfo.InvariantCulture, $"{shippedSeconds:F1} s in the command; {shippedOutput}")));

            return rows;
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

    /// <summary>A Popolo file: one chamber, five parties, one term per membership slot, each person a seat in every term.</summary>
    private static PopoloDocument Generate(string prefix, int people, int terms, bool withParty)
    {
        var persons = Enumerable.Range(0, people).Select(i => new PopoloPerson($"{prefix}-p{i}", $"{Capital(prefix)} Person {i:D4}",
            BirthDate: withParty ? $"{1940 + i % 50:D4}-0{1 + i % 9}-1{i % 9}" : null)).ToList();
        var organizations = new List<PopoloOrganization> { new("chamber", "Bench Chamber", "legislature") };
        organizations.AddRange(Enumerable.Range(0, 5).Select(p => new PopoloOrganization($"party/{p}", $"Party {p}", "party")));
        var events = Enumerable.Range(1, terms).Select(t => new PopoloEvent($"term/{t}", $"Term {t}", "legislative period",
            $"{1900 + t:D4}-01-01", $"{1900 + t:D4}-12-31")).ToList();
        var memberships = (from p in Enumerable.Range(0, people)
                           from t in Enumerable.Range(1, terms)
                           select new PopoloMembership($"{prefix}-p{p}", "chamber", OnBehalfOfId: withParty ? $"party/{p % 5}" : null,
                               LegislativePeriodId: $"term/{t}", Role: "member")).ToList();
        return new PopoloDocument(persons, organizations, memberships, events);
    }

    /// <summary>POSTs a generated file to the service's import: its report, and the seconds from the request to the answer.</summary>
    private static async Task<(ImportReport Report, double Seconds)> PostImportAsync(HttpClient http, PopoloDocument document, string name)
    {
        var file = JsonSerializer.SerializeToUtf8Bytes(document, PopoloJson.Options);
        using var content = new ByteArrayContent(file);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        Console.Error.WriteLine($"POST /api/imports/popolo with {document.Persons.Count:N0} people, {document.Memberships.Count:N0} memberships ({file.Length:N0} bytes)");
        // The generated file's objects are collected now, not by a background GC of this process during the figure.
        document = null!;
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
        var clock = Stopwatch.StartNew();
        using var response = await http.PostAsync($"/api/imports/popolo?source=https%3A%2F%2Fbench.example%2F{name}.json", content);
        var body = await response.Content.ReadAsStringAsync();
        var seconds = clock.Elapsed.TotalSeconds;
        if (!response.IsSuccessStatusCode) throw new InvalidOperationException($"the {name} import answered {(int)response.StatusCode}: {body}");
        return (JsonSerializer.Deserialize<ImportReport>(body, Web)!, seconds);
    }

    private static string Capital(string text) => char.ToUpperInvariant(text[0]) + text[1..];

    /// <summary>src/Timeline published as deploy/Dockerfile publishes it (ReadyToRun); returns its Timeline.dll.</summary>
    private static async Task<string> PublishReadyToRunAsync(string output)
    {
        var start = new ProcessStartInfo(ServiceUnderTest.DotnetHost())
        {
            UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true,
        };
        var arch = System.Runtime.InteropServices.RuntimeInformation.OSArchitecture.ToString().ToLowerInvariant();
        foreach (var arg in new[] { "publish", Path.Combine(ServiceUnderTest.RepositoryRoot(), "src", "Timeline"), "-c", "Release", "-a", arch, "-p:PublishReadyToRun=true", "-o", output, "-p:UseAppHost=false" })
        {
            start.ArgumentList.Add(arg);
        }

        Console.Error.WriteLine($"publishing the service ReadyToRun into {output}");
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        var said = await stdout + await stderr;
        if (process.ExitCode != 0) throw new InvalidOperationException($"dotnet publish exited {process.ExitCode}:\n{said}");
        return Path.Combine(output, "Timeline.dll");
    }

    /// <param name="assembly">The service to run; the Release build output when null.</param>
    private static async Task<(int Claims, double Seconds, long Peak, string Output)> RunImportCommandAsync(string connectionString, string file, string? assembly = null)
    {
        var framework = new DirectoryInfo(Path.TrimEndingDirectorySeparator(AppContext.BaseDirectory));
        assembly ??= Path.Combine(ServiceUnderTest.RepositoryRoot(), "src", "Timeline", "bin", framework.Parent!.Name, framework.Name, "Timeline.dll");
        var start = new ProcessStartInfo(ServiceUnderTest.DotnetHost())
        {
            WorkingDirectory = Path.GetDirectoryName(assembly)!, UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true,
        };
        // Each file a series of its own: a second file under one series would be its next version, which no longer states the first.
        foreach (var arg in new[] { assembly, "import", "popolo", file, "--source", $"https://bench.example/{Path.GetFileName(file)}" }) start.ArgumentList.Add(arg);
        start.Environment["ConnectionStrings__Timeline"] = connectionString + (Environment.GetEnvironmentVariable("BENCH_IMPORT_CS_EXTRA") ?? "");
        start.Environment["Timeline__SeedOnStart"] = "false";
        // A CPU sample trace of the import command alone, for finding where its time goes.
        if (Environment.GetEnvironmentVariable("BENCH_IMPORT_TRACE") is { Length: > 0 } trace)
        {
            start.Environment["DOTNET_EnableEventPipe"] = "1";
            start.Environment["DOTNET_EventPipeOutputPath"] = trace;
            start.Environment["DOTNET_EventPipeConfig"] = "Microsoft-DotNETCore-SampleProfiler:0:5,Microsoft-Windows-DotNETRuntime:4c14fccbd:5";
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        long peak = 0;
        while (!process.WaitForExit(200))
        {
            try
            {
                process.Refresh();
                peak = Math.Max(peak, process.PeakWorkingSet64);
            }
            catch (InvalidOperationException) when (process.HasExited)
            {
                // It ended between the wait and the read.
            }
        }

        var output = await stdout + await stderr;
        var match = ImportedLine().Match(output);
        if (process.ExitCode != 0 || !match.Success) throw new InvalidOperationException($"the import command exited {process.ExitCode}:\n{output}");
        var claims = int.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture);
        var seconds = double.Parse(match.Groups[2].Value, CultureInfo.InvariantCulture);
        return (claims, seconds, peak, match.Groups[3].Value.Trim());
    }

    /// <summary>
    /// What PostgreSQL alone needs to store what the bulk path stored: the claim events, the claims index's rows and the ids of
    /// the people whose ids start with <paramref name="prefix"/>, read back and copied into a schema of tables made like
    /// the service's (every index, the events' foreign key to their stream), in two lanes split by person as the bulk path
    /// runs, one transaction per 1,000 claims. The changes trigger is not copied. Returns the time and the claims copied.
    /// </summary>
    private static async Task<(double Seconds, int Claims)> RawRowsAsync(NpgsqlDataSource dataSource, string prefix, string schema = "raw_rows")
    {
        await using (var create = dataSource.CreateCommand($"""
            drop schema if exists {schema} cascade;
            create schema {schema};
            create table {schema}.mt_streams (like timeline.mt_streams including all);
            create table {schema}.mt_events (like timeline.mt_events including all);
            alter table {schema}.mt_events add foreign key (stream_id) references {schema}.mt_streams (id) on delete cascade;
            create table {schema}.claims (like timeline.mt_claim_index including all);
            create table {schema}.entries (like timeline.mt_doc_entryid including all);
            insert into {schema}.mt_streams select * from timeline.mt_streams where id like '{prefix}%';
            update {schema}.mt_streams set version = 1;
            """))
        {
            await create.ExecuteNonQueryAsync();
        }

        // Read first, outside the clock: every row as stored, by person.
        var people = new SortedDictionary<string, RawPerson>(StringComparer.Ordinal);
        RawPerson Of(string id) => people.TryGetValue(id, out var p) ? p : people[id] = new RawPerson();
        await using (var read = dataSource.CreateCommand($"""
            select stream_id, seq_id, id, version, data::text, type, timestamp, mt_dotnet_type, user_name from timeline.mt_events
            where stream_id like '{prefix}%' and data ? 'claim' order by seq_id
            """))
        await using (var reader = await read.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                Of(reader.GetString(0)).Events.Add((reader.GetInt64(1), reader.GetGuid(2), reader.GetInt64(3), reader.GetString(4), reader.GetString(5),
                    reader.GetFieldValue<DateTimeOffset>(6), reader.GetString(7), reader.GetString(8)));
            }
        }

        await using (var read = dataSource.CreateCommand($"select data ->> 'personId', id, data::text, mt_dotnet_type from timeline.mt_doc_entryid where data ->> 'personId' like '{prefix}%'"))
        await using (var reader = await read.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync()) Of(reader.GetString(0)).Entries.Add((reader.GetGuid(1), reader.GetString(2), reader.GetString(3)));
        }

        await using (var read = dataSource.CreateCommand($"""
            select person_id, id, seq, type, source_id, claimant_key, claimant_person_id, proposition_key from timeline.{ClaimIndex.TableName}
            where person_id like '{prefix}%'
            """))
        await using (var reader = await read.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                Of(reader.GetString(0)).Claims.Add((reader.GetGuid(1), reader.GetInt64(2), reader.GetString(3), reader.GetString(4), reader.GetString(5),
                    reader.IsDBNull(6) ? null : reader.GetString(6), reader.GetString(7)));
            }
        }

        var lanes = people.Select((p, i) => (p, i)).GroupBy(x => x.i % 2, x => x.p).Select(g => g.ToList()).ToList();
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(lanes.Select(async lane =>
        {
            var batch = new List<KeyValuePair<string, RawPerson>>();
            foreach (var person in lane)
            {
                batch.Add(person);
                if (batch.Sum(b => b.Value.Events.Count) < BulkAppend.BatchSize && person.Key != lane[^1].Key) continue;
                await CopyRowsAsync(dataSource, schema, batch);
                batch.Clear();
            }
        }));

        return (clock.Elapsed.TotalSeconds, people.Values.Sum(p => p.Events.Count));
    }

    private sealed class RawPerson
    {
        public List<(long Seq, Guid Id, long Version, string Data, string Type, DateTimeOffset At, string DotNetType, string UserName)> Events { get; } = [];
        public List<(Guid Id, long Seq, string Type, string SourceId, string ClaimantKey, string? ClaimantPersonId, string PropositionKey)> Claims { get; } = [];
        public List<(Guid Id, string Data, string DotNetType)> Entries { get; } = [];
    }

    private static async Task CopyRowsAsync(NpgsqlDataSource dataSource, string schema, List<KeyValuePair<string, RawPerson>> batch)
    {
        await using var connection = await dataSource.OpenConnectionAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        await using (var copy = await connection.BeginBinaryImportAsync(
            $"copy {schema}.mt_events (seq_id, id, stream_id, version, data, type, timestamp, tenant_id, mt_dotnet_type, user_name, is_archived) from stdin (format binary)"))
        {
            foreach (var (stream, person) in batch)
            {
                foreach (var e in person.Events)
                {
                    await copy.StartRowAsync();
                    await copy.WriteAsync(e.Seq, NpgsqlDbType.Bigint);
                    await copy.WriteAsync(e.Id, NpgsqlDbType.Uuid);
                    await copy.WriteAsync(stream, NpgsqlDbType.Varchar);
                    await copy.WriteAsync(e.Version, NpgsqlDbType.Bigint);
                    await copy.WriteAsync(e.Data, NpgsqlDbType.Jsonb);
                    await copy.WriteAsync(e.Type, NpgsqlDbType.Varchar);
                    await copy.WriteAsync(e.At, NpgsqlDbType.TimestampTz);
                    await copy.WriteAsync("*DEFAULT*", NpgsqlDbType.Varchar);
                    await copy.WriteAsync(e.DotNetType, NpgsqlDbType.Varchar);
                    await copy.WriteAsync(e.UserName, NpgsqlDbType.Varchar);
                    await copy.WriteAsync(false, NpgsqlDbType.Boolean);
                }
            }

            await copy.CompleteAsync();
        }

        await using (var copy = await connection.BeginBinaryImportAsync(
            $"copy {schema}.claims (id, seq, person_id, type, source_id, claimant_key, claimant_person_id, proposition_key) from stdin (format binary)"))
        {
            foreach (var (person, c) in batch.SelectMany(b => b.Value.Claims.Select(c => (b.Key, c))))
            {
                await copy.StartRowAsync();
                await copy.WriteAsync(c.Id, NpgsqlDbType.Uuid);
                await copy.WriteAsync(c.Seq, NpgsqlDbType.Bigint);
                await copy.WriteAsync(person, NpgsqlDbType.Varchar);
                await copy.WriteAsync(c.Type, NpgsqlDbType.Varchar);
                await copy.WriteAsync(c.SourceId, NpgsqlDbType.Varchar);
                await copy.WriteAsync(c.ClaimantKey, NpgsqlDbType.Varchar);
                if (c.ClaimantPersonId is { } claimant) await copy.WriteAsync(claimant, NpgsqlDbType.Varchar);
                else await copy.WriteNullAsync();
                await copy.WriteAsync(c.PropositionKey, NpgsqlDbType.Varchar);
            }

            await copy.CompleteAsync();
        }

        // Each id with its version given as the writer gives it: a random uuid.
        await using (var copy = await connection.BeginBinaryImportAsync($"copy {schema}.entries (id, data, mt_dotnet_type, mt_version) from stdin (format binary)"))
        {
            foreach (var (id, data, type) in batch.SelectMany(b => b.Value.Entries))
            {
                await copy.StartRowAsync();
                await copy.WriteAsync(id, NpgsqlDbType.Uuid);
                await copy.WriteAsync(data, NpgsqlDbType.Jsonb);
                await copy.WriteAsync(type, NpgsqlDbType.Varchar);
                await copy.WriteAsync(Guid.NewGuid(), NpgsqlDbType.Uuid);
            }

            await copy.CompleteAsync();
        }

        await using (var bump = new NpgsqlCommand($"update {schema}.mt_streams as s set version = n.version, timestamp = now() from unnest($1::varchar[], $2::bigint[]) as n(id, version) where s.id = n.id", connection, transaction))
        {
            bump.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = batch.Select(b => b.Key).ToArray() });
            bump.Parameters.Add(new NpgsqlParameter<long[]> { TypedValue = batch.Select(b => b.Value.Events.Max(e => e.Version)).ToArray() });
            await bump.ExecuteNonQueryAsync();
        }

        await transaction.CommitAsync();
    }

    /// <summary>The JSON of a claim event the import just stored, so the baseline writes events of the same size.</summary>
    private static async Task<string> StoredClaimEventAsync(NpgsqlDataSource dataSource)
    {
        await using var command = dataSource.CreateCommand("select data::text from timeline.mt_events where data ? 'claim' order by seq_id desc limit 1");
        return (string?)await command.ExecuteScalarAsync() ?? throw new InvalidOperationException("the import stored no claim event");
    }

    /// <summary>The baseline: the same number of events per stream, inserted with binary COPY in transactions of 1,000 events.</summary>
    private static async Task<TimeSpan> RawInsertAsync(NpgsqlDataSource dataSource, int streams, int perStream, string sample, string schema = "raw_bulk")
    {
        await RawBaselines.CreateTablesAsync(dataSource, schema, streams, initialVersion: 0);

        var clock = Stopwatch.StartNew();
        const int perTransaction = 1_000;
        var total = streams * perStream;
        for (var offset = 0; offset < total; offset += perTransaction)
        {
            await using var connection = await dataSource.OpenConnectionAsync();
            await using var transaction = await connection.BeginTransactionAsync();
            var rows = Enumerable.Range(offset, Math.Min(perTransaction, total - offset)).Select(n => (Stream: $"raw-{n % streams}", Version: n / streams + 1)).ToList();
            await using (var copy = await connection.BeginBinaryImportAsync($"copy {schema}.events (id, stream_id, version, data, type) from stdin (format binary)"))
            {
                foreach (var (stream, version) in rows)
                {
                    await copy.StartRowAsync();
                    await copy.WriteAsync(Guid.CreateVersion7(), NpgsqlDbType.Uuid);
                    await copy.WriteAsync(stream, NpgsqlDbType.Text);
                    await copy.WriteAsync((long)version, NpgsqlDbType.Bigint);
                    await copy.WriteAsync(sample, NpgsqlDbType.Jsonb);
                    await copy.WriteAsync("office_taken", NpgsqlDbType.Text);
                }

                await copy.CompleteAsync();
            }

            await using (var bump = new NpgsqlCommand($"update {schema}.streams s set version = v.version, timestamp = now() from (select stream_id, max(version) as version from unnest($1::text[], $2::bigint[]) as x(stream_id, version) group by stream_id) v where s.id = v.stream_id", connection, transaction))
            {
                bump.Parameters.Add(new NpgsqlParameter { Value = rows.Select(r => r.Stream).ToArray() });
                bump.Parameters.Add(new NpgsqlParameter { Value = rows.Select(r => (long)r.Version).ToArray() });
                await bump.ExecuteNonQueryAsync();
            }

            await transaction.CommitAsync();
        }

        return clock.Elapsed;
    }

    [GeneratedRegex(@"Imported ([0-9]+) claims in ([0-9.]+) s \([0-9]+/s\)\. (Bulk path: [^\n]*)")]
    private static partial Regex ImportedLine();
}
