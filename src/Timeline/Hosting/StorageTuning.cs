using Marten;
using Npgsql;

namespace Timeline.Hosting;

/// <summary>
/// Storage settings Marten's migrations leave alone: lz4 instead of pglz (several times cheaper to compress) for the
/// JSON of the documents appends write and of sources (an imported file is stored whole), and contradiction rows kept
/// inline up to a full page instead of compressed into a side table from 2 kB. Applied once per database, only where
/// missing, and with a short lock timeout: an ALTER queued behind a long transaction would otherwise hold up every
/// append behind it.
/// </summary>
internal sealed class StorageTuning(IDocumentStore store, NpgsqlDataSource dataSource, ILogger<StorageTuning> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var schema = store.Options.DatabaseSchemaName;
        try
        {
            await using var command = dataSource.CreateCommand(Sql(schema));
            await command.ExecuteNonQueryAsync(cancellationToken);
        }
        catch (PostgresException ex)
        {
            // A tuning only: the record works the same without it, and the next start tries again.
            logger.LogWarning(ex, "Storage settings for the documents were not applied");
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private static string Sql(string schema) => $$"""
        set lock_timeout = '2s';
        do $$
        declare
          t text;
        begin
          foreach t in array array['mt_doc_contradiction', 'mt_doc_sourcedocument'] loop
            if exists (select 1 from pg_attribute where attrelid = to_regclass('{{schema}}.' || t) and attname = 'data' and attcompression <> 'l') then
              begin
                execute format('alter table %I.%I alter column data set compression lz4', '{{schema}}', t);
              exception when feature_not_supported or invalid_parameter_value then
                raise notice 'lz4 is not available: % keeps pglz', t;
              end;
            end if;
          end loop;
          if not exists (select 1 from pg_class where oid = '{{schema}}.mt_doc_contradiction'::regclass and 'toast_tuple_target=8160' = any(coalesce(reloptions, '{}'))) then
            alter table {{schema}}.mt_doc_contradiction set (toast_tuple_target = 8160);
          end if;
        end $$;
        reset lock_timeout;
        """;
}
