using System.Collections.Concurrent;
using System.IO.Pipelines;
using Microsoft.AspNetCore.Http.Features;
using System.Reflection;
using Wolverine.Http;

namespace Timeline.Hosting;

/// <summary>
/// A query parameter the route does not read is a 400: a misspelled <c>validat=</c> must not silently answer a different
/// question, nor a misspelled <c>published-at=</c> silently write something else.
/// </summary>
public sealed class QueryGuards(RequestDelegate next)
{
    /// <summary>Parameters every view reads besides its own (read-your-writes).</summary>
    public static readonly string[] Shared = ["atLeast"];

    private static readonly ConcurrentDictionary<Endpoint, HashSet<string>?> Known = new();

    public async Task InvokeAsync(HttpContext context)
    {
        if (context.GetEndpoint() is { } endpoint && Known.GetOrAdd(endpoint, QueryParametersOf) is { } known)
        {
            // PostgreSQL cannot compare text holding NUL: refused here rather than failing in the query.
            if (context.Request.Query.Any(q => q.Value.Any(v => v?.Contains('\0', StringComparison.Ordinal) == true)))
            {
                await Problems.Create(StatusCodes.Status400BadRequest, "bad-query-value", "A query value holds a NUL character",
                    "Query values must not contain NUL (%00).").ExecuteAsync(context);
                return;
            }

            var unknown = context.Request.Query.Keys.Where(k => !known.Contains(k)).ToList();
            if (unknown.Count > 0)
            {
                await Problems.Create(StatusCodes.Status400BadRequest, "unknown-query-parameter", "Unknown query parameter",
                    $"This route does not read {string.Join(", ", unknown.Select(k => $"'{k}'"))}; it reads {(known.Count == 0 ? "no query parameters" : string.Join(", ", known.Order()))}.{(IsRead(context) ? "" : " Nothing was changed.")}",
                    new Dictionary<string, object?> { ["unknown"] = unknown, ["known"] = known.Order().ToList() }).ExecuteAsync(context);
                return;
            }
        }

        await next(context);
    }

    /// <summary>
    /// The query parameters a Wolverine endpoint binds, whatever its method: its simple parameters not taken from the
    /// route, and on a GET the shared ones. A write's body is bound from the body, never from the query.
    /// </summary>
    private static HashSet<string>? QueryParametersOf(Endpoint endpoint)
    {
        if (endpoint.Metadata.GetMetadata<HttpChain>() is not { } chain) return null;
        var route = chain.RoutePattern?.Parameters.Select(p => p.Name).ToHashSet(StringComparer.OrdinalIgnoreCase) ?? [];
        return chain.Method.Method.GetParameters()
            .Where(p => p.Name is not null && !route.Contains(p.Name) && IsSimple(p))
            .Select(p => p.Name!)
            .Concat(chain.HttpMethods.Contains(HttpMethods.Get) ? Shared : [])
            // Exact names: "validat" is a misspelling, even though ASP.NET would bind it.
            .ToHashSet(StringComparer.Ordinal);
    }

    private static bool IsRead(HttpContext context) => HttpMethods.IsGet(context.Request.Method) || HttpMethods.IsHead(context.Request.Method);

    private static bool IsSimple(ParameterInfo parameter)
    {
        var type = Nullable.GetUnderlyingType(parameter.ParameterType) ?? parameter.ParameterType;
        return type.IsPrimitive || type.IsEnum || type == typeof(string) || type == typeof(Guid) || type == typeof(DateOnly)
            || type == typeof(DateTimeOffset) || type == typeof(DateTime) || type == typeof(decimal);
    }
}

/// <summary>Every GET also answers HEAD: routed as the GET, with the same headers (ETag, Content-Length) and no body.</summary>
public static class HeadRequests
{
    private static readonly object HeadKey = new();

    /// <summary>Whether the client asked with HEAD: an endless GET (a stream) must answer its headers and stop.</summary>
    public static bool IsHead(HttpContext context) => context.Items.ContainsKey(HeadKey);

    /// <summary>Must run before routing, so HEAD finds the GET endpoint.</summary>
    public static IApplicationBuilder UseHeadAsGet(this IApplicationBuilder app) =>
        app.Use(async (context, next) =>
        {
            if (!HttpMethods.IsHead(context.Request.Method))
            {
                await next(context);
                return;
            }

            context.Request.Method = HttpMethods.Get;
            context.Items[HeadKey] = true;
            var server = context.Features.GetRequiredFeature<IHttpResponseBodyFeature>();
            context.Features.Set<IHttpResponseBodyFeature>(new HeadBody(server));
            try
            {
                await next(context);
            }
            finally
            {
                context.Features.Set(server);
            }
        });

    /// <summary>Starts and completes the server's response as the GET would, and drops every byte of the body.</summary>
    private sealed class HeadBody(IHttpResponseBodyFeature server) : IHttpResponseBodyFeature
    {
        private PipeWriter? _writer;

        public Stream Stream => Stream.Null;

        public PipeWriter Writer => _writer ??= PipeWriter.Create(Stream.Null);

        public void DisableBuffering() => server.DisableBuffering();

        public Task StartAsync(CancellationToken cancellationToken = default) => server.StartAsync(cancellationToken);

        public Task SendFileAsync(string path, long offset, long? count, CancellationToken cancellationToken = default) => Task.CompletedTask;

        public Task CompleteAsync() => server.CompleteAsync();
    }
}
