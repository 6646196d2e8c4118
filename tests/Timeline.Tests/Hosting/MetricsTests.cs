using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using Shouldly;
using Timeline.Tests.Infrastructure;
using Timeline.Tests.Record;
using Xunit;

namespace Timeline.Tests.Hosting;

public sealed partial class MetricsTests(AppFixture app) : RecordApiTest(app)
{
    private static readonly string Dashboard = Path.Combine(TestDirectories.RepositoryRoot, "deploy", "grafana", "timeline-dashboard.json");

    [Fact]
    public async Task every_metric_the_dashboard_charts_is_exposed_at_metrics()
    {
        // Traffic that touches every meter: an append, a 304, a long poll, a readiness probe.
        var sourceId = await GivenPersonAndSourceAsync();
        await GivenClaimAsync(RecordApi.Claim(sourceId));
        using (var first = await Get($"/api/people/{PersonId}"))
        {
            using var conditional = new HttpRequestMessage(HttpMethod.Get, $"/api/people/{PersonId}");
            conditional.Headers.TryAddWithoutValidation("If-None-Match", first.Headers.ETag!.Tag);
            using var notModified = await Http.SendAsync(conditional, Ct);
            notModified.StatusCode.ShouldBe(HttpStatusCode.NotModified);
        }

        // A long poll at the head of the feed (a cursor beyond it is refused as cursor-ahead), so a subscriber is counted.
        long head = 0;
        for (var more = true; more;)
        {
            using var page = await Get($"/api/changes?after={head}&limit=1000");
            var body = await Body(page);
            more = body.GetProperty("items").GetArrayLength() > 0;
            head = body.GetProperty("next").GetInt64();
        }

        using (await Get($"/api/changes?after={head}&wait=1"))
        using (await Get("/health/ready"))
        {
        }

        using var response = await Get("/metrics");
        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        var exposed = (await TextAsync(response)).Split('\n')
            .Where(line => line.Length > 0 && !line.StartsWith('#'))
            .Select(line => SampleName().Match(line).Value)
            .ToHashSet();

        var charted = ChartedMetrics();
        charted.ShouldNotBeEmpty();
        charted.Where(name => !exposed.Contains(name)).ShouldBeEmpty("every dashboard panel must chart a metric the service exposes");
        string[] required = ["http_server_request_duration_seconds_count", "timeline_http_not_modified_total", "timeline_feed_subscribers",
            "timeline_projection_lag_events", "timeline_projection_lag_seconds", "db_client_connection_count", "marten_event_append_events_total"];
        required.ShouldBeSubsetOf(charted);
    }

    /// <summary>The metric names in the dashboard's PromQL: every name is written with a label selector.</summary>
    private static HashSet<string> ChartedMetrics()
    {
        using var dashboard = JsonDocument.Parse(File.ReadAllText(Dashboard));
        return dashboard.RootElement.GetProperty("panels").EnumerateArray()
            .SelectMany(panel => panel.GetProperty("targets").EnumerateArray())
            .SelectMany(target => MetricInExpression().Matches(target.GetProperty("expr").GetString()!).Select(m => m.Groups["name"].Value))
            .ToHashSet();
    }

    [GeneratedRegex(@"^[a-zA-Z_:][a-zA-Z0-9_:]*")]
    private static partial Regex SampleName();

    [GeneratedRegex(@"(?<name>[a-zA-Z_:][a-zA-Z0-9_:]*)\{")]
    private static partial Regex MetricInExpression();
}
