namespace Timeline.Hosting;

/// <summary>
/// Who may call what: the one table of write routes and the role each needs. A non-GET/HEAD route not listed here
/// needs <see cref="Admin"/>, so a new write endpoint is closed until someone opens it on purpose.
/// </summary>
public static class AuthRoles
{
    public const string Editor = "editor";
    public const string Reviewer = "reviewer";
    public const string Admin = "admin";

    public static readonly IReadOnlyList<string> All = [Editor, Reviewer, Admin];

    /// <summary>Method and route pattern (as the endpoint declares it) to the role it needs.</summary>
    public static readonly IReadOnlyDictionary<(string Method, string Route), string> Table = new Dictionary<(string, string), string>
    {
        [("POST", "/api/people")] = Editor,
        [("POST", "/api/sources")] = Editor,
        // Claims, disputes and retractions all enter through this route.
        [("POST", "/api/people/{id}/claims")] = Editor,
        [("POST", "/api/claims/{claimId}/rulings")] = Reviewer,
    };

    public static bool IsRole(string? role) => role is not null && All.Contains(role);

    /// <summary>The role a request needs, or null when anyone may make it (a read while reads are public).</summary>
    public static string? Required(string method, string? routePattern, bool readsPublic)
    {
        if (HttpMethods.IsGet(method) || HttpMethods.IsHead(method)) return readsPublic ? null : AnyRole;
        if (routePattern is not null && Table.TryGetValue((method.ToUpperInvariant(), Normalise(routePattern)), out var role)) return role;
        return Admin;
    }

    /// <summary>
    /// The roles, any one of which will do, for a request routing refused (wrong method or content type) on a path
    /// that matched <paramref name="meant"/>; null when anyone may hear why. Nothing runs for such a request, so the
    /// caller is told what the route it meant would tell them: the route with its method if there is one, else any
    /// route on the path (the 405 is for anyone allowed there). A read stays a read; a path that matched nothing still
    /// needs admin for anything else.
    /// </summary>
    public static IReadOnlyList<string>? RequiredForRefused(string method, IReadOnlyList<MappedRoute> meant, bool readsPublic)
    {
        if (HttpMethods.IsGet(method) || HttpMethods.IsHead(method)) return Required(method, null, readsPublic) is { } read ? [read] : null;
        var sameMethod = meant.Where(r => r.Serves(method)).ToList();
        var candidates = sameMethod.Count > 0
            ? sameMethod.Select(r => Required(method, r.Pattern, readsPublic))
            : meant.SelectMany(r => r.Methods.Select(m => Required(m, r.Pattern, readsPublic)));
        var roles = candidates.Distinct().ToList();
        if (roles.Count == 0) return [Admin];
        return roles.Contains(null) ? null : [.. roles.OfType<string>()];
    }

    /// <summary>A read while reads are private: any valid credential will do.</summary>
    public const string AnyRole = "*";

    private static string Normalise(string pattern) => "/" + pattern.Trim('/');
}
