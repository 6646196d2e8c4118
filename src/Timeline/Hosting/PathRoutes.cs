using Microsoft.AspNetCore.Routing.Template;

namespace Timeline.Hosting;

/// <summary>One mapped route: its pattern and the methods it serves (empty: any).</summary>
public sealed record MappedRoute(string Pattern, IReadOnlyList<string> Methods)
{
    public bool Serves(string method) => Methods.Count == 0 || Methods.Contains(method, StringComparer.OrdinalIgnoreCase);
}

/// <summary>
/// The routes a path matches whatever the method and content type. Routing answers a wrong method or content type
/// with an endpoint of its own (405, 415) that names no route; this says which routes the caller meant.
/// </summary>
public sealed class PathRoutes(EndpointDataSource endpoints)
{
    private readonly Lazy<IReadOnlyList<(MappedRoute Route, TemplateMatcher Matcher)>> _routes = new(() =>
        [.. endpoints.Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.RoutePattern.RawText is not null)
            .Select(e => (
                new MappedRoute("/" + e.RoutePattern.RawText!.Trim('/'), e.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods.ToList() ?? []),
                new TemplateMatcher(new RouteTemplate(e.RoutePattern), new RouteValueDictionary())))]);

    public IReadOnlyList<MappedRoute> Matching(PathString path) =>
        [.. _routes.Value.Where(r => r.Matcher.TryMatch(path, new RouteValueDictionary())).Select(r => r.Route)];

    /// <summary>Routing refused the request (405 or 415) after matching its path: no endpoint will run.</summary>
    public static bool IsRoutingRejection(Endpoint? endpoint) => endpoint is not null and not RouteEndpoint;

    /// <summary>The methods the path serves, when routing refused the request's own method; else empty.</summary>
    public IReadOnlyList<string> MethodsInsteadOf(HttpContext context)
    {
        if (!IsRoutingRejection(context.GetEndpoint())) return [];
        var meant = Matching(context.Request.Path);
        if (meant.Count == 0 || meant.Any(r => r.Serves(context.Request.Method))) return [];
        var methods = meant.SelectMany(r => r.Methods).Select(m => m.ToUpperInvariant()).ToList();
        // Every GET also answers HEAD (HeadRequests).
        if (methods.Contains(HttpMethods.Get)) methods.Add(HttpMethods.Head);
        return [.. methods.Distinct().Order(StringComparer.Ordinal)];
    }
}
