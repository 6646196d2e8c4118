using System.Text.Json;
using System.Text.Json.Serialization;
using JasperFx;
using JasperFx.CodeGeneration;
using Scalar.AspNetCore;
using Timeline.Changes;
using Timeline.Claims;
using Timeline.Commands;
using Timeline.Contradictions;
using Timeline.Hosting;
using Timeline.Pages;
using Timeline.People;
using Timeline.Seeding;
using Timeline.Sources;
using Wolverine;
using Wolverine.Http;

args = ExitCodes.WithHelpAsCommand(args);
if (await CommandArguments.RefuseAsync(args) is { } badArguments) return badArguments;
var builder = WebApplication.CreateBuilder(args);
if (string.IsNullOrEmpty(builder.Configuration["urls"])) builder.WebHost.UseUrls("http://127.0.0.1:5080");
builder.Host.ApplyJasperFxExtensionsQuietly();
if (!TrustedProxies.TryRead(builder.Configuration, out var trustedProxies, out var proxyProblem))
{
    Console.Error.WriteLine(proxyProblem);
    return ExitCodes.Refused;
}
// A command's own output is stdout (`keys create` prints the key on its last line); its logs go to stderr.
if (args.Length > 0 && args[0] is not "run") builder.Logging.AddConsole(o => o.LogToStandardErrorThreshold = LogLevel.Trace);

builder.AddTimelineDatabase();
builder.Services.AddTimelineStore().AddPeople().AddSources().AddClaims().AddContradictions();
builder.Services.AddChanges(builder.Configuration);
// Static code generation only where `codegen write` ran at build time (the container image); dynamic elsewhere.
var codegen = builder.Configuration.GetValue("Timeline:CodeGeneration", TypeLoadMode.Dynamic);
builder.Services.CritterStackDefaults(x =>
{
    x.Development.GeneratedCodeMode = codegen;
    x.Production.GeneratedCodeMode = codegen;
});
builder.Host.UseWolverine(opts =>
{
    // Under a test runner the entry assembly is the test project; endpoints live here.
    opts.ApplicationAssembly = typeof(Program).Assembly;
    opts.UseRuntimeCompilation();
});
builder.Services.AddWolverineHttp();
builder.Services.AddSingleton(TimeProvider.System);
builder.Services.ConfigureHttpJsonOptions(o =>
{
    o.SerializerOptions.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.CamelCase));
    o.SerializerOptions.Converters.Add(new NoNulStrings());
    // A misspelt optional field ("scheduled_end") or one sent twice must not be dropped or overwritten in silence.
    o.SerializerOptions.UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow;
    o.SerializerOptions.AllowDuplicateProperties = false;
    // The web defaults read "3" as 3; a wrong-typed value is the client's mistake to hear of. Writing is unaffected.
    o.SerializerOptions.NumberHandling = JsonNumberHandling.Strict;
});
foreach (var body in BodyProblems.BodyTypeNames) builder.Logging.AddFilter(body, LogLevel.Critical);
builder.Services.AddTimelineAuth(builder.Configuration);
builder.Services.AddTimelineRateLimits(builder.Configuration);
trustedProxies.AddTo(builder.Services);
builder.Services.AddProblemDetails(o => o.CustomizeProblemDetails = BodyProblems.Customize);
builder.Services.AddExceptionHandler<ProblemExceptionHandler>();
builder.Services.AddOpenApi();
builder.Services.AddTimelineHealth();
builder.Services.AddTimelineTelemetry(builder.Configuration);
builder.Services.AddSeeding(builder.Configuration);

var app = builder.Build();
trustedProxies.Use(app);
app.UseExceptionHandler();
app.UseStatusCodePages();
app.UseHeadAsGet();
app.UseRouting();
// Who is calling, how often, and may they: before any guard reads the body.
app.UseTimelineAuth();
app.UseMiddleware<RequestGuards>();
app.UseMiddleware<QueryGuards>();
app.UseReadYourWrites();
app.UseMiddleware<DefaultCacheControl>();
app.MapOpenApi("/openapi/{documentName}.json");
app.MapScalarApiReference("/docs", o => o.WithTitle("Timeline API").WithOpenApiRoutePattern("/openapi/{documentName}.json"));
app.MapTimelineHealth();
app.MapTimelineTelemetry();
app.MapWolverineEndpoints(opts => opts.RejectUnparseableQueryValues = true);
app.MapTimelinePages();

try
{
    // Started before the command runner, which would print a missing PostgreSQL as a stack trace.
    await app.StartTimelineDatabaseAsync(args);
    if (await ProjectionNames.RefuseAsync(app, args) is { } refused) return refused;
    if (await ProjectionNames.RebuildAsync(app, args, () => app.RunJasperFxCommands(args)) is { } rebuilt) return ExitCodes.Resolve(args, rebuilt);
    return ExitCodes.Resolve(args, await app.RunJasperFxCommands(args));
}
catch (Exception ex) when (DatabaseSetup.ReportStartupFailure(ex) is var exitCode && exitCode > 0)
{
    return exitCode;
}

public partial class Program;
