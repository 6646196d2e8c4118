using System.Globalization;
using Marten;
using Microsoft.AspNetCore.Mvc;
using Npgsql;
using NpgsqlTypes;
using Timeline.Claims;
using Timeline.Hosting;
using Wolverine.Http;

namespace Timeline.Changes;

/// <param name="Next">The cursor to ask from next (pass it as <c>after</c>): everything up to it has been seen.</param>
public sealed record ChangePage(IReadOnlyList<Change> Items, long After, long Next)
{
    /// <summary>The last sequence number the record has issued, as of this page: no cursor of this record is beyond it.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public long Issued { get; init; } = long.MaxValue;

    /// <summary>
    /// A cursor beyond every sequence issued was not given by this record as it is: it was restored from a backup or reset
    /// since. Waiting would never deliver what came after the cursor, so the reader is told to start again.
    /// </summary>
    public static IResult? CursorAhead(long after, long issued) => after <= issued ? null : Problems.Create(StatusCodes.Status409Conflict,
        "cursor-ahead", "Cursor ahead of the record",
        $"after={after} is beyond every sequence this record has issued ({issued}): the record was restored or reset since that cursor was given. " +
        "Read again from after=0, or from the head, and rebuild what was derived from the feed.");
}

/// <summary>What one reader asks of the feed.</summary>
public sealed record ChangeQuery(long After, int Limit, string? Person, string? Kind)
{
    public const int DefaultLimit = 100;
    public const int MaxLimit = 1_000;
    public const int MaxWaitSeconds = 60;

    public static bool TryParse(long? after, int? limit, int? wait, string? person, string? kind, out ChangeQuery query, out IResult? problem)
    {
        query = new(after ?? 0, limit ?? DefaultLimit, NullIfEmpty(person), NullIfEmpty(kind));
        problem = null;
        var errors = new List<string>();
        if (after is < 0) errors.Add("after must be a sequence of at least 0");
        if (limit is < 1 or > MaxLimit) errors.Add($"limit must be between 1 and {MaxLimit}");
        if (wait is < 0 or > MaxWaitSeconds) errors.Add($"wait must be between 0 and {MaxWaitSeconds} seconds");
        if (query.Person is { } p && !Slugs.IsSlug(p)) errors.Add("person must be a person's id, like mustafa-kamal");
        if (query.Kind is { } k && !ChangeKinds.All.Contains(k)) errors.Add($"kind must be one of {string.Join(", ", ChangeKinds.All)}");
        if (errors.Count == 0) return true;

        problem = Problems.Create(StatusCodes.Status400BadRequest, "bad-changes-query", "Bad changes query", string.Join("; ", errors) + ".");
        return false;
    }

    private static string? NullIfEmpty(string? text) => string.IsNullOrEmpty(text) ? null : text;
}

public static class ChangeFeed
{
    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<IDocumentStore, Reader> Readers = [];

    /// <summary>
    /// The next page after the cursor, read from the events below the feed's safe head (<see cref="ChangeFeedSubscription"/>)
    /// in the same statement as the head. Every event up to the head is committed, so a page that comes back short lets
    /// the cursor move to the head without skipping anything.
    /// </summary>
    public static async Task<ChangePage> ReadAsync(IDocumentStore store, ChangeQuery query, CancellationToken ct)
    {
        var (head, issued, items) = await ReaderOf(store).ReadAsync(query, ct);
        var next = items.Count == query.Limit ? items[^1].Id : Math.Max(query.After, Math.Max(head, items.Count > 0 ? items[^1].Id : 0));
        return new ChangePage(items, query.After, next) { Issued = issued };
    }

    /// <summary>
    /// The condition on <c>type</c> that picks the events of the rare kinds (every kind but <c>claim-appended</c>): the
    /// predicate of <see cref="FeedIndex"/>'s partial index, and written as is into the statement for a rare kind, so that
    /// PostgreSQL uses the index with the generic plan of a prepared statement too.
    /// </summary>
    internal static string RareKinds(IDocumentStore store) => ReaderOf(store).RareKinds;

    private static Reader ReaderOf(IDocumentStore store) => Readers.GetValue(store, s => new Reader(s));

    /// <summary>Reads until something arrives or the wait ends; woken by projection progress, never by a timer.</summary>
    public static async Task<ChangePage> WaitAsync(
        IDocumentStore store, ChangeNotifications notifications, ChangeQuery query, TimeSpan wait, TimeProvider time, CancellationToken ct)
    {
        var deadline = time.GetUtcNow() + wait;
        while (true)
        {
            var woken = notifications.NextProgress;
            var page = await ReadAsync(store, query, ct);
            var left = deadline - time.GetUtcNow();
            if (page.Items.Count > 0 || left <= TimeSpan.Zero) return page;

            query = query with { After = page.Next };
            await Task.WhenAny(woken, Task.Delay(left, time, ct));
            ct.ThrowIfCancellationRequested();
        }
    }

