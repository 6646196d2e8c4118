using System.Net.Sockets;
using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;

namespace Timeline.Hosting;

/// <summary>
/// PostgreSQL down, restarting or unreachable: the client is told to come back (503 with Retry-After) instead of a 500.
/// Nothing was acknowledged, since an append answers only after its commit.
/// </summary>
public static class DatabaseOutage
{
    public const int RetryAfterSeconds = 5;

    /// <summary>Applied to connection strings that do not set their own: a down server is noticed in seconds.</summary>
    public const int ConnectTimeoutSeconds = 5;

    public const int CommandTimeoutSeconds = 15;

    /// <summary>True when the failure is the database being unreachable, not a bug or a refused statement.</summary>
    public static bool IsUnavailable(Exception? exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            switch (e)
            {
                case PostgresException postgres:
                    return IsUnavailableState(postgres.SqlState);
                case NpgsqlException or SocketException or TimeoutException:
                    // Not a server-side error: the connection could not be made, broke, or timed out (pool exhausted included).
                    return true;
                case AggregateException aggregate when aggregate.InnerExceptions.Any(IsUnavailable):
                    return true;
            }
        }

        return false;
    }

    /// <summary>Connection failures (08), server shutting down or starting (57P01-57P03), out of resources (53).</summary>
    private static bool IsUnavailableState(string state) =>
        state.StartsWith("08", StringComparison.Ordinal) || state is "57P01" or "57P02" or "57P03" || state.StartsWith("53", StringComparison.Ordinal);

    public static ProblemHttpResult Problem() =>
        Problems.Create(StatusCodes.Status503ServiceUnavailable, "database-unavailable", "The database is unavailable",
            $"The record's database cannot be reached right now; nothing was written. Retry after {RetryAfterSeconds} seconds.");

    public static async Task WriteAsync(HttpContext context)
    {
        context.Response.Headers.RetryAfter = RetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        await Problem().ExecuteAsync(context);
    }
}
