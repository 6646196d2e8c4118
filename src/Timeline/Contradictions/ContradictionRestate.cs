using Marten;
using Npgsql;
using NpgsqlTypes;

namespace Timeline.Contradictions;

/// <summary>
/// Brings the stored contradiction documents up to this build's rules (<see cref="PropositionLedger.RulesVersion"/>).
/// A document keeps the standing the rules gave when it was last written, so one that no append has touched since an
/// upgrade would go on listing a proposition the new rules no longer find contested. Once per database and rules
/// version, in the background after start: each document is evaluated again from its own claims and written back only
/// when the answer changed and no writer has moved it meanwhile (a writer folds with the new rules anyway). One node
/// does it, under an advisory lock; the others wait for the mark it leaves, and take over if it never comes.
/// </summary>
internal sealed class ContradictionRestate(IDocumentStore store, NpgsqlDataSource dataSource, ILogger<ContradictionRestate> logger) : BackgroundService
{
    private const string Name = "contradictions";
    private const int Page = 500;

    private readonly string _schema = store.Options.DatabaseSchemaName;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        for (var attempt = 1; !stoppingToken.IsCancellationRequested; attempt++)
        {
            try
            {
                if (await RestateAsync(stoppingToken) is not null) return;
                // Another node holds the lock: wait for its mark, and take over if it stopped half-way.
                await Task.Delay(TimeSpan.FromSeconds(15), stoppingToken);
                attempt = 0;
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                // PostgreSQL unavailable at start, most likely: the documents stay as they were until the next try.
                logger.LogWarning(ex, "Contradiction documents not yet brought up to rules version {Version}; trying again", PropositionLedger.RulesVersion);
                await Task.Delay(TimeSpan.FromSeconds(Math.Min(60, 5 * attempt)), stoppingToken);
            }
        }
    }

    /// <summary>
    /// Re-evaluates the documents if this database's mark is older than the rules; returns how many changed, or null when
    /// another node holds the lock.
    /// </summary>
    public async Task<int?> RestateAsync(CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        if (await MarkAsync(connection, ct) >= PropositionLedger.RulesVersion) return 0;

        var lockKey = $"{_schema}.timeline_rules";
        if (!(bool)(await ScalarAsync(connection, "select pg_try_advisory_lock(hashtext($1))", ct, lockKey))!) return null;
        try
        {
            await ScalarAsync(connection, $"create table if not exists {_schema}.timeline_rules (name text primary key, version integer not null)", ct);
            if (await MarkAsync(connection, ct) >= PropositionLedger.RulesVersion) return 0;

            var serializer = store.Options.Serializer();
            var changed = 0;
            var after = "";
            while (true)
            {
                var page = await ReadPageAsync(connection, after, ct);
                if (page.Count == 0) break;
                after = page[^1].Id;
                foreach (var (id, stored, version) in page)
                {
                    if (stored?.Claims is not { Count: > 0 })
                    {
                        // Nothing to evaluate from; left as it is rather than holding up the rest.
                        logger.LogWarning("Contradiction document {Id} has no readable claims; left as it is", id);
                        continue;
                    }

                    var fresh = Contradiction.FromClaims(id, stored.Claims);
                    if (fresh.Standing == stored.Standing && fresh.ContestedSince == stored.ContestedSince) continue;
                    // xmin changes with every write of the row, a writer's re-creation included (its mt_version restarts at 1).
                    await using var update = new NpgsqlCommand(
                        $"update {_schema}.mt_doc_contradiction set data = $2, mt_version = mt_version + 1, mt_last_modified = now() where id = $1 and xmin::text = $3",
                        connection);
                    update.Parameters.Add(new NpgsqlParameter<string> { TypedValue = id });
                    update.Parameters.Add(new NpgsqlParameter<string> { TypedValue = serializer.ToJson(fresh), NpgsqlDbType = NpgsqlDbType.Jsonb });
                    update.Parameters.Add(new NpgsqlParameter<string> { TypedValue = version });
                    changed += await update.ExecuteNonQueryAsync(ct);
                }
            }

            await ScalarAsync(connection,
                $"insert into {_schema}.timeline_rules (name, version) values ($1, $2) on conflict (name) do update set version = excluded.version",
                ct, Name, PropositionLedger.RulesVersion);
            logger.LogInformation("Contradiction documents brought up to rules version {Version}: {Changed} changed", PropositionLedger.RulesVersion, changed);
            return changed;
        }
        finally
        {
            await ScalarAsync(connection, "select pg_advisory_unlock(hashtext($1))", CancellationToken.None, lockKey);
        }
    }

    private async Task<int> MarkAsync(NpgsqlConnection connection, CancellationToken ct)
    {
        // No table yet: a database no build with a rules mark has seen.
        if (await ScalarAsync(connection, "select to_regclass($1)::text", ct, $"{_schema}.timeline_rules") is not string) return 0;
        return await ScalarAsync(connection, $"select version from {_schema}.timeline_rules where name = $1", ct, Name) is int version ? version : 0;
    }

    private async Task<List<(string Id, Contradiction? Document, string Version)>> ReadPageAsync(NpgsqlConnection connection, string after, CancellationToken ct)
    {
        await using var read = new NpgsqlCommand(
            $"select id, data, xmin::text from {_schema}.mt_doc_contradiction where id > $1 order by id limit {Page}", connection);
        read.Parameters.Add(new NpgsqlParameter<string> { TypedValue = after });
        var serializer = store.Options.Serializer();
        var page = new List<(string, Contradiction?, string)>();
        await using var reader = await read.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            Contradiction? document;
            try
            {
                document = serializer.FromJson<Contradiction>(reader, 1);
            }
            catch (System.Text.Json.JsonException)
            {
                document = null;
            }

            page.Add((reader.GetString(0), document, reader.GetString(2)));
        }

        return page;
    }

    private static async Task<object?> ScalarAsync(NpgsqlConnection connection, string sql, CancellationToken ct, params object[] parameters)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        foreach (var p in parameters) command.Parameters.Add(new NpgsqlParameter { Value = p });
        return await command.ExecuteScalarAsync(ct);
    }
}
