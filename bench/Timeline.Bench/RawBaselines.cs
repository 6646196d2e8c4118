using Npgsql;
using NpgsqlTypes;

namespace Timeline.Bench;

/// <summary>
/// What PostgreSQL does without the service: the append transaction Marten runs (bump the stream's version, insert
/// the event row, commit) and the load of one stored document, straight through Npgsql.
/// </summary>
internal sealed class RawBaselines(NpgsqlDataSource dataSource)
{
    private const string Schema = "bench_raw";

    public async Task CreateAsync(int streams)
    {
        await CreateTablesAsync(dataSource, Schema, streams, initialVersion: 1);
        await using var docs = dataSource.CreateCommand($"create table {Schema}.docs (id text primary key, data jsonb not null)");
        await docs.ExecuteNonQueryAsync();
    }

    /// <summary>The raw event store every baseline writes: a streams table with versions and an events table, as Marten's in miniature.</summary>
    public static async Task CreateTablesAsync(NpgsqlDataSource dataSource, string schema, int streams, int initialVersion)
    {
        await using var command = dataSource.CreateCommand($"""
            drop schema if exists {schema} cascade;
            create schema {schema};
            create table {schema}.streams (id text primary key, version bigint not null, timestamp timestamptz not null default now());
            create table {schema}.events (
                seq_id bigserial primary key, id uuid not null, stream_id text not null references {schema}.streams(id),
                version bigint not null, data jsonb not null, type text not null, timestamp timestamptz not null default now(),
                unique (stream_id, version));
            insert into {schema}.streams (id, version) select 'raw-' || i, {initialVersion} from generate_series(0, {streams - 1}) i;
            """);
        await command.ExecuteNonQueryAsync();
    }

    /// <summary>One append: its own transaction, the stream's version bumped and the event inserted at it.</summary>
    public async Task<int> AppendAsync(string streamId, string eventJson)
    {
        await using var connection = await dataSource.OpenConnectionAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        await using var bump = new NpgsqlCommand($"update {Schema}.streams set version = version + 1, timestamp = now() where id = $1 returning version", connection, transaction);
        bump.Parameters.Add(new NpgsqlParameter { Value = streamId });
        var version = (long)(await bump.ExecuteScalarAsync())!;
        await using var insert = new NpgsqlCommand($"insert into {Schema}.events (id, stream_id, version, data, type) values ($1, $2, $3, $4, 'statement_made')", connection, transaction);
        insert.Parameters.Add(new NpgsqlParameter { Value = Guid.CreateVersion7() });
        insert.Parameters.Add(new NpgsqlParameter { Value = streamId });
        insert.Parameters.Add(new NpgsqlParameter { Value = version });
        insert.Parameters.Add(new NpgsqlParameter { Value = eventJson, NpgsqlDbType = NpgsqlDbType.Jsonb });
        await insert.ExecuteNonQueryAsync();
        await transaction.CommitAsync();
        return 0;
    }

    public async Task StoreDocumentAsync(string id, string json)
    {
        await using var command = dataSource.CreateCommand($"insert into {Schema}.docs (id, data) values ($1, $2) on conflict (id) do update set data = excluded.data");
        command.Parameters.Add(new NpgsqlParameter { Value = id });
        command.Parameters.Add(new NpgsqlParameter { Value = json, NpgsqlDbType = NpgsqlDbType.Jsonb });
        await command.ExecuteNonQueryAsync();
    }

    /// <summary>Loads a stored document as its JSON text, as a document store hands it to a serializer.</summary>
    public async Task<int> LoadDocumentAsync(string id)
    {
        await using var command = dataSource.CreateCommand($"select data from {Schema}.docs where id = $1");
        command.Parameters.Add(new NpgsqlParameter { Value = id });
        var json = (string?)await command.ExecuteScalarAsync();
        return json is null ? 404 : 0;
    }
}
