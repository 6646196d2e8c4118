using System.Diagnostics.Metrics;
using Marten;
using JasperFx.OpenTelemetry;
using Npgsql;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace Timeline.Hosting;

/// <summary>Metrics for Prometheus at /metrics; traces (HTTP, Npgsql, Marten, Wolverine) to OTLP when an endpoint is configured.</summary>
public static class TelemetrySetup
{
    public const string MetricsPath = "/metrics";

    private static readonly string[] Sources = ["Marten", "Wolverine"];

    public static IServiceCollection AddTimelineTelemetry(this IServiceCollection services, IConfiguration configuration)
    {
        services.ConfigureMarten(opts =>
        {
            opts.OpenTelemetry.TrackConnections = TrackLevel.Normal;
            opts.OpenTelemetry.TrackEventCounters();
        });

        var otlp = !string.IsNullOrEmpty(configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]);
        var telemetry = services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService("timeline"))
            .WithMetrics(metrics =>
            {
                metrics.AddMeter(Telemetry.MeterName).AddMeter(Sources).AddAspNetCoreInstrumentation().AddNpgsqlInstrumentation().AddPrometheusExporter();
                if (otlp) metrics.AddOtlpExporter();
            });
        // Traces only where they go somewhere: a tracer with no exporter still records a span per request and per SQL
        // command, and that was a measurable share of an append's CPU (bench/README.md).
        if (otlp)
        {
            telemetry.WithTracing(tracing => tracing
                .AddAspNetCoreInstrumentation(o => o.Filter = context => context.Request.Path != MetricsPath)
                .AddNpgsql()
                .AddSource(Sources)
                .AddOtlpExporter());
        }

        return services;
    }

    public static WebApplication MapTimelineTelemetry(this WebApplication app)
    {
        app.MapPrometheusScrapingEndpoint(MetricsPath);
        return app;
    }
}

/// <summary>The service's own meters; HTTP, Npgsql, Marten and Wolverine add theirs (see <c>AddTimelineTelemetry</c>).</summary>
public static class Telemetry
{
    public const string MeterName = "Timeline";

    private static readonly Meter Meter = new(MeterName);

    private static readonly Counter<long> NotModifiedCounter =
        Meter.CreateCounter<long>("timeline.http.not_modified", "{response}", "GETs answered 304 Not Modified");

    private static readonly Counter<long> AppendsCounter =
        Meter.CreateCounter<long>("timeline.events.appended", "{statement}", "Committed appends heard from the database (any writer), one per stream and statement");

    private static readonly Counter<long> DossierReads =
        Meter.CreateCounter<long>("timeline.dossier.reads", "{read}", "Reads of a person's claims as they stand: kept (unchanged since this node read them), brought forward (only the events since), or read whole");

    private static readonly UpDownCounter<long> Subscribers =
        Meter.CreateUpDownCounter<long>("timeline.feed.subscribers", "{subscriber}", "Open long polls and server-sent event streams on this node");

    // Every live host's projection health in this process (one in production; tests start several).
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<ProjectionHealthCheck, byte> LagSources = new();

    static Telemetry()
    {
        Meter.CreateObservableGauge("timeline.projection.lag.events", () => LagSources.Keys.SelectMany(h => h.Latest)
            .Select(l => new Measurement<long>(l.LagEvents, new KeyValuePair<string, object?>("projection", l.Name))),
            "{event}", "Events an async projection has still to process, as of the last readiness check");
        Meter.CreateObservableGauge("timeline.projection.lag.seconds", () => LagSources.Keys.SelectMany(h => h.Latest)
            .Select(l => new Measurement<double>(l.LagSeconds, new KeyValuePair<string, object?>("projection", l.Name))),
            "s", "Age of the oldest event an async projection has still to process, as of the last readiness check");
    }

    public static void NotModified() => NotModifiedCounter.Add(1);

    public static void Appended() => AppendsCounter.Add(1);

    public static void DossierRead(string outcome) => DossierReads.Add(1, new KeyValuePair<string, object?>("outcome", outcome));

    public static IDisposable TrackSubscriber(string kind)
    {
        var tag = new KeyValuePair<string, object?>("kind", kind);
        Subscribers.Add(1, tag);
        return new Untrack(tag);
    }

    internal static void ObserveLag(ProjectionHealthCheck health) => LagSources.TryAdd(health, 0);

    internal static void StopObservingLag(ProjectionHealthCheck health) => LagSources.TryRemove(health, out _);

    private sealed class Untrack(KeyValuePair<string, object?> tag) : IDisposable
    {
        private int _done;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _done, 1) == 0) Subscribers.Add(-1, tag);
        }
    }
}