    [WolverineGet("/api/changes")]
    [Tags("Changes")]
    [EndpointSummary("What changed since a cursor")]
    [EndpointDescription("Oldest first. after= the previous page's next; wait= seconds to long-poll when nothing is new (answers empty after it); person= and kind= filter.")]
    [ProducesResponseType<ChangePage>(StatusCodes.Status200OK)]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status400BadRequest, "application/problem+json")]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status409Conflict, "application/problem+json")]
    public static async Task<IResult> Get(
        long? after, int? limit, int? wait, string? person, string? kind,
        HttpContext context, IDocumentStore store, ChangeNotifications notifications, TimeProvider time, CancellationToken ct)
    {
        if (!ChangeQuery.TryParse(after, limit, wait, person, kind, out var query, out var problem)) return problem!;
        var first = await ReadAsync(store, query, ct);
        if (ChangePage.CursorAhead(query.After, first.Issued) is { } ahead) return ahead;
        if (wait is not > 0 || first.Items.Count > 0) return HttpCaching.Json(context, first);

        using var _ = Telemetry.TrackSubscriber("long-poll");
        var page = await WaitAsync(store, notifications, query with { After = first.Next }, TimeSpan.FromSeconds(wait.Value), time, ct);
        return HttpCaching.Json(context, page with { After = after ?? 0 });
    }

    internal static string Cursor(long sequence) => sequence.ToString(CultureInfo.InvariantCulture);

    /// <summary>
    /// The feed's statement over <c>mt_events</c>, with the kind of each event type by the store's own type names (a new
    /// claim type joins the feed with its entry in ClaimsSetup); types of no kind are not listed.
    /// </summary>
    private sealed class Reader
    {
        private readonly IDocumentStore _store;
        private readonly Dictionary<string, (string Kind, ClaimIdIn ClaimId)> _kinds = new(StringComparer.Ordinal);
        private readonly Dictionary<(bool Person, bool Rare), string> _sql = [];

        public Reader(IDocumentStore store)
        {
            _store = store;
            var events = ((DocumentStore)store).Events;
            foreach (var (type, kind, at) in ChangeKinds.EventTypes) _kinds[events.EventMappingFor(type).EventTypeName] = (kind, at);

            var rare = _kinds.Where(k => ChangeKinds.IsRare(k.Value.Kind)).Select(k => k.Key).Order(StringComparer.Ordinal);
            RareKinds = $"type in ({string.Join(", ", rare.Select(t => "'" + t.Replace("'", "''", StringComparison.Ordinal) + "'"))})";
            var schema = store.Options.Events.DatabaseSchemaName;
            foreach (var person in new[] { false, true })
            {
                foreach (var oneRareType in new[] { false, true }) _sql[(person, oneRareType)] = Sql(schema, person, oneRareType ? RareKinds : null);
            }
        }

        public string RareKinds { get; }

        // The head and the page in one snapshot; the person's own index (stream and version) serves a person's feed. A rare
        // kind of one type reads the partial index by type and sequence: its $3 is that type, not a list.
        private static string Sql(string schema, bool person, string? rareKinds) => $$"""
            with head as (
              select coalesce(max(last_seq_id), 0) as seq, (select last_value - case when is_called then 0 else 1 end from {{schema}}.mt_events_sequence) as issued
              from {{schema}}.mt_event_progression where name = $1)
            select h.seq, h.issued, e.seq_id, e.stream_id, e.type, e.version, e.timestamp, e.data #>> '{claim,claimId}', e.data ->> 'claimId'
            from head as h left join lateral (
              select e.seq_id, e.stream_id, e.type, e.version, e.timestamp, e.data from {{schema}}.mt_events as e
              where e.seq_id > $2 and e.seq_id <= h.seq and {{(rareKinds is null ? "e.type = any($3)" : "e.type = $3 and e." + rareKinds)}} and not e.is_archived{{(person ? " and e.stream_id = $5" : "")}}
              order by e.seq_id limit $4) as e on true
            order by e.seq_id
            """;

        public async Task<(long Head, long Issued, List<Change> Items)> ReadAsync(ChangeQuery query, CancellationToken ct)
        {
            var types = _kinds.Where(k => query.Kind is null || k.Value.Kind == query.Kind).Select(k => k.Key).ToArray();
            var rare = query.Kind is { } only && ChangeKinds.IsRare(only) && types.Length == 1;
            await using var connection = _store.Storage.Database.CreateConnection();
            await connection.OpenAsync(ct);
            await using var command = new NpgsqlCommand(_sql[(query.Person is not null, rare)], connection);
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = ChangeFeedSubscription.Shard });
            command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = query.After });
            command.Parameters.Add(rare
                ? new NpgsqlParameter<string> { TypedValue = types[0], NpgsqlDbType = NpgsqlDbType.Varchar }
                : new NpgsqlParameter<string[]> { TypedValue = types, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Varchar });
            command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = query.Limit });
            if (query.Person is { } person) command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = person, NpgsqlDbType = NpgsqlDbType.Varchar });

            long head = 0, issued = long.MaxValue;
            var items = new List<Change>(Math.Min(query.Limit, 128));
            await using var reader = await command.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                head = reader.GetInt64(0);
                issued = reader.GetInt64(1);
                if (await reader.IsDBNullAsync(2, ct)) continue;
                var (kind, at) = _kinds[reader.GetString(4)];
                var column = at switch { ClaimIdIn.Claim => 7, ClaimIdIn.Event => 8, _ => -1 };
                var claimId = column < 0 || await reader.IsDBNullAsync(column, ct) ? null : reader.GetString(column);
                items.Add(new Change(reader.GetInt64(2), reader.GetString(3), Guid.TryParse(claimId, out var id) ? id : null, kind,
                    reader.GetInt64(5), reader.GetFieldValue<DateTimeOffset>(6).ToUniversalTime()));
            }

            return (head, issued, items);
        }
    }
}
