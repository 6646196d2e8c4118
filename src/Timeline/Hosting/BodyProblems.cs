using System.Reflection;
using System.Text.RegularExpressions;
using Wolverine.Http;

namespace Timeline.Hosting;

/// <summary>
/// A body Wolverine cannot bind (not JSON, a value of the wrong type, a field no route reads, a field sent twice) is
/// answered by Wolverine itself, before any endpoint runs, with a problem of its own type that names the server's
/// .NET types, and logged as a server error with its stack. Here it becomes the API's own <c>malformed-json</c> problem,
/// and a client's mistake stays out of the error log.
/// </summary>
public static partial class BodyProblems
{
    private const string WolverineType = "https://httpstatuses.com/400";
    private const string WolverineTitle = "Invalid JSON format";

    /// <summary>The request body types of the write routes: Wolverine logs a body it cannot read under that type's name.</summary>
    public static readonly IReadOnlyList<string> BodyTypeNames = [.. typeof(BodyProblems).Assembly.GetTypes()
        .SelectMany(t => t.GetMethods(BindingFlags.Public | BindingFlags.Static))
        .Where(m => m.GetCustomAttributes<WolverineHttpMethodAttribute>().Any(a => a is not WolverineGetAttribute))
        .SelectMany(m => m.GetParameters())
        .Select(p => p.ParameterType)
        .Where(t => t.Assembly == typeof(BodyProblems).Assembly && t is { IsClass: true })
        .Select(t => t.FullName!)
        .Distinct()];

    /// <summary>Rewrites Wolverine's binding problem and the bare 404 of an unmatched path (<c>AddProblemDetails</c>'s hook; every other problem passes unchanged).</summary>
    public static void Customize(ProblemDetailsContext context)
    {
        var problem = context.ProblemDetails;
        // A path no route matches reaches the status-code pages with nothing to say; say which path.
        if (problem.Status == StatusCodes.Status404NotFound && problem.Detail is null)
        {
            problem.Type = Problems.TypeOf("not-found");
            problem.Title = "Not found";
            problem.Detail = $"No route matches {context.HttpContext.Request.Path} (an id of the wrong form, such as a claim id that is not a GUID, matches none). The routes are listed in /openapi/v1.json.";
            return;
        }

        if (problem.Type != WolverineType || problem.Title != WolverineTitle) return;
        problem.Type = Problems.TypeOf("malformed-json");
        problem.Title = "The body could not be read";
        problem.Detail = $"The body could not be read: {Plain(problem.Detail ?? "")} Nothing was changed.";
    }

    /// <summary>System.Text.Json's message in the API's words, without the server's type names.</summary>
    public static string Plain(string message)
    {
        message = Unmapped().Replace(message, "the field '$1' is not one this route reads (check its spelling).");
        message = Duplicate().Replace(message, "the field '$1' is sent more than once.");
        message = NotConverted().Replace(message, "the value is not of the type or form the field takes.");
        return message;
    }

    [GeneratedRegex(@"The JSON property '([^']*)' could not be mapped to any \.NET member contained in type '[^']*'\.")]
    private static partial Regex Unmapped();

    [GeneratedRegex(@"Duplicate property '([^']*)' encountered during deserialization(?: of type '[^']*')?\.")]
    private static partial Regex Duplicate();

    [GeneratedRegex(@"The JSON value could not be converted to [\w.+`\[\], ]+\.(?= Path:)")]
    private static partial Regex NotConverted();
}
