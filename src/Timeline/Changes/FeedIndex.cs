using System.Security.Cryptography;
using System.Text;
using Marten;
using Npgsql;

namespace Timeline.Changes;

/// <summary>
/// A partial index of the events of every kind but <c>claim-appended</c>, so <c>kind=</c> filters for the rare kinds
/// (registrations, rulings, retractions, amendments) read only their own entries instead of every event after the cursor.
/// Its predicate is <see cref="ChangeFeed.RareKinds"/>; a new type makes a new name (<see cref="Name"/>), so a new index,
/// and the old one goes. Built concurrently in the background (the first start on a large record takes a while, and
/// appends go on meanwhile); a build cut short leaves an invalid index, which the next start drops and builds again.
/// </summary>
internal sealed class FeedIndex(IDocumentStore store, NpgsqlDataSource dataSource, ILogger<FeedIndex> logger) : BackgroundService
{
    private const string Prefix = "mt_events_feed_";

    private const string Columns = "(type, seq_id)";

    /// <summary>
    /// The index's name, from its columns and the event types of the rare kinds, so that another shape or another type
    /// makes another name. Marten's migrations are told to leave it alone (ChangesSetup): they drop the indexes of
    /// <c>mt_events</c> they do not declare, and would otherwise drop this one at every start.
    /// </summary>
    public static readonly string Name = Prefix + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(
        Columns + string.Join(",", ChangeKinds.EventTypes.Where(t => ChangeKinds.IsRare(t.Kind)).Select(t => t.Type.FullName).Order(StringComparer.Ordinal)))))[..12];

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var schema = store.Options.Events.DatabaseSchemaName;
        var predicate = ChangeFeed.RareKinds(store);
        try
        {
            // Each index with whether it is valid, or still being built (by another node starting at the same time).
            var existing = new Dictionary<string, (bool Valid, bool Building)>(StringComparer.Ordinal);
            await using (var indexes = dataSource.CreateCommand(
                "select c.relname, i.indisvalid, exists (select 1 from pg_stat_progress_create_index as p where p.index_relid = i.indexrelid) " +
                "from pg_index as i join pg_class as c on c.oid = i.indexrelid join pg_namespace as n on n.oid = c.relnamespace " +
                "where n.nspname = $1 and i.indrelid = to_regclass($2) and c.relname like $3"))
            {
                indexes.Parameters.Add(new NpgsqlParameter<string> { TypedValue = schema });
                indexes.Parameters.Add(new NpgsqlParameter<string> { TypedValue = $"{schema}.mt_events" });
                indexes.Parameters.Add(new NpgsqlParameter<string> { TypedValue = Prefix + "%" });
                await using var reader = await indexes.ExecuteReaderAsync(stoppingToken);
                while (await reader.ReadAsync(stoppingToken)) existing[reader.GetString(0)] = (reader.GetBoolean(1), reader.GetBoolean(2));
            }

            if (existing.TryGetValue(Name, out var current) && (current.Valid || current.Building)) return;
            foreach (var (stale, _) in existing.Where(e => !e.Value.Building))
            {
                await ExecuteAsync($"drop index concurrently if exists {schema}.{stale}", stoppingToken);
            }

            await ExecuteAsync($"create index concurrently if not exists {Name} on {schema}.mt_events {Columns} where {predicate}", stoppingToken);
            logger.LogInformation("Changes feed: index {Index} of the rare kinds built", Name);
        }
        catch (Exception ex) when (ex is PostgresException or NpgsqlException && !stoppingToken.IsCancellationRequested)
        {
            // An index only: the feed reads the same without it, and the next start tries again.
            logger.LogWarning(ex, "Changes feed: index {Index} of the rare kinds not built", Name);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    private async Task ExecuteAsync(string sql, CancellationToken ct)
    {
        await using var command = dataSource.CreateCommand(sql);
        command.CommandTimeout = 0;
        await command.ExecuteNonQueryAsync(ct);
    }
}
