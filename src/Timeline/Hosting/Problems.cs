using Microsoft.AspNetCore.Http.HttpResults;

namespace Timeline.Hosting;

/// <summary>RFC 7807 responses, each with a stable type URI so clients can branch on it.</summary>
public static class Problems
{
    private const string TypeBase = "https://timeline.invalid/problems/";

    public static ProblemHttpResult Create(int status, string slug, string title, string detail, IDictionary<string, object?>? extensions = null) =>
        TypedResults.Problem(detail, statusCode: status, title: title, type: TypeOf(slug), extensions: extensions);

    public static string TypeOf(string slug) => TypeBase + slug;

    public static ProblemHttpResult Invalid(IReadOnlyDictionary<string, string[]> errors) =>
        Create(StatusCodes.Status422UnprocessableEntity, "invalid-request", "The request is not valid",
            string.Join("; ", errors.SelectMany(e => e.Value)),
            new Dictionary<string, object?> { ["errors"] = errors });

    public static ProblemHttpResult Invalid(string field, string message) =>
        Invalid(new Dictionary<string, string[]> { [field] = [message] });

    public static ProblemHttpResult MissingBody() => Invalid("body", "a JSON object body is required");

    /// <summary>413: the body is over its limit (the guard, the import's own count, or the server's cut-off).</summary>
    public static ProblemHttpResult TooLarge(string detail) =>
        Create(StatusCodes.Status413PayloadTooLarge, "too-large", "Request body too large", detail);

    public static ProblemHttpResult NotFound(string what) =>
        Create(StatusCodes.Status404NotFound, "not-found", "Not found", what);

    public static ProblemHttpResult Conflict(string detail) =>
        Create(StatusCodes.Status409Conflict, "conflict", "Conflict", detail);

    public static ProblemHttpResult StreamMoved(string personId, long expected, long? actual) =>
        Create(StatusCodes.Status412PreconditionFailed, "version-mismatch", "The person's record has moved on",
            actual is null
                ? $"'{personId}' is no longer at version {expected}; read it again and retry."
                : $"'{personId}' is at version {actual}, not {expected}; read it again and retry.",
            new Dictionary<string, object?> { ["expectedVersion"] = expected, ["actualVersion"] = actual });
}

/// <summary>Collects field errors for one request.</summary>
public sealed class Errors
{
    private readonly Dictionary<string, List<string>> _errors = [];

    public bool Any => _errors.Count > 0;

    public void Add(string field, string message)
    {
        if (!_errors.TryGetValue(field, out var list)) _errors[field] = list = [];
        list.Add(message);
    }

    public void Require(string field, string? value)
    {
        if (string.IsNullOrWhiteSpace(value)) Add(field, $"{field} is required");
    }

    public ProblemHttpResult ToProblem() => Problems.Invalid(_errors.ToDictionary(e => e.Key, e => e.Value.ToArray()));
}
