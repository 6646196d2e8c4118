using System.Globalization;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Timeline.Hosting;

/// <summary>Reads the write preconditions clients send: If-Match with a stream version, and Idempotency-Key.</summary>
public static class Preconditions
{
    public const int MaxIdempotencyKeyLength = 200;

    /// <summary>Parses If-Match: "5" or 5. Null when absent. A weak tag (W/"5") fails the precondition.</summary>
    public static bool TryGetExpectedVersion(HttpRequest request, out long? version, out ProblemHttpResult? problem)
    {
        version = null;
        problem = null;
        var header = request.Headers.IfMatch.ToString();
        if (string.IsNullOrWhiteSpace(header)) return true;

        var text = header.Trim();
        if (text.StartsWith("W/", StringComparison.OrdinalIgnoreCase))
        {
            // If-Match compares strongly (RFC 9110 13.1.1): a weak tag never matches, so the precondition fails.
            problem = Problems.Create(StatusCodes.Status412PreconditionFailed, "weak-if-match", "A weak tag never matches If-Match",
                $"If-Match needs the stream version as a strong tag, like \"3\"; got {header}. Nothing was written.");
            return false;
        }

        text = text.Trim('"');
        if (long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var parsed))
        {
            version = parsed;
            return true;
        }

        problem = Problems.Create(StatusCodes.Status400BadRequest, "bad-if-match", "If-Match is not a stream version",
            $"If-Match must carry the person's stream version, like \"3\"; got {header}.");
        return false;
    }

    public static bool TryGetIdempotencyKey(HttpRequest request, out string? key, out ProblemHttpResult? problem)
    {
        key = null;
        problem = null;
        var header = request.Headers["Idempotency-Key"].ToString();
        if (string.IsNullOrEmpty(header)) return true;
        if (header.Length > MaxIdempotencyKeyLength || header.Any(char.IsControl))
        {
            problem = Problems.Create(StatusCodes.Status400BadRequest, "bad-idempotency-key", "Idempotency-Key is not usable",
                $"Idempotency-Key must be at most {MaxIdempotencyKeyLength} printable characters.");
            return false;
        }

        key = header;
        return true;
    }
}
