using System.Net;
using System.Text;
using System.Text.Json;
using Shouldly;
using Timeline.Tests.Hosting;
using Timeline.Tests.Infrastructure;
using Xunit;

namespace Timeline.Tests.Faults;

/// <summary>
/// A country's file imported by a node whose heap is capped as a container caps it: the runtime takes 75 % of the
/// container's memory, so 384 MB under a 512Mi limit. A 100,000-membership file once failed there for lack of memory
/// (its text escaped through a buffer six times its size, every imported file kept parsed), and so did reading it back.
/// </summary>
public sealed class LargeImportTests : IAsyncLifetime
{
    private const int People = 1_000;
    private const int Terms = 100;

    private readonly string _directory = TestDirectories.Create("faults-large-import");
    private PrivateCluster _database = null!;

    public async ValueTask InitializeAsync() => _database = await PrivateCluster.StartAsync(Path.Combine(_directory, "db"));

    [Fact]
    public async Task a_file_of_100000_memberships_imports_and_reads_back_within_a_384_MB_heap()
    {
        var environment = Rig.NodeEnvironment(_database.ConnectionString, "large-import");
        environment["DOTNET_GCHeapHardLimit"] = "0x18000000";
        using var service = ServiceProcess.Start(_directory, environment);
        await service.WaitUntilOkAsync("/health/ready", TimeSpan.FromMinutes(2));
        using var http = service.CreateClient(TimeSpan.FromMinutes(5));
        var file = File();

        using var imported = await http.PostAsync("/api/imports/popolo?source=https%3A%2F%2Fexample.org%2Fcountry.json",
            new StringContent(file, Encoding.UTF8, "application/json"), Rig.Ct);
        var report = await imported.Content.ReadAsStringAsync(Rig.Ct);
        imported.StatusCode.ShouldBe(HttpStatusCode.OK, $"{report}\n{service.Output}");

        // The oracle, from the file: one claim of office per membership, one registration per person.
        using var parsed = JsonDocument.Parse(report);
        parsed.RootElement.GetProperty("claimsAppended").GetInt32().ShouldBe(People * Terms);
        parsed.RootElement.GetProperty("peopleRegistered").GetInt32().ShouldBe(People);

        using var source = await http.GetAsync($"/api/sources/{parsed.RootElement.GetProperty("sourceId").GetString()}", Rig.Ct);
        source.StatusCode.ShouldBe(HttpStatusCode.OK, service.Output);
        using var body = JsonDocument.Parse(await source.Content.ReadAsStreamAsync(Rig.Ct));
        body.RootElement.GetProperty("text").GetString().ShouldBe(file);
    }

    /// <summary>One chamber, a term a year, every person a member in every term.</summary>
    private static string File()
    {
        var text = new StringBuilder("""{"persons":[""");
        for (var p = 0; p < People; p++) text.Append(p == 0 ? "" : ",").Append($$"""{"id":"p{{p}}","name":"Member {{p:D4}}"}""");
        text.Append("""],"organizations":[{"id":"chamber","name":"Chamber","classification":"legislature"}],"events":[""");
        for (var t = 1; t <= Terms; t++)
        {
            text.Append(t == 1 ? "" : ",").Append($$"""{"id":"term/{{t}}","name":"Term {{t}}","classification":"legislative period","start_date":"{{1900 + t}}-01-01","end_date":"{{1900 + t}}-12-31"}""");
        }

        text.Append("""],"memberships":[""");
        for (var p = 0; p < People; p++)
        {
            for (var t = 1; t <= Terms; t++)
            {
                text.Append(p + t == 1 ? "" : ",").Append($$"""{"person_id":"p{{p}}","organization_id":"chamber","legislative_period_id":"term/{{t}}","role":"member"}""");
            }
        }

        return text.Append("]}").ToString();
    }

    public async ValueTask DisposeAsync()
    {
        await _database.DisposeAsync();
        TestDirectories.Delete(_directory);
    }
}
